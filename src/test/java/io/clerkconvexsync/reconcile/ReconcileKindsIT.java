package io.clerkconvexsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.Application;
import io.clerkconvexsync.config.ReconcileKind;
import io.clerkconvexsync.support.ClerkStandIn;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.ConvexTable;
import io.clerkconvexsync.support.TestRuntime;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reconcile of roles, invitations, plans and subscription items with every other kind, against the running
 * application, a Clerk stand-in serving the Backend API's shapes (from the samples in payloads/backend/) and the Convex
 * stand-in's tables: a backfill of every kind, drift healed both ways, a second pass idle, an entitled item the listing
 * misses re-read through its payer, an invitation deleted only after its 404; and after every test, no request to
 * Clerk other than a GET, none to {@code /v1/billing/subscription_items/{id}}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.kinds.webhook.port}}",
        "camel.management.port={{it.kinds.management.port}}",
        "convex.url={{it.kinds.convex.url}}",
        "reconcile.clerk-api-url={{it.kinds.clerk.url}}",
        "reconcile.clerk-secret-key=" + ReconcileKindsIT.CLERK_KEY,
        "clerk.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "storage.jdbc-url=jdbc:h2:mem:reconcile-kinds-it;DB_CLOSE_DELAY=-1",
        // small pages and batches so that a handful of objects spans several of each
        "reconcile.clerk-page-size=4",
        "reconcile.batch-size=3",
        "reconcile.convex-page-size=5",
        "reconcile.clerk-requests-per-10s=1000",
        "reconcile.clerk-attempts=2",
        "reconcile.clerk-max-retry-wait-seconds=1",
        "reconcile.max-delete-fraction=0.5"})
class ReconcileKindsIT {
    static final String CLERK_KEY = "sk_test_reconcileKindsKey0123456789";
    static final TestRuntime RUNTIME = TestRuntime.prepare("it.kinds");
    static final ConvexStandIn CONVEX = RUNTIME.convex();
    static final ClerkStandIn CLERK = ClerkStandIn.published(CLERK_KEY, "it.kinds.clerk.url");
    static final Set<ReconcileKind> EVERY_KIND = EnumSet.allOf(ReconcileKind.class);

    @BeanInject(Reconciler.BEAN)
    Reconciler reconciler;

    @BeforeEach
    void emptyBothSides() {
        CONVEX.reset();
        CONVEX.keepUsers();
        CLERK.clear();
    }

    @AfterEach
    void clerkWasOnlyRead() {
        List<ClerkStandIn.Request> requests = CLERK.requests();
        assertFalse(requests.isEmpty(), "the pass asked Clerk");
        for (ClerkStandIn.Request request : requests) {
            assertEquals("GET", request.method(), "only GET reaches Clerk: " + request);
            assertFalse(request.path().startsWith("/v1/billing/subscription_items/"),
                    "never DELETE (cancel) or probe a subscription item: " + request);
        }
    }

    @AfterAll
    void stopStandIns() {
        CONVEX.close();
        CLERK.close();
    }

