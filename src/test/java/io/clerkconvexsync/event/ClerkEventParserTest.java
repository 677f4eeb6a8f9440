package io.clerkconvexsync.event;

import io.clerkconvexsync.support.SignedWebhooks;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClerkEventParserTest {

    private final ClerkEventParser parser = new ClerkEventParser();

    private ClerkEvent parse(String body) {
        return parser.parse("msg_1", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private String rejection(String body) {
        return assertThrows(WebhookRejectedException.class, () -> parse(body), "should be rejected: " + body).code();
    }

    @Test
    void keepsDataAsTheExactBytesItArrivedAs() {
        String data = "{ \"id\" : \"user_1\",\n \"first_name\":\"Zo\\u00eb \\\"Z\\\" 🚀\", \"n\": 1.10e0, \"big\": 12345678901234567890,"
                + " \"nested\": {\"id\": \"not_me\", \"list\": [1, {\"a\": [] }]}, \"nothing\": null }";
        String body = "{\"data\": " + data + " , \"type\":\"user.updated\", \"object\":\"event\",\"timestamp\":1716883200000}";
        ClerkEvent event = parse(body);
        assertEquals(data, event.data().toString(), "data must be passed through byte for byte");
        assertEquals("user_1", event.subjectId(), "the top-level id of data, not a nested one");
        assertEquals(1716883200000L, event.timestamp());
    }

    @Test
    void readsTheSamplePayloads() {
        for (String name : new String[] {"user.created.json", "user.updated.json", "user.deleted.json", "user.created.docs-example.json"}) {
            ClerkEvent event = parse(SignedWebhooks.payload(name));
            JsonNode expected = readTree(SignedWebhooks.payload(name)).get("data");
            assertEquals(expected.get("id").asText(), event.subjectId(), name);
            assertEquals(expected, readTree(event.data().toString()), name + ": data must be the payload's data");
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return ClerkEventParser.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void keepsScalarAndArrayDataOfOtherEvents() {
        assertEquals("[1, 2]", parse("{\"type\":\"x.y\",\"data\":[1, 2]}").data().toString());
        assertEquals("\"text\"", parse("{\"type\":\"x.y\",\"data\":\"text\"}").data().toString());
        assertEquals("null", parse("{\"type\":\"x.y\",\"data\":null}").data().toString());
        assertNull(parse("{\"type\":\"x.y\"}").data());
    }

    @Test
    void rejectsMalformedBodiesAnywhereInThem() {
        assertEquals("malformed_json", rejection("{\"type\":\"user.created\",\"data\":{\"id\":\"u\",\"x\":[1,}}"));
        assertEquals("malformed_json", rejection("{\"type\":\"user.created\",\"data\":{\"id\":\"u\"}} trailing"));
        assertEquals("malformed_event", rejection("[{\"type\":\"user.created\"}]"));
        assertEquals("missing_type", rejection("{\"type\":7,\"data\":{\"id\":\"u\"}}"));
        assertEquals("missing_user_id", rejection("{\"type\":\"user.created\",\"data\":{\"id\":7}}"));
        assertEquals("missing_user_id", rejection("{\"type\":\"user.deleted\",\"data\":[\"id\"]}"));
        assertEquals("missing_user_id", rejection("{\"type\":\"user.deleted\",\"data\":{\"id\":{\"id\":\"u\"},\"x\":1}}"),
                "an id that is an object is no id, and is read past whole");
        assertEquals("missing_type", rejection("{\"type\":{\"type\":\"user.created\"},\"data\":{\"id\":\"u\"}}"),
                "a type that is an object is no type, and is read past whole");
        assertEquals("missing_organization_id", rejection("{\"type\":\"organizationMembership.created\",\"data\":{\"id\":\"m\","
                + "\"organization\":[\"id\"],\"public_user_data\":{\"user_id\":\"u\"}}}"),
                "an organization that is no object has no id, and what follows it is still read");
    }

    @Test
    void requiresTheIdsAnOrganizationOrMembershipFunctionKeysOn() {
        assertEquals("missing_organization_id", rejection("{\"type\":\"organization.deleted\",\"data\":{\"id\":\"\"}}"));
        String member = "\"organization\":{\"id\":\"org_1\"},\"public_user_data\":{\"user_id\":\"user_1\"}";
        assertEquals("orgmem_1", parse("{\"type\":\"organizationMembership.deleted\",\"data\":{\"id\":\"orgmem_1\","
                + member + "}}").subjectId());
        assertEquals("missing_membership_id", rejection("{\"type\":\"organizationMembership.created\",\"data\":{" + member + "}}"));
        // the ids must be where Clerk puts them, not any "id" or "user_id" elsewhere in the membership
        assertEquals("missing_organization_id", rejection("{\"type\":\"organizationMembership.updated\",\"data\":{\"id\":\"m\","
                + "\"organization\":\"org_1\",\"public_user_data\":{\"user_id\":\"user_1\"}}}"));
        assertEquals("missing_user_id", rejection("{\"type\":\"organizationMembership.updated\",\"data\":{\"id\":\"m\","
                + "\"organization\":{\"id\":\"org_1\",\"user_id\":\"user_1\"},\"public_user_data\":{\"id\":\"user_1\"}}}"));
        // types the runtime does not deliver itself are an extension route's business
        assertNull(parse("{\"type\":\"paymentAttempt.updated\",\"data\":{}}").subjectId());
        assertNull(parse("{\"type\":\"permission.created\",\"data\":{}}").subjectId());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"role.created,missing_role_id,role_id", "role.deleted,missing_role_id,role_id",
            "permission.deleted,missing_permission_id,permission_id",
            "subscription.pastDue,missing_subscription_id,subscription_id",
            "subscriptionItem.freeTrialEnding,missing_subscription_item_id,subscription_item_id",
            "subscriptionItem.created,missing_subscription_item_id,subscription_item_id",
            "organizationInvitation.revoked,missing_invitation_id,invitation_id"})
    void requiresTheIdOfEveryFamilysObjectAndNamesItForTheLog(String type, String reason, String key) {
        assertEquals(reason, rejection("{\"type\":\"" + type + "\",\"data\":{\"status\":\"active\"}}"));
        assertEquals(reason, rejection("{\"type\":\"" + type + "\",\"data\":{\"id\":7}}"));
        assertEquals("x_1", parse("{\"type\":\"" + type + "\",\"data\":{\"id\":\"x_1\"}}").subjectId());
        assertEquals(key, ClerkEventParser.idKey(type));
    }

    @Test
    void namesTheIdsOfOtherTypesObjectId() {
        assertEquals("user_id", ClerkEventParser.idKey("user.deleted"));
        assertEquals("organization_id", ClerkEventParser.idKey("organization.created"));
        assertEquals("membership_id", ClerkEventParser.idKey("organizationMembership.updated"));
        assertEquals("object_id", ClerkEventParser.idKey("permission.created"));
        assertEquals("object_id", ClerkEventParser.idKey("session.created"));
        assertEquals("object_id", ClerkEventParser.idKey("nodot"));
    }
}
