package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.config.ReconcileKind;
import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.delivery.ConvexRequestBuilder;
import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.reconcile.ReconciledKind.StoredItem;
import io.clerkconvexsync.support.ShippedProperties;
import io.clerkconvexsync.support.SignedWebhooks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The reconcile pass's Convex requests, for every kind and with the shipped function settings, are exactly the ones
 * in contract/convex-requests.json, which the Convex functions' tests run through the functions themselves.
 */
class ReconcileRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Per kind, the example events whose data a listing of that kind holds (the contract's upsertMany arrays). */
    private static final Map<ReconcileKind, List<String>> LISTED = Map.of(
            ReconcileKind.USERS, List.of("user.created.json", "user.created.docs-example.json"),
            ReconcileKind.ORGANIZATIONS, List.of("organization.created.json"),
            ReconcileKind.MEMBERSHIPS, List.of("organizationMembership.created.json", "organizationMembership.updated.json"));

    private static final Map<String, String> REQUIRED = Map.of(
            "clerk.webhook-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "convex.url", "https://x.convex.cloud");

    @ParameterizedTest
    @EnumSource(ReconcileKind.class)
    void upsertManyFromClerkSendsAListingPageInTheContractsShape(ReconcileKind kind) throws Exception {
        ReconciledKind reconciled = shipped(kind);
        List<ClerkObject> page = ClerkObject.page(listing(kind));
        byte[] body = ConvexRequestBuilder.requestBody(
                ConvexSide.upsertCall(reconciled.upsertFunction(), reconciled.argument(), page));
        assertEquals(contract(kind, "upsertManyFromClerk"), JSON.readTree(body),
                "the runtime's " + kind.wireName() + " upsertManyFromClerk request differs from contract/convex-requests.json");
    }

    @ParameterizedTest
    @EnumSource(ReconcileKind.class)
    void pageExternalIdsAsksForTheFirstPageInTheContractsShape(ReconcileKind kind) throws Exception {
        byte[] body = ConvexRequestBuilder.requestBody(ConvexSide.pageCall(shipped(kind).pageFunction(), 100, null));
        assertEquals(contract(kind, "pageExternalIds"), JSON.readTree(body),
                "the runtime's " + kind.wireName() + " pageExternalIds request differs from contract/convex-requests.json");
    }

    @Test
    void theSweepDeletesUsersAndOrganizationsWithTheirDeletionWebhooksRequest() throws Exception {
        assertEquals(event("user.deleted.json"), JSON.readTree(ConvexRequestBuilder.requestBody(shipped(ReconcileKind.USERS)
                .deleteCall(new StoredItem("user_2g7np7Hrk0SN6kj5EDMLDaKNL0S", null, null)))));
        assertEquals(event("organization.deleted.json"), JSON.readTree(ConvexRequestBuilder.requestBody(
                shipped(ReconcileKind.ORGANIZATIONS).deleteCall(new StoredItem("org_29w9IfBrPmcpi0IeBVaKtA7R94W", null, null)))));
    }

    @Test
    void theSweepDeletesAMembershipWithTheFieldsOfTheDeletionWebhookItHolds() throws Exception {
        JsonNode webhook = event("organizationMembership.deleted.json");
        JsonNode membership = webhook.get("args").get("membership");
        JsonNode sweep = JSON.readTree(ConvexRequestBuilder.requestBody(shipped(ReconcileKind.MEMBERSHIPS).deleteCall(
                new StoredItem(membership.get("id").asText(), membership.at("/organization/id").asText(),
                        membership.at("/public_user_data/user_id").asText()))));
        assertEquals(webhook.get("path"), sweep.get("path"));
        for (String field : List.of("/object", "/id", "/organization/id", "/public_user_data/user_id")) {
            assertEquals(membership.at(field), sweep.get("args").get("membership").at(field), field);
        }
    }

    @Test
    void theSweepDeletesARoleAndAnInvitationAndArchivesAPlanAsTheContractSays() throws Exception {
        for (var kindAndId : List.of(List.of(ReconcileKind.ROLES, "deleteFromClerk", "roleId"),
                List.of(ReconcileKind.INVITATIONS, "deleteFromClerk", "invitationId"),
                List.of(ReconcileKind.PLANS, "archiveFromClerk", "planId"))) {
            ReconcileKind kind = (ReconcileKind) kindAndId.get(0);
            JsonNode expected = contract(kind, (String) kindAndId.get(1));
            String id = expected.get("args").get((String) kindAndId.get(2)).asText();
            JsonNode sweep = JSON.readTree(ConvexRequestBuilder.requestBody(
                    shipped(kind).deleteCall(new StoredItem(id, "org_2g7np7Hrk0SN6kj5EDMLDaKNL0S", null))));
            assertEquals(expected, sweep, kind.wireName() + " " + kindAndId.get(1));
        }
    }

    @Test
    void aSubscriptionItemReReadThroughItsPayerIsUpsertedFromThePayersSubscriptionAsTheContractSays() throws Exception {
        JsonNode expected = contract(ReconcileKind.SUBSCRIPTION_ITEMS, "rereadThroughPayer");
        ReconciledKind kind = shipped(ReconcileKind.SUBSCRIPTION_ITEMS);
        List<ClerkObject> items = ClerkObject.arrayOf(backend(expected.path("listing").asText()), "subscription_items");
        assertEquals(expected.get("request"), JSON.readTree(ConvexRequestBuilder.requestBody(
                ConvexSide.upsertCall(kind.upsertFunction(), kind.argument(), items))));
    }

    @Test
    void eachKindNamesHowAMissedItemIsConfirmed() {
        Map<ReconcileKind, String> confirm = new java.util.EnumMap<>(ReconcileKind.class);
        for (ReconcileKind kind : ReconcileKind.values()) {
            confirm.put(kind, shipped(kind).confirm().name());
        }
        assertEquals(Map.of(ReconcileKind.ROLES, "lookup404", ReconcileKind.ORGANIZATIONS, "lookup404",
                ReconcileKind.USERS, "lookup404", ReconcileKind.MEMBERSHIPS, "organizationMembershipList",
                ReconcileKind.INVITATIONS, "lookup404", ReconcileKind.PLANS, "archiveOnly",
                ReconcileKind.SUBSCRIPTION_ITEMS, "payerSubscription"), confirm);
        Confirmation payer = shipped(ReconcileKind.SUBSCRIPTION_ITEMS).confirm();
        for (String status : List.of("active", "past_due", "canceled")) {
            assertEquals(true, payer.concerns(new StoredItem("csub_item_1", null, "user_1", status)), status);
        }
        for (String status : List.of("ended", "abandoned", "upcoming", "incomplete", "expired")) {
            assertEquals(false, payer.concerns(new StoredItem("csub_item_1", null, "user_1", status)), status);
        }
    }

    @Test
    void aClerkPageKeepsEachObjectByteForByteInEitherListingShape() throws Exception {
        String first = "{\"id\":\"user_1\",\"first_name\":\"Zoë\",\"n\":1.50}";
        String second = "{\"object\":\"user\",\"id\":\"user_2\",\"x\":{\"id\":\"nested\"}}";
        for (String listing : List.of("[" + first + " , " + second + "]",
                "{\"total_count\":2,\"data\":[" + first + "," + second + "]}")) {
            List<ClerkObject> page = ClerkObject.page(listing.getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of("user_1", "user_2"), page.stream().map(ClerkObject::id).toList(), "ids, not nested ones");
            assertEquals(first, page.get(0).json().toString(), "unicode and decimals untouched");
            assertEquals(second, page.get(1).json().toString());
        }
    }

    /** The kind as a pass runs it with the shipped settings. */
    private static ReconciledKind shipped(ReconcileKind kind) {
        return ReconciledKind.of(kind, ReconcileSettings.load(ShippedProperties.lookup(REQUIRED)),
                SyncSettings.load(ShippedProperties.lookup(REQUIRED)));
    }

    /**
     * A listing page as Clerk answers it: the Backend API sample the contract's entry names, or the example events'
     * data as a bare array of users or {"data":[…]} of the others.
     */
    private static byte[] listing(ReconcileKind kind) throws Exception {
        JsonNode sample = contractEntry(kind, "upsertManyFromClerk").path("listing");
        if (!sample.isMissingNode()) {
            return backend(sample.asText());
        }
        StringBuilder array = new StringBuilder("[");
        for (String payload : LISTED.get(kind)) {
            ClerkEvent event = new ClerkEventParser().parse("msg_contract",
                    SignedWebhooks.payload(payload).getBytes(StandardCharsets.UTF_8), Map.of());
            array.append(array.length() > 1 ? "," : "").append(event.data());
        }
        array.append(']');
        return (kind == ReconcileKind.USERS ? array.toString() : "{\"data\":" + array + ",\"total_count\":2}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A Backend API answer from src/test/resources/payloads/ ({@code backend/…json}). */
    private static byte[] backend(String sample) throws Exception {
        return Files.readAllBytes(Path.of("src/test/resources/payloads", sample));
    }

    private static JsonNode contract(ReconcileKind kind, String function) throws Exception {
        JsonNode entry = contractEntry(kind, function);
        return "rereadThroughPayer".equals(function) ? entry : entry.get("request");
    }

    private static JsonNode contractEntry(ReconcileKind kind, String function) throws Exception {
        for (JsonNode entry : entries()) {
            if (function.equals(entry.path("reconcile").asText()) && kind.wireName().equals(entry.path("kind").asText())) {
                return entry;
            }
        }
        assertNotNull(null, "contract/convex-requests.json has no entry for reconcile " + kind.wireName() + " " + function);
        return null;
    }

    private static JsonNode event(String payload) throws Exception {
        for (JsonNode entry : entries()) {
            if (payload.equals(entry.path("event").asText())) {
                return entry.get("request");
            }
        }
        throw new AssertionError("contract/convex-requests.json has no entry for " + payload);
    }

    private static JsonNode entries() throws Exception {
        return JSON.readTree(Files.readString(Path.of("contract/convex-requests.json")));
    }
}