    @Test
    void backfillsEveryKindHealsDriftBothWaysAndASecondPassIsIdle() {
        for (int i = 0; i < 5; i++) {
            CLERK.put("roles", ClerkStandIn.role("role_" + i, "org:role" + i, 1000 + i));
        }
        CLERK.addOrganizations("org_k", 2);
        CLERK.addUsers("user_k", 3);
        CLERK.addMembership("orgmem_k0", "org_k0", "user_k0", "org:role0");
        CLERK.addMembership("orgmem_k1", "org_k1", "user_k1", "org:role1");
        for (int i = 0; i < 5; i++) {
            CLERK.put("invitations", ClerkStandIn.invitation("orginv_" + i, "org_k" + (i % 2), i == 4 ? "expired" : "pending", 2000 + i));
        }
        ObjectNode pro = ClerkStandIn.plan("cplan_pro", "pro");
        ObjectNode free = ClerkStandIn.plan("cplan_free", "free");
        free.with("fee").put("amount", 0);
        CLERK.put("plans", pro);
        CLERK.put("plans", free);
        CLERK.put("plans", ClerkStandIn.plan("cplan_team", "team"));
        CLERK.put("subscriptionItems", ClerkStandIn.subscriptionItem("csub_item_0", "user_k0", null, "active", pro, 3000));
        CLERK.put("subscriptionItems", ClerkStandIn.subscriptionItem("csub_item_1", null, "org_k1", "past_due", pro, 3001));
        CLERK.put("subscriptionItems", ClerkStandIn.subscriptionItem("csub_item_2", "user_k1", null, "active", free, 3002));
        CLERK.put("subscriptionItems", ClerkStandIn.subscriptionItem("csub_item_3", "user_k2", null, "canceled", pro, 3003));

        // Convex's drift: a stale role, one deleted in Clerk, an invitation revoked meanwhile (a newer version in
        // Clerk) and one deleted, a plan Clerk no longer lists, a subscription item whose status changed
        ConvexTable roles = CONVEX.table("roles");
        ConvexTable invitations = CONVEX.table("invitations");
        ConvexTable plans = CONVEX.table("plans");
        ConvexTable items = CONVEX.table("subscriptionItems");
        roles.put(ClerkStandIn.role("role_1", "org:old", 10));
        roles.put(ClerkStandIn.role("role_gone", "org:gone", 10));
        invitations.put(ClerkStandIn.invitation("orginv_0", "org_k0", "pending", 10));
        invitations.put(ClerkStandIn.invitation("orginv_gone", "org_k0", "pending", 10));
        plans.put(pro);
        plans.put(ClerkStandIn.plan("cplan_old", "old"));
        items.put(ClerkStandIn.subscriptionItem("csub_item_0", "user_k0", null, "upcoming", pro, 10));

        JsonNode first = pass(EVERY_KIND);
        assertTrue(first.get("complete").asBoolean(), first.toString());
        JsonNode r = first.get("roles");
        assertEquals(5, r.get("listed").asInt(), first.toString());
        assertEquals(2, r.get("clerkPages").asInt(), "5 roles in pages of 4: " + first);
        assertEquals(4, r.at("/upserted/inserted").asInt(), first.toString());
        assertEquals(1, r.at("/upserted/updated").asInt(), "role_1's stale key: " + first);
        assertEquals(1, r.get("deleted").asInt(), "role_gone, after its 404: " + first);
        assertEquals(Set.copyOf(CLERK.ids("roles")), Set.copyOf(roles.ids()));
        assertEquals("org:role1", roles.get("role_1").get("key").asText());

        JsonNode inv = first.get("invitations");
        assertEquals(5, inv.get("listed").asInt(), "every status, the expired one too: " + first);
        assertEquals(1, inv.get("deleted").asInt(), first.toString());
        assertEquals(Set.copyOf(CLERK.ids("invitations")), Set.copyOf(invitations.ids()));
        assertEquals("expired", invitations.get("orginv_4").get("status").asText(), "an expiry only reconcile reveals");

        JsonNode p = first.get("plans");
        assertEquals(3, p.get("listed").asInt(), first.toString());
        assertEquals(1, p.get("archived").asInt(), "cplan_old, archived: " + first);
        assertEquals(0, p.get("deleted").asInt(), first.toString());
        assertTrue(plans.get("cplan_old").get("archived").asBoolean(), "the plan Clerk no longer lists stays, archived");
        assertEquals(pro.get("features"), plans.get("cplan_pro").get("features"), "features come with the plan");

        JsonNode s = first.get("subscriptionItems");
        assertEquals(4, s.get("listed").asInt(), "free-plan items included: " + first);
        assertEquals(3, s.at("/upserted/inserted").asInt(), first.toString());
        assertEquals(1, s.at("/upserted/updated").asInt(), first.toString());
        assertEquals(0, s.get("deleted").asInt() + s.get("reread").asInt(), first.toString());
        assertEquals("active", items.get("csub_item_0").get("status").asText());
        assertEquals(Set.copyOf(CLERK.ids("subscriptionItems")), Set.copyOf(items.ids()));
        for (String kind : List.of("organizations", "users", "memberships")) {
            assertTrue(first.get(kind).at("/upserted/inserted").asInt() > 0, kind + " backfilled too: " + first);
        }

        List<String> asked = CLERK.requests().stream().map(q -> q.path() + "?" + q.query()).toList();
        assertTrue(asked.contains("/v1/organization_roles/role_gone?null"), "role_gone deleted after its 404: " + asked);
        assertTrue(asked.contains("/v1/organizations/org_k0/invitations/orginv_gone?null"), asked.toString());
        assertTrue(asked.contains("/v1/organization_invitations?limit=4&offset=0&order_by=%2Bcreated_at"
                + "&status=pending&status=accepted&status=revoked&status=expired"), asked.toString());
        assertTrue(asked.contains("/v1/billing/plans?limit=4&offset=0"), asked.toString());
        assertTrue(asked.contains("/v1/billing/subscription_items?limit=4&offset=0&include_free=true"), asked.toString());
        List<String> order = List.of("/v1/organization_roles", "/v1/organizations", "/v1/users",
                "/v1/organization_memberships", "/v1/organization_invitations", "/v1/billing/plans",
                "/v1/billing/subscription_items");
        List<Integer> firstListing = order.stream().map(path -> asked.indexOf(asked.stream()
                .filter(a -> a.startsWith(path + "?limit=")).findFirst().orElseThrow())).toList();
        assertEquals(firstListing.stream().sorted().toList(), firstListing, "the pass order of the kinds: " + asked);

        CLERK.reset();
        JsonNode second = pass(EVERY_KIND);
        assertTrue(second.get("complete").asBoolean(), second.toString());
        for (ReconcileKind kind : EVERY_KIND) {
            JsonNode section = second.get(kind.wireName());
            assertEquals(section.get("listed").asInt(), section.at("/upserted/unchanged").asInt(), kind + ": " + second);
            for (String idle : List.of("/upserted/inserted", "/upserted/updated", "/deleted", "/archived", "/reread",
                    "/unresolved")) {
                assertEquals(0, section.at(idle).asInt(), kind + idle + ": " + second);
            }
            // Convex still pages the archived plan: asked to archive it again, it answers unchanged, not counted
            assertEquals(kind == ReconcileKind.PLANS ? 1 : 0, section.get("candidates").asInt(), kind + ": " + second);
        }
        assertTrue(plans.get("cplan_old").get("archived").asBoolean());
    }

    @Test
    void anItemConvexHoldsAsActiveThatTheListingMissesIsReReadThroughItsPayerAndUpdatedToEnded() {
        ObjectNode pro = ClerkStandIn.plan("cplan_pro", "pro");
        for (int i = 0; i < 4; i++) {
            CLERK.put("subscriptionItems", ClerkStandIn.subscriptionItem("csub_item_l" + i, "user_l" + i, null, "active", pro, 100 + i));
        }
        ObjectNode ended = ClerkStandIn.subscriptionItem("csub_item_e", "user_p", null, "ended", pro, 500);
        CLERK.put("subscriptionItems", ended);
        CLERK.put("subscriptionItems", ClerkStandIn.subscriptionItem("csub_item_o", null, "org_p", "active", pro, 501));
        CLERK.hideFromListing("csub_item_e");
        CLERK.hideFromListing("csub_item_o");
        ConvexTable items = CONVEX.table("subscriptionItems");
        items.put(ClerkStandIn.subscriptionItem("csub_item_e", "user_p", null, "active", pro, 50));
        items.put(ClerkStandIn.subscriptionItem("csub_item_o", null, "org_p", "past_due", pro, 50));
        // held as ended: not entitled, so not re-read; and an entitled one whose payer Clerk answers 404 for
        items.put(ClerkStandIn.subscriptionItem("csub_item_old", "user_old", null, "ended", pro, 40));
        items.put(ClerkStandIn.subscriptionItem("csub_item_lost", "user_lost", null, "active", pro, 40));

        JsonNode summary = pass(EnumSet.of(ReconcileKind.SUBSCRIPTION_ITEMS));
        assertTrue(summary.get("complete").asBoolean(), summary.toString());
        JsonNode s = summary.get("subscriptionItems");
        assertEquals(4, s.get("listed").asInt(), summary.toString());
        assertEquals(3, s.get("candidates").asInt(), "the entitled items the listing missed: " + summary);
        assertEquals(2, s.get("reread").asInt(), summary.toString());
        assertEquals(1, s.get("unresolved").asInt(), "csub_item_lost: its payer has no subscription: " + summary);
        assertEquals(0, s.get("deleted").asInt(), summary.toString());
        assertEquals(CLERK.get("subscriptionItems", "csub_item_e"), items.get("csub_item_e"), "updated from the payer's answer");
        assertEquals("ended", items.get("csub_item_e").get("status").asText());
        assertEquals("active", items.get("csub_item_o").get("status").asText());
        assertNotNull(items.get("csub_item_lost"), "nothing billing-related is deleted");
        assertNotNull(items.get("csub_item_old"));

        List<String> asked = CLERK.requests().stream().map(ClerkStandIn.Request::path).toList();
        assertTrue(asked.contains("/v1/users/user_p/billing/subscription"), asked.toString());
        assertTrue(asked.contains("/v1/organizations/org_p/billing/subscription"), asked.toString());
        assertTrue(asked.contains("/v1/users/user_lost/billing/subscription"), asked.toString());
        assertFalse(asked.contains("/v1/users/user_old/billing/subscription"), "an ended item is not re-read: " + asked);
        assertTrue(CONVEX.requests().stream().noneMatch(q -> q.body().contains("subscriptionItems:deleteFromClerk")),
                "no deletion asked of Convex");
    }

    @Test
    void anInvitationIsDeletedOnlyAfterItsOrganizationAnswers404ForIt() {
        CLERK.addOrganizations("org_i", 1);
        ConvexTable invitations = CONVEX.table("invitations");
        for (int i = 0; i < 5; i++) {
            ObjectNode invitation = ClerkStandIn.invitation("orginv_i" + i, "org_i0", "pending", 100 + i);
            CLERK.put("invitations", invitation);
            invitations.put(invitation);
        }
        CLERK.hideFromListing("orginv_i2"); // offset paging skipped it: Clerk still has it
        invitations.put(ClerkStandIn.invitation("orginv_gone", "org_i0", "pending", 10));

        JsonNode summary = pass(EnumSet.of(ReconcileKind.INVITATIONS));
        assertTrue(summary.get("complete").asBoolean(), summary.toString());
        JsonNode inv = summary.get("invitations");
        assertEquals(2, inv.get("candidates").asInt(), summary.toString());
        assertEquals(1, inv.get("kept").asInt(), "orginv_i2: Clerk answered it: " + summary);
        assertEquals(1, inv.get("deleted").asInt(), summary.toString());
        assertNotNull(invitations.get("orginv_i2"));
        assertEquals(null, invitations.get("orginv_gone"));
        List<String> asked = CLERK.requests().stream().map(ClerkStandIn.Request::path).toList();
        assertTrue(asked.contains("/v1/organizations/org_i0/invitations/orginv_i2"), asked.toString());
        assertTrue(asked.contains("/v1/organizations/org_i0/invitations/orginv_gone"), asked.toString());
        List<String> deletions = CONVEX.requests().stream().map(ConvexStandIn.Request::body)
                .filter(b -> b.contains("invitations:deleteFromClerk")).toList();
        assertEquals(1, deletions.size(), deletions.toString());
        assertTrue(deletions.get(0).contains("\"invitationId\":\"orginv_gone\""), deletions.toString());
    }

    private JsonNode pass(Set<ReconcileKind> kinds) {
        return reconciler.run(new ReconcileOptions(false, false, false, kinds), line -> { }).toJson();
    }
}
