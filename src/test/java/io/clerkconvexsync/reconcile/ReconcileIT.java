package io.clerkconvexsync.reconcile;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.Application;
import io.clerkconvexsync.config.ReconcileKind;
import io.clerkconvexsync.store.LeaseStore;
import io.clerkconvexsync.support.ClerkStandIn;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.ConvexTable;
import io.clerkconvexsync.support.TestRuntime;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.BeanInject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reconcile passes against the running application, started and watched through the admin API, with a Clerk Backend
 * API stand-in and the Convex stand-in's users table: backfill across pages, drift healed, a second pass that changes
 * nothing, users that offset paging skips, Clerk failing mid-listing, the wrong-key safety, Clerk's rate limits, the
 * secret key kept out of every answer and log line, and one pass at a time across instances.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.reconcile.webhook.port}}",
        "camel.management.port={{it.reconcile.management.port}}",
        "convex.url={{it.reconcile.convex.url}}",
        "reconcile.clerk-api-url={{it.reconcile.clerk.url}}",
        "reconcile.clerk-secret-key=" + ReconcileIT.CLERK_KEY,
        "clerk.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "admin.token=" + ReconcileIT.TOKEN,
        "storage.jdbc-url=" + ReconcileIT.DATABASE,
        // small pages and batches so that a handful of users spans several of each
        "reconcile.clerk-page-size=4",
        "reconcile.batch-size=3",
        "reconcile.convex-page-size=5",
        // a window of 1 s instead of Clerk's 10 s keeps the tests short; the limit is measured below
        "reconcile.clerk-requests-per-10s=" + ReconcileIT.RATE,
        "reconcile.clerk-rate-window-ms=" + ReconcileIT.WINDOW_MS,
        "reconcile.clerk-attempts=3",
        "reconcile.clerk-max-retry-wait-seconds=2",
        "reconcile.max-delete-fraction=0.5",
        "reconcile.max-deletes=6",
        "reconcile.lease-seconds=3",
        "reconcile.max-refused=3",
        // progress lines every 200 ms instead of 10 s, to see them while Clerk keeps the pass waiting
        "reconcile.progress-interval-ms=200",
        "reconcile.clerk-max-answer-bytes=65536",
        // a webhook's wait for Convex, and the pass's own, longer one
        "convex.response-timeout-ms=" + ReconcileIT.WEBHOOK_CONVEX_TIMEOUT_MS,
        "reconcile.convex-timeout-ms=" + ReconcileIT.RECONCILE_CONVEX_TIMEOUT_MS,
        "reconcile.convex-retry-delay-ms=100"})
class ReconcileIT {
    static final String TOKEN = "adm_0123456789abcdef0123456789";
    static final String CLERK_KEY = "sk_test_reconcileSecretKey0123456789";
    static final String DATABASE = "jdbc:h2:mem:reconcile-it;DB_CLOSE_DELAY=-1";
    static final int RATE = 6;
    static final long WEBHOOK_CONVEX_TIMEOUT_MS = 1000;
    static final long RECONCILE_CONVEX_TIMEOUT_MS = 3000;
    static final long WINDOW_MS = 1000;
    /** How late a request released by the throttle may reach Clerk on a loaded machine; unthrottled, 7 take ~50 ms. */
    static final long JITTER_MS = 400;
    static final TestRuntime RUNTIME = TestRuntime.prepare("it.reconcile");
    static final ConvexStandIn CONVEX = RUNTIME.convex();
    static final ClerkStandIn CLERK = ClerkStandIn.published(CLERK_KEY, "it.reconcile.clerk.url");
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient http = HttpClient.newHttpClient();
    @BeanInject("leaseStore")
    LeaseStore leases;
    @BeanInject(Reconciler.BEAN)
    Reconciler reconciler;
    ConvexTable table;

    @BeforeEach
    void emptyBothSides() {
        CONVEX.reset();
        table = CONVEX.keepUsers();
        CLERK.clear();
    }

    @AfterAll
    void stopStandIns() {
        CONVEX.close();
        CLERK.close();
    }

    @Test
    void backfillsEveryUserAcrossSeveralPagesAndASecondPassChangesNothing() throws Exception {
        CLERK.addUsers("user_a", 11);

        JsonNode first = pass("");
        assertTrue(first.get("complete").asBoolean(), first.toString());
        assertEquals(11, first.get("users").get("listed").asInt(), first.toString());
        assertEquals(3, first.get("users").get("clerkPages").asInt(), "11 users in pages of 4: " + first);
        assertEquals(11, first.get("users").get("upserted").get("inserted").asInt(), first.toString());
        assertEquals(Set.copyOf(CLERK.ids()), Set.copyOf(table.ids()), "Convex should hold every Clerk user");
        for (String id : CLERK.ids()) {
            assertEquals(CLERK.get(id), table.get(id), "Convex gets the user as Clerk listed it: " + id);
        }
        long upsertCalls = CONVEX.requests().stream().filter(r -> r.body().contains("upsertManyFromClerk")).count();
        assertEquals(4, upsertCalls, "11 users in batches of at most 3");

        JsonNode second = pass("");
        assertTrue(second.get("complete").asBoolean(), second.toString());
        assertEquals(11, second.get("users").get("upserted").get("unchanged").asInt(), "nothing changed: " + second);
        assertEquals(0, second.get("users").get("upserted").get("inserted").asInt() + second.get("users").get("upserted").get("updated").asInt()
                + second.get("users").get("deleted").asInt(), second.toString());
    }

    @Test
    void healsDriftStaleMissingAndDeletedInClerk() throws Exception {
        List<ObjectNode> users = CLERK.addUsers("user_d", 6);
        users.forEach(table::put);
        table.delete("user_d1"); // missed user.created
        ObjectNode outdated = users.get(2).deepCopy().put("first_name", "Old").put("updated_at", 10);
        table.put(outdated); // missed user.updated
        table.put(ClerkStandIn.user("user_gone", "Gone", 5)); // missed user.deleted
        ObjectNode newer = users.get(3).deepCopy().put("first_name", "Newer").put("updated_at", 999_999);
        table.put(newer); // Convex already has a later version than this listing

        JsonNode summary = pass("");
        assertTrue(summary.get("complete").asBoolean(), summary.toString());
        JsonNode upserted = summary.get("users").get("upserted");
        assertEquals(1, upserted.get("updated").asInt(), summary.toString());
        assertEquals(1, upserted.get("stale").asInt(), summary.toString());
        assertEquals(1, upserted.get("deleted").asInt(), "user_d1 has a tombstone: " + summary);
        assertEquals(1, summary.get("users").get("deleted").asInt(), summary.toString());
        assertEquals(0, summary.get("users").get("kept").asInt(), summary.toString());
        assertEquals(users.get(2), table.get("user_d2"), "the stale profile is healed");
        assertEquals(null, table.get("user_gone"), "the user deleted in Clerk is deleted in Convex");
        assertTrue(CLERK.requests().stream().anyMatch(r -> r.path().equals("/v1/users/user_gone")),
                "a candidate is deleted only after Clerk answered 404 for it");
        assertEquals(newer, table.get("user_d3"), "a newer version in Convex is not overwritten");
    }

    @Test
    void keepsAUserThatOffsetPagingSkipped() throws Exception {
        List<ObjectNode> users = CLERK.addUsers("user_s", 9);
        users.forEach(table::put);
        // user_s0 is deleted in Clerk while the pass reads the second page: every later user moves back by one,
        // so offset 4 starts at user_s5 and user_s4 is never listed
        CLERK.beforeListing(offset -> {
            if (offset == 4 && CLERK.get("user_s0") != null) {
                CLERK.remove("user_s0");
            }
        });

        JsonNode summary = pass("");
        assertTrue(summary.get("complete").asBoolean(), summary.toString());
        assertEquals(8, summary.get("users").get("listed").asInt(), summary.toString());
        assertEquals(1, summary.get("users").get("candidates").asInt(), summary.toString());
        assertEquals(1, summary.get("users").get("kept").asInt(), "Clerk still has user_s4: " + summary);
        assertEquals(0, summary.get("users").get("deleted").asInt(), summary.toString());
        assertNotNull(table.get("user_s4"), "a skipped user is never deleted");
    }

    @Test
    void deletesNothingWhenClerkFailsMidListing() throws Exception {
        CLERK.addUsers("user_f", 10).forEach(table::put);
        table.put(ClerkStandIn.user("user_gone", "Gone", 5));
        CLERK.failListingFrom(8);

        JsonNode summary = pass("");
        assertFalse(summary.get("complete").asBoolean(), summary.toString());
        assertTrue(summary.get("reason").asText().contains("Clerk still failing after 3 attempt(s)"), summary.toString());
        assertNotNull(table.get("user_gone"), "no deletion after an incomplete listing");
        assertTrue(CONVEX.requests().stream().noneMatch(r -> r.body().contains("deleteFromClerk")
                || r.body().contains("pageExternalIds")), "the sweep must not start");
    }

    @Test
    void stopsWithoutDeletingWhenTheConvexFunctionIsMissing() throws Exception {
        CLERK.addUsers("user_c", 5);
        table.put(ClerkStandIn.user("user_gone", "Gone", 5));
        CONVEX.script(ConvexStandIn.Answer.missingFunction(200, "users:upsertManyFromClerk"));

        JsonNode summary = pass("");
        assertFalse(summary.get("complete").asBoolean(), summary.toString());
        String reason = summary.get("reason").asText();
        assertTrue(reason.contains("Convex has no function users:upsertManyFromClerk") && reason.contains("npx convex deploy"),
                "says what is missing and how to install it: " + reason);
        assertEquals(0, summary.get("users").get("refused").asInt(), "a missing function is not the items' fault: " + summary);
        assertNotNull(table.get("user_gone"), "no sweep after a failed batch");
    }

    @Test
    void isolatesTheItemsConvexRefusesReportsThemAndStillSweeps() throws Exception {
        List<ObjectNode> users = CLERK.addUsers("user_p", 7);
        table.put(users.get(4).deepCopy().put("first_name", "Old").put("updated_at", 10)); // Convex's copy is stale
        table.put(ClerkStandIn.user("user_gone", "Gone", 5));
        table.refuse("user_p4", "ArgumentValidationError: Value does not match validator. Path: .users[0].email_addresses");
        double refusedBefore = metric("reconcile_items_total", "kind=\"users\"", "action=\"refused\"");
        ListAppender<ILoggingEvent> logs = capture(Reconciler.class);

        JsonNode summary;
        try {
            summary = pass("");
        } finally {
            ((Logger) LoggerFactory.getLogger(Reconciler.class)).detachAppender(logs);
        }
        assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("\"refusedItems\":[{\"id\":\"user_p4\"}]")),
                "the logged summary names the refused user: " + logs.list);
        assertTrue(logs.list.stream().noneMatch(e -> e.getFormattedMessage().contains("does not match validator")),
                "Convex's message, which may quote user data, stays out of the logs");
        assertTrue(summary.get("complete").asBoolean(), "the pass goes on past a refused user: " + summary);
        JsonNode section = summary.get("users");
        assertEquals(1, section.get("refused").asInt(), summary.toString());
        assertEquals("user_p4", section.get("refusedItems").get(0).get("id").asText(), summary.toString());
        assertTrue(section.get("refusedItems").get(0).get("message").asText().startsWith("Uncaught Error: "
                + "ArgumentValidationError: Value does not match validator"), "Convex's message: " + summary);
        assertEquals(6, section.get("upserted").get("inserted").asInt(), "every other user is upserted: " + summary);
        assertEquals(1, section.get("deleted").asInt(), "the sweep ran: " + summary);
        assertEquals(null, table.get("user_gone"), "the sweep ran");
        assertEquals(10, table.get("user_p4").get("updated_at").asInt(), "a refused user is never deleted");
        assertEquals(refusedBefore + 1, metric("reconcile_items_total", "kind=\"users\"", "action=\"refused\""),
                "refused users are counted");
    }

    /** #21: Convex's real functions at 0.5-0.8 s a batch, 8 batches in flight: the webhook's 2.5 s ended the pass. */
    @Test
    void aConvexSlowerThanAWebhookMayWaitIsWaitedForUnderTheReconcileTimeout() throws Exception {
        List<ObjectNode> users = CLERK.addUsers("user_slow", 5);
        CONVEX.answerLate("users:upsertManyFromClerk", 2, (WEBHOOK_CONVEX_TIMEOUT_MS + RECONCILE_CONVEX_TIMEOUT_MS) / 2);

        JsonNode summary = pass(EnumSet.of(ReconcileKind.USERS), false);
        assertTrue(summary.get("complete").asBoolean(), "a slow answer within reconcile.convex-timeout-ms: " + summary);
        assertEquals(5, summary.get("users").get("upserted").get("inserted").asInt(), summary.toString());
        assertEquals(users.stream().map(u -> u.get("id").asText()).collect(java.util.stream.Collectors.toSet()),
                Set.copyOf(table.ids()));
        assertEquals(2, CONVEX.requests().stream().filter(r -> r.body().contains("upsertManyFromClerk")).count(),
                "waited for, not sent again: " + CONVEX.requests().size());
    }

    /**
     * #21: a batch answered after reconcile.convex-timeout-ms is sent again, smaller and later, and the pass goes on;
     * what Convex did is counted once, from the answer the pass accepted (a resent batch was counted again).
     */
    @Test
    void aBatchAnsweredTooLateIsSentAgainSmallerAndLaterAndCountedOnce() throws Exception {
        CLERK.addUsers("user_late", 6);
        CONVEX.answerLate("users:upsertManyFromClerk", 3, RECONCILE_CONVEX_TIMEOUT_MS + 500);

        JsonNode summary = pass(EnumSet.of(ReconcileKind.USERS), false);
        assertTrue(summary.get("complete").asBoolean(), "a late batch does not end the pass: " + summary);
        JsonNode upserted = summary.get("users").get("upserted");
        long counted = UpsertCounts.ACTIONS.stream().mapToLong(a -> upserted.get(a).asLong()).sum();
        assertEquals(6, counted, "each user counted once: " + summary);
        assertEquals(6, table.ids().size(), "every user stored");
        assertEquals(table.ids().size(), upserted.get("inserted").asInt() + upserted.get("updated").asInt()
                + upserted.get("unchanged").asInt(), "the summary is what was stored: " + summary);
        List<Integer> sizes = CONVEX.requests().stream().filter(r -> r.body().contains("upsertManyFromClerk"))
                .map(r -> readTree(r.body()).at("/args/users").size()).toList();
        assertTrue(sizes.stream().anyMatch(n -> n < 3), "sent again in smaller batches: " + sizes);
    }

    /**
     * #21: memberships showed "unchanged 600" where 200 were stored, against a slow Convex. A batch Convex carried out
     * but answered too late is sent again; the summary and the metrics count each item once, from the answer the pass
     * accepted, and say which items were sent again (Convex calls those unchanged when the late attempt wrote them).
     */
    @Test
    void aBatchSentAgainAfterConvexAnsweredTooLateIsCountedOnceAndNamedResent() throws Exception {
        CLERK.addUsers("user_once", 6);
        CONVEX.answerLate("users:upsertManyFromClerk", 1, RECONCILE_CONVEX_TIMEOUT_MS + 500);
        double[] before = new double[UpsertCounts.ACTIONS.size()];
        for (int i = 0; i < before.length; i++) {
            before[i] = usersMetric(UpsertCounts.ACTIONS.get(i));
        }

        JsonNode summary = pass(EnumSet.of(ReconcileKind.USERS), false);
        assertTrue(summary.get("complete").asBoolean(), summary.toString());
        JsonNode users = summary.get("users");
        JsonNode upserted = users.get("upserted");
        assertEquals(6, table.ids().size(), "every user stored, each by this pass");
        assertEquals(3, users.path("resent").asInt(-1), "the batch answered too late was sent again: " + summary);
        assertEquals(3, upserted.get("inserted").asInt(), "the batch answered in time: " + summary);
        assertEquals(3, upserted.get("unchanged").asInt(), "the late attempt wrote them before the second: " + summary);
        assertEquals(table.ids().size(), upserted.get("inserted").asInt() + users.get("resent").asInt(),
                "the users this pass stored: inserted, and those resent after a late write: " + summary);
        for (int i = 0; i < before.length; i++) {
            String action = UpsertCounts.ACTIONS.get(i);
            assertEquals(upserted.get(action).asDouble(), usersMetric(action) - before[i],
                    "reconcile_items_total counts what the summary counts: " + action);
        }
    }

    private double usersMetric(String action) throws Exception {
        return metric("reconcile_items_total", "kind=\"users\"",
                "action=\"" + ("deleted".equals(action) ? "tombstoned" : action) + "\"");
    }

    @Test
    void aConvexThatStaysUnavailableEndsThePassAfterTheBoundNamingIt() throws Exception {
        CLERK.addUsers("user_down", 2);
        table.put(ClerkStandIn.user("user_gone", "Gone", 5));
        CONVEX.fallback(ConvexStandIn.Answer.failure(503, "overloaded"));
        for (int i = 0; i < 20; i++) {
            CONVEX.script(ConvexStandIn.Answer.failure(503, "overloaded"));
        }

        JsonNode summary = pass(EnumSet.of(ReconcileKind.USERS), false);
        assertFalse(summary.get("complete").asBoolean(), summary.toString());
        String reason = summary.get("reason").asText();
        assertTrue(reason.contains("Convex is unavailable (HTTP 503 overloaded), for users:upsertManyFromClerk after 4 "
                + "attempt(s) (reconcile.convex-attempts)") && reason.contains("reconcile.convex-timeout-ms"), reason);
        long calls = CONVEX.requests().stream().filter(r -> r.body().contains("upsertManyFromClerk")).count();
        assertTrue(calls >= 4 && calls <= 7, "the batch of 2, then its halves, 4 attempts each item: " + calls);
        assertNotNull(table.get("user_gone"), "no sweep");
    }

    @Test
    void stopsWhenConvexRefusesMoreThanMaxRefused() throws Exception {
        CLERK.addUsers("user_q", 5).forEach(u -> table.refuse(u.get("id").asText(), "Uncaught Error: no"));
        table.put(ClerkStandIn.user("user_gone", "Gone", 5));

        JsonNode summary = pass("");
        assertFalse(summary.get("complete").asBoolean(), summary.toString());
        assertTrue(summary.get("reason").asText().contains("reconcile.max-refused (3)"), summary.toString());
        assertNotNull(table.get("user_gone"), "no sweep once the function itself is in doubt");
    }

    @Test
    void aDryRunReachesTheVerdictOfTheRealPass() throws Exception {
        // 20 users in Clerk; Convex holds 2 of them and 3 others: 3 of the 5 it holds now, 3 of 23 once upserted
        CLERK.addUsers("user_v", 20).subList(0, 2).forEach(table::put);
        for (int i = 0; i < 3; i++) {
            table.put(ClerkStandIn.user("user_old" + i, "Old", 5));
        }

        JsonNode dry = pass("?dryRun=true");
        assertTrue(dry.get("complete").asBoolean(), "the real pass deletes these 3, so the dry run must not refuse: " + dry);
        assertEquals(3, dry.get("users").get("wouldDelete").asInt(), dry.toString());
        assertEquals(5, table.ids().size(), "a dry run writes nothing");

        JsonNode real = pass("");
        assertTrue(real.get("complete").asBoolean(), real.toString());
        assertEquals(3, real.get("users").get("deleted").asInt(), real.toString());
    }

    @Test
    void logsProgressWhileClerkRateLimitsOrDoesNotAnswer() throws Exception {
        CLERK.addUsers("user_l", 2);
        CountDownLatch release = new CountDownLatch(1);
        CLERK.beforeListing(offset -> await(release));
        CLERK.rateLimit(1, 2);
        ListAppender<ILoggingEvent> logs = capture(Reconciler.class);
        HttpResponse<String> started = post("/reconcile?noDelete=true", TOKEN);
        assertEquals(202, started.statusCode(), started.body());
        String id = JSON.readTree(started.body()).get("id").asText();
        try {
            awaitLines(logs, "waiting for 2 s before trying GET /v1/users again (HTTP 429 too_many_requests)", 1);
            awaitLines(logs, "waiting for Clerk's answer to GET /v1/users (attempt 2)", 2);
        } finally {
            release.countDown(); // the pass ends either way, so that the next test can start one
            ((Logger) LoggerFactory.getLogger(Reconciler.class)).detachAppender(logs);
        }
        assertTrue(awaitDone(id).get("complete").asBoolean());
    }

    // ---- organizations and memberships ------------------------------------------------------------------------------

    @Test
    void backfillsOrganizationsAndMembershipsAndHealsDriftBothWays() throws Exception {
        ConvexTable organizations = CONVEX.organizations();
        ConvexTable memberships = CONVEX.memberships();
        List<ObjectNode> orgs = CLERK.addOrganizations("org_a", 6);
        ObjectNode m0 = CLERK.addMembership("orgmem_0", "org_a0", "user_x0", "org:admin");
        ObjectNode m1 = CLERK.addMembership("orgmem_1", "org_a0", "user_x1", "org:member");
        CLERK.addMembership("orgmem_2", "org_a1", "user_x0", "org:member");
        ObjectNode m3 = CLERK.addMembership("orgmem_3", "org_a3", "user_x2", "org:member");
        for (ObjectNode org : orgs) {
            if (org != orgs.get(2)) { // org_a2: missed .created
                organizations.put(org);
            }
        }
        organizations.put(orgs.get(1).deepCopy().put("name", "Old name").put("updated_at", 10)); // missed .updated
        organizations.put(ClerkStandIn.organization("org_gone", "Gone", 5)); // missed .deleted
        memberships.put(m0.deepCopy().put("role", "org:member").put("updated_at", 10)); // a stale role
        memberships.put(m1);
        memberships.put(m3);
        // a membership Clerk no longer has (the user left), and one of the organization deleted in Clerk
        memberships.put(ClerkStandIn.membership("orgmem_left", orgs.get(0), "user_x3", "org:member", 5));
        memberships.put(ClerkStandIn.membership("orgmem_orphan", ClerkStandIn.organization("org_gone", "Gone", 5),
                "user_x4", "org:member", 5));

        JsonNode summary = pass(EnumSet.of(ReconcileKind.ORGANIZATIONS, ReconcileKind.MEMBERSHIPS), false);
        assertTrue(summary.get("complete").asBoolean(), summary.toString());
        assertFalse(summary.has("users"), "users were not chosen: " + summary);
        JsonNode o = summary.get("organizations");
        assertEquals(6, o.get("listed").asInt(), summary.toString());
        assertEquals(2, o.get("clerkPages").asInt(), "6 organizations in pages of 4: " + summary);
        assertEquals(1, o.get("upserted").get("inserted").asInt(), summary.toString());
        assertEquals(1, o.get("upserted").get("updated").asInt(), summary.toString());
        assertEquals(1, o.get("deleted").asInt(), summary.toString());
        assertEquals(Set.copyOf(CLERK.organizationIds()), Set.copyOf(organizations.ids()), "Convex holds Clerk's organizations");
        assertEquals(orgs.get(1), organizations.get("org_a1"), "the stale organization is healed");
        JsonNode m = summary.get("memberships");
        assertEquals(4, m.get("listed").asInt(), summary.toString());
        assertEquals(1, m.get("upserted").get("inserted").asInt(), summary.toString());
        assertEquals(1, m.get("upserted").get("updated").asInt(), summary.toString());
        assertEquals(1, m.get("deleted").asInt(), "orgmem_left (orgmem_orphan went with its organization): " + summary);
        assertEquals(Set.copyOf(CLERK.membershipIds()), Set.copyOf(memberships.ids()), "Convex holds Clerk's memberships");
        assertEquals("org:admin", memberships.get("orgmem_0").get("role").asText(), "the stale role is healed");

        List<String> asked = CLERK.requests().stream().map(r -> r.path() + "?" + r.query()).toList();
        assertTrue(asked.contains("/v1/organizations?limit=4&offset=0&order_by=%2Bcreated_at&include_members_count=true"),
                "the organizations' listing: " + asked);
        assertTrue(asked.contains("/v1/organization_memberships?limit=4&offset=0&order_by=%2Bcreated_at"),
                "the memberships' listing: " + asked);
        assertTrue(asked.contains("/v1/organizations/org_gone?null"), "org_gone is deleted only after Clerk's 404: " + asked);
        assertTrue(asked.contains("/v1/organizations/org_a0/memberships?limit=100&user_id=user_x3"),
                "orgmem_left is deleted only after Clerk no longer lists it for its user: " + asked);
        assertTrue(asked.indexOf("/v1/organization_memberships?limit=4&offset=0&order_by=%2Bcreated_at")
                > asked.indexOf("/v1/organizations/org_gone?null"), "organizations first, then memberships: " + asked);
    }

    /** #21: an app's organization.deleted hook threw for one organization, and the whole pass stopped there. */
    @Test
    void aDeletionConvexRefusesIsReportedAndThePassGoesOnToTheOtherDeletionsAndTheLaterKinds() throws Exception {
        ConvexTable organizations = CONVEX.organizations();
        ConvexTable memberships = CONVEX.memberships();
        CLERK.addOrganizations("org_h", 3).forEach(organizations::put);
        CLERK.addUsers("user_h", 2).forEach(table::put);
        for (int i = 0; i < 4; i++) {
            memberships.put(CLERK.addMembership("orgmem_h" + i, "org_h" + (i % 3), "user_h" + (i % 2), "org:member"));
        }
        ObjectNode hooked = ClerkStandIn.organization("org_hooked", "Hooked", 5);
        organizations.put(hooked);
        organizations.put(ClerkStandIn.organization("org_gone", "Gone", 5));
        organizations.refuseDeletion("org_hooked", "organization.deleted", "billing account still open");
        table.put(ClerkStandIn.user("user_gone", "Gone", 5));
        memberships.put(ClerkStandIn.membership("orgmem_hooked", hooked, "user_h1", "org:member", 5));
        memberships.put(ClerkStandIn.membership("orgmem_left", CLERK.organization("org_h1"), "user_h0", "org:member", 5));
        double refusedBefore = metric("reconcile_items_total", "kind=\"organizations\"", "action=\"refused\"");
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        JsonNode summary;
        try {
            summary = pass(EnumSet.allOf(ReconcileKind.class), false);
        } finally {
            root.detachAppender(logs);
        }

        assertTrue(summary.get("complete").asBoolean(), "the pass goes on past a refused deletion: " + summary);
        JsonNode o = summary.get("organizations");
        assertEquals(1, o.get("refused").asInt(), summary.toString());
        JsonNode refusal = o.get("refusedItems").get(0);
        assertEquals("org_hooked", refusal.get("id").asText(), summary.toString());
        assertEquals("organization.deleted", refusal.path("hook").asText(), "names the hook that threw: " + summary);
        assertTrue(refusal.get("message").asText().contains("billing account still open"), "Convex's message: " + summary);
        assertEquals(1, o.get("deleted").asInt(), "the other organization gone from Clerk is deleted: " + summary);
        assertEquals(null, organizations.get("org_gone"));
        assertNotNull(organizations.get("org_hooked"), "Convex refused it: it is still there");
        assertEquals(1, CONVEX.requests().stream().filter(r -> r.body().contains("organizations:deleteFromClerk")
                && r.body().contains("org_hooked")).count(), "a refused deletion is asked once, not again and again");
        assertEquals("done", summary.get("users").get("state").asText(), summary.toString());
        assertEquals(1, summary.get("users").get("deleted").asInt(), summary.toString());
        assertEquals(null, table.get("user_gone"), "the later kinds run");
        assertEquals("done", summary.get("memberships").get("state").asText(), summary.toString());
        assertEquals(2, summary.get("memberships").get("deleted").asInt(), summary.toString());
        assertEquals(Set.copyOf(CLERK.membershipIds()), Set.copyOf(memberships.ids()), "memberships equal Clerk's");
        assertEquals(refusedBefore + 1, metric("reconcile_items_total", "kind=\"organizations\"", "action=\"refused\""),
                "the refused deletion is counted");
        for (ILoggingEvent event : logs.list) {
            assertFalse(event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR)
                            || event.getFormattedMessage().contains("Message History") || event.getThrowableProxy() != null,
                    "no ERROR line or stack trace for a refusal: " + event.getLoggerName() + " " + event.getFormattedMessage());
        }
    }

    /**
     * #21: webhooks created memberships that the offset listing missed while others were really gone; together they
     * went over the limit, and none of the gone ones was deleted. The safety weighs what Clerk confirms gone.
     */
    @Test
    void membershipsAddedDuringTheListingAreKeptAndTheReallyGoneOnesDeleted() throws Exception {
        CLERK.addOrganizations("org_w", 1);
        ObjectNode organization = CLERK.organization("org_w0");
        for (int i = 0; i < 8; i++) {
            CONVEX.memberships().put(CLERK.addMembership("orgmem_w" + i, "org_w0", "user_w" + i, "org:member"));
        }
        for (int i = 0; i < 4; i++) { // left the organization; Convex missed the webhooks
            CONVEX.memberships().put(ClerkStandIn.membership("orgmem_wgone" + i, organization, "user_wg" + i, "org:member", 5));
        }
        java.util.concurrent.atomic.AtomicBoolean added = new java.util.concurrent.atomic.AtomicBoolean();
        CLERK.afterListing(offset -> { // while Clerk answers the last page, 5 members join, and their webhooks arrive
            if (offset == 8 && added.compareAndSet(false, true)) {
                for (int i = 0; i < 5; i++) {
                    CONVEX.memberships().put(CLERK.addMembership("orgmem_wnew" + i, "org_w0", "user_wn" + i, "org:member"));
                }
            }
        });

        JsonNode summary = pass(EnumSet.of(ReconcileKind.MEMBERSHIPS), false);
        JsonNode m = summary.get("memberships");
        assertTrue(added.get(), "the memberships were added during the listing");
        assertTrue(summary.get("complete").asBoolean(), "9 not listed, but Clerk confirms only 4 gone, within "
                + "reconcile.max-deletes (6): " + summary);
        assertEquals(8, m.get("listed").asInt(), summary.toString());
        assertEquals(9, m.get("candidates").asInt(), summary.toString());
        assertEquals(5, m.get("kept").asInt(), "the new ones Clerk still has: " + summary);
        assertEquals(4, m.get("deleted").asInt(), "the really gone ones: " + summary);
        assertEquals(Set.copyOf(CLERK.membershipIds()), Set.copyOf(CONVEX.memberships().ids()), "Convex equals Clerk");
    }

    @Test
    void theMembershipsAnOrganizationsDeletionRemovesWeighInTheSafety() throws Exception {
        CLERK.addOrganizations("org_c", 1).forEach(CONVEX.organizations()::put);
        ObjectNode gone = ClerkStandIn.organization("org_cgone", "Gone", 5);
        CONVEX.organizations().put(gone);
        for (int i = 0; i < 6; i++) {
            CONVEX.memberships().put(ClerkStandIn.membership("orgmem_c" + i, gone, "user_c" + i, "org:member", 5));
        }

        JsonNode summary = pass(EnumSet.of(ReconcileKind.ORGANIZATIONS), false);
        assertFalse(summary.get("complete").asBoolean(), summary.toString());
        String reason = summary.get("reason").asText();
        assertTrue(reason.contains("1 Convex organizations that Clerk confirms gone, with the 6 memberships their "
                + "deletion removes, are more than reconcile.max-deletes (6)"), reason);
        assertNotNull(CONVEX.organizations().get("org_cgone"), "nothing deleted");
        assertEquals(6, CONVEX.memberships().ids().size(), "nothing deleted");
    }

    @Test
    void membershipsAnOrganizationsDeletionRemovesAreNotCandidatesAgain() throws Exception {
        CONVEX.cascadeLater(); // Convex's cascade removes them in steps, after the organization
        CLERK.addOrganizations("org_d", 1).forEach(CONVEX.organizations()::put);
        for (int i = 0; i < 4; i++) {
            CONVEX.memberships().put(CLERK.addMembership("orgmem_d" + i, "org_d0", "user_d" + i, "org:member"));
        }
        ObjectNode gone = ClerkStandIn.organization("org_dgone", "Gone", 5);
        CONVEX.organizations().put(gone);
        for (int i = 0; i < 3; i++) {
            CONVEX.memberships().put(ClerkStandIn.membership("orgmem_dgone" + i, gone, "user_dg" + i, "org:member", 5));
        }

        JsonNode summary = pass(EnumSet.of(ReconcileKind.ORGANIZATIONS, ReconcileKind.MEMBERSHIPS), false);
        assertTrue(summary.get("complete").asBoolean(), summary.toString());
        assertEquals(1, summary.get("organizations").get("deleted").asInt(), summary.toString());
        assertEquals(0, summary.get("memberships").get("candidates").asInt(), "the cascade's, weighed with their "
                + "organization, are not weighed again: " + summary);
        assertEquals(3, summary.get("memberships").path("cascaded").asInt(), summary.toString());
        assertTrue(CONVEX.requests().stream().noneMatch(r -> r.body().contains("memberships:deleteFromClerk")),
                "the cascade removes them, not the sweep");
    }

    @Test
    void deletesAMembershipWhoseOrganizationClerkAnswers404For() throws Exception {
        CLERK.addOrganizations("org_b", 1);
        CLERK.addMembership("orgmem_b0", "org_b0", "user_b0", "org:admin");
        ObjectNode gone = ClerkStandIn.organization("org_deleted", "Deleted", 5);
        CONVEX.memberships().put(CLERK.membership("orgmem_b0"));
        CONVEX.memberships().put(ClerkStandIn.membership("orgmem_stray", gone, "user_b1", "org:member", 5));

        JsonNode summary = pass(EnumSet.of(ReconcileKind.MEMBERSHIPS), false);
        assertTrue(summary.get("complete").asBoolean(), summary.toString());
        assertEquals(1, summary.get("memberships").get("deleted").asInt(), summary.toString());
        assertEquals(List.of("orgmem_b0"), CONVEX.memberships().ids());
        List<String> asked = CLERK.requests().stream().map(ClerkStandIn.Request::path).toList();
        assertTrue(asked.contains("/v1/organizations/org_deleted"), "its organization's 404 confirms it: " + asked);
        String deletion = CONVEX.requests().stream().map(ConvexStandIn.Request::body)
                .filter(b -> b.contains("memberships:deleteFromClerk")).findFirst().orElseThrow();
        JsonNode membership = JSON.readTree(deletion).get("args").get("membership");
        assertEquals("orgmem_stray", membership.get("id").asText(), deletion);
        assertEquals("org_deleted", membership.at("/organization/id").asText(), deletion);
        assertEquals("user_b1", membership.at("/public_user_data/user_id").asText(), deletion);
    }

    @Test
    void keepsAMembershipThatOffsetPagingSkipped() throws Exception {
        CLERK.addOrganizations("org_s", 1);
        for (int i = 0; i < 9; i++) {
            CONVEX.memberships().put(CLERK.addMembership("orgmem_s" + i, "org_s0", "user_s" + i, "org:member"));
        }
        // orgmem_s0 ends while the pass reads the second page: offset 4 starts at orgmem_s5, orgmem_s4 is never listed
        CLERK.beforeListing(offset -> {
            if (offset == 4 && CLERK.membership("orgmem_s0") != null) {
                CLERK.removeMembership("orgmem_s0");
            }
        });

        JsonNode summary = pass(EnumSet.of(ReconcileKind.MEMBERSHIPS), false);
        JsonNode m = summary.get("memberships");
        assertTrue(summary.get("complete").asBoolean(), summary.toString());
        assertEquals(1, m.get("candidates").asInt(), summary.toString());
        assertEquals(1, m.get("kept").asInt(), "Clerk still lists orgmem_s4 for user_s4: " + summary);
        assertEquals(0, m.get("deleted").asInt(), summary.toString());
        assertNotNull(CONVEX.memberships().get("orgmem_s4"), "a skipped membership is never deleted");
    }

    @Test
    void theSafetyRefusesAnotherInstancesKeyForOrganizationsAndMemberships() throws Exception {
        // the key of another Clerk instance: it lists none of what Convex holds
        for (int i = 0; i < 5; i++) {
            ObjectNode org = ClerkStandIn.organization("org_prod" + i, "Prod " + i, 5);
            CONVEX.organizations().put(org);
            CONVEX.memberships().put(ClerkStandIn.membership("orgmem_prod" + i, org, "user_prod" + i, "org:admin", 5));
        }

        for (ReconcileKind kind : List.of(ReconcileKind.ORGANIZATIONS, ReconcileKind.MEMBERSHIPS)) {
            JsonNode refused = pass(EnumSet.of(kind), false);
            assertFalse(refused.get("complete").asBoolean(), refused.toString());
            String reason = refused.get("reason").asText();
            // organizations: 5 gone and their 5 memberships weigh 10, over max-deletes; memberships: all of them
            assertTrue(reason.contains("5 Convex " + kind.wireName() + " that Clerk confirms gone")
                    && reason.contains("reconcile.max-delete") && reason.contains("--allow-mass-delete"),
                    "the reason names the kind, the limit and the override: " + reason);
        }
        assertEquals(5, CONVEX.organizations().ids().size(), "nothing deleted");
        assertEquals(5, CONVEX.memberships().ids().size(), "nothing deleted");
        assertTrue(CONVEX.requests().stream().noneMatch(r -> r.body().contains("deleteFromClerk")), "nothing deleted");
    }

    @Test
    void wrongKeySafetyDeletesNothingUnlessOverridden() throws Exception {
        CLERK.addUsers("user_w", 2);
        for (int i = 0; i < 5; i++) {
            table.put(ClerkStandIn.user("user_prod" + i, "Prod", 5));
        }

        JsonNode refused = pass("");
        assertFalse(refused.get("complete").asBoolean(), refused.toString());
        String reason = refused.get("reason").asText();
        assertTrue(reason.contains("reconcile.max-delete-fraction") && reason.contains("--allow-mass-delete"),
                "the reason names the limit and the override: " + reason);
        assertEquals(7, table.ids().size(), "nothing deleted");
        assertEquals(5, CLERK.requests().stream().filter(r -> r.path().startsWith("/v1/users/")).count(),
                "the other instance's users are confirmed gone (as every one is, with a wrong key), and weighed");

        JsonNode overridden = pass("?allowMassDelete=true");
        assertTrue(overridden.get("complete").asBoolean(), overridden.toString());
        assertEquals(5, overridden.get("users").get("deleted").asInt(), overridden.toString());
        assertEquals(Set.copyOf(CLERK.ids()), Set.copyOf(table.ids()));
    }

    @Test
    void aWrongKeyStopsTheLookupsOnceMoreThanMaxDeletesAreConfirmedGone() throws Exception {
        for (int i = 0; i < 20; i++) {
            table.put(ClerkStandIn.user("user_big" + i, "Prod", 5));
        }

        JsonNode refused = pass(EnumSet.of(ReconcileKind.USERS), false);
        assertFalse(refused.get("complete").asBoolean(), refused.toString());
        assertTrue(refused.get("reason").asText().startsWith("7 Convex users that Clerk confirms gone (it was asked no "
                + "further) are more than reconcile.max-deletes (6)"), refused.toString());
        assertEquals(7, CLERK.requests().stream().filter(r -> r.path().startsWith("/v1/users/")).count(),
                "Clerk is asked no more than it takes to pass the limit");
        assertEquals(20, table.ids().size(), "nothing deleted");
    }

    @Test
    void dryRunWritesNothingAndNoDeleteSkipsTheSweep() throws Exception {
        CLERK.addUsers("user_n", 5).subList(0, 3).forEach(table::put);
        table.put(ClerkStandIn.user("user_gone", "Gone", 5));
        List<String> before = table.ids();

        JsonNode dry = pass("?dryRun=true");
        assertTrue(dry.get("complete").asBoolean(), dry.toString());
        assertEquals(5, dry.get("users").get("wouldUpsert").asInt(), dry.toString());
        assertEquals(1, dry.get("users").get("wouldDelete").asInt(), dry.toString());
        assertEquals(before, table.ids(), "a dry run writes nothing");
        assertTrue(CONVEX.requests().stream().noneMatch(r -> r.body().contains("upsertManyFromClerk")
                || r.body().contains("deleteFromClerk")), "no write reaches Convex");

        JsonNode noDelete = pass("?noDelete=true");
        assertTrue(noDelete.get("complete").asBoolean(), noDelete.toString());
        assertEquals(6, table.ids().size(), "upserted, and nothing deleted");
    }

    @Test
    void staysUnderTheClerkRateLimitAndHonoursRetryAfter() throws Exception {
        CLERK.addUsers("user_r", 40); // 11 listing requests
        CLERK.rateLimit(1, 1);

        JsonNode summary = pass("?noDelete=true");
        assertTrue(summary.get("complete").asBoolean(), summary.toString());
        List<ClerkStandIn.Request> requests = CLERK.requests();
        assertEquals(12, requests.size(), "11 pages and one retry of the 429");
        long gap = requests.get(1).atNanos() - requests.get(0).atNanos();
        assertTrue(gap >= TimeUnit.MILLISECONDS.toNanos(990), "Retry-After: 1 is waited for, waited " + gap / 1_000_000 + " ms");
        for (int i = RATE; i < requests.size(); i++) {
            long window = requests.get(i).atNanos() - requests.get(i - RATE).atNanos();
            // measured on arrival: a request released by the throttle may reach Clerk a little late, never early
            assertTrue(window >= TimeUnit.MILLISECONDS.toNanos(WINDOW_MS - JITTER_MS),
                    "at most " + RATE + " requests in any " + WINDOW_MS + " ms, but requests " + (i - RATE) + ".." + i
                            + " came within " + window / 1_000_000 + " ms");
        }
    }

    @Test
    void retriesClerkServerErrorsWithBackOff() throws Exception {
        CLERK.addUsers("user_e", 2);
        CLERK.fail(503, 502);

        JsonNode summary = pass("?noDelete=true");
        assertTrue(summary.get("complete").asBoolean(), "two failures are within 3 attempts: " + summary);
        List<ClerkStandIn.Request> requests = CLERK.requests();
        assertEquals(3, requests.size(), "the listing request, tried three times");
        long gap = requests.get(2).atNanos() - requests.get(1).atNanos();
        assertTrue(gap >= TimeUnit.MILLISECONDS.toNanos(990), "the second retry waits twice the first's 500 ms: " + gap / 1_000_000);
    }

    @Test
    void neverShowsTheClerkSecretKey() throws Exception {
        CLERK.addUsers("user_k", 3);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            CLERK.fail(401); // as if the key were revoked: the error must still not quote it
            JsonNode refused = pass("");
            assertTrue(refused.get("reason").asText().contains("CLERK_SECRET_KEY"), refused.toString());
            JsonNode summary = pass("");
            assertTrue(summary.get("complete").asBoolean(), summary.toString());
            assertFalse(refused.toString().contains(CLERK_KEY) || summary.toString().contains(CLERK_KEY), "no key in a summary");
            assertFalse(get("/reconcile", TOKEN).body().contains(CLERK_KEY), "no key in an answer");
        } finally {
            root.detachAppender(logs);
        }
        assertFalse(logs.list.isEmpty(), "the passes were logged");
        for (ILoggingEvent event : logs.list) {
            assertFalse(event.getFormattedMessage().contains(CLERK_KEY), "the key in a log line: " + event.getFormattedMessage());
        }
        assertTrue(CLERK.requests().stream().allMatch(r -> ("Bearer " + CLERK_KEY).equals(r.authorization())),
                "every request carries the key as a bearer token");
    }

    @Test
    void adminDoorsNeedTheTokenAndRefuseASecondPassWhileOneRuns() throws Exception {
        assertEquals(401, post("/reconcile", null).statusCode(), "no token");
        assertEquals(401, post("/reconcile", "wrong-token-0123456789").statusCode(), "wrong token");
        assertEquals(401, get("/reconcile", null).statusCode(), "no token");

        CLERK.addUsers("user_h", 2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch listing = new CountDownLatch(1);
        CLERK.beforeListing(offset -> {
            listing.countDown();
            await(release);
        });
        HttpResponse<String> started = post("/reconcile", TOKEN);
        assertEquals(202, started.statusCode(), started.body());
        String id = JSON.readTree(started.body()).get("id").asText();
        assertTrue(listing.await(10, TimeUnit.SECONDS), "the pass should be listing Clerk");
        HttpResponse<String> second = post("/reconcile", TOKEN);
        assertEquals(409, second.statusCode(), second.body());
        assertEquals(id, JSON.readTree(second.body()).get("id").asText(), second.body());
        JsonNode running = JSON.readTree(get("/reconcile", TOKEN).body());
        assertEquals("running", running.get("state").asText(), running.toString());
        release.countDown();
        JsonNode done = awaitDone(id);
        assertTrue(done.get("complete").asBoolean(), done.toString());
    }

    @Test
    void refusesAPassWhileAnotherInstanceHoldsTheLockAndTakesOverWhenItLapses() throws Exception {
        // another instance: another holder of the same lease in the same database
        assertTrue(leases.acquire(Reconciler.LEASE, "rec_other@elsewhere", Instant.now(), Duration.ofSeconds(2)));
        HttpResponse<String> refused = post("/reconcile", TOKEN);
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("rec_other@elsewhere"), "says who holds it: " + refused.body());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> started;
        do { // the other instance died: its lease lapses after its time to live
            started = post("/reconcile", TOKEN);
        } while (started.statusCode() == 409 && System.nanoTime() < deadline && pause());
        assertEquals(202, started.statusCode(), started.body());
        assertTrue(awaitDone(JSON.readTree(started.body()).get("id").asText()).get("complete").asBoolean());
    }

    @Test
    void anUnknownParameterIsRefusedByNameAndRunsNothing() throws Exception {
        HttpResponse<String> refused = post("/reconcile?dryrun=true&noDelete=true", TOKEN);
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("unknown parameter dryrun"), "names it: " + refused.body());
        assertTrue(refused.body().contains("dryRun, noDelete, allowMassDelete, kinds"), "and what is known: " + refused.body());
        assertEquals(0, CLERK.requests().size(), "no pass ran");
    }

    @Test
    void aBadKindsValueIsRefused() throws Exception {
        for (String kinds : new String[] {"user", "users,teams", ""}) {
            HttpResponse<String> refused = post("/reconcile?kinds=" + URLEncoder.encode(kinds, StandardCharsets.UTF_8), TOKEN);
            assertEquals(400, refused.statusCode(), kinds + ": " + refused.body());
            assertTrue(refused.body().contains("kinds must be a comma-separated list of roles,organizations,users,memberships,invitations,plans,subscriptionItems"),
                    refused.body());
        }
        assertEquals(0, CLERK.requests().size(), "no pass ran");
    }

    @Test
    void theAnswerAndTheStatusEchoTheOptionsThePassRunsWith() throws Exception {
        CLERK.addUsers("user_echo", 2);
        HttpResponse<String> started = post("/reconcile?dryRun=true&kinds=users", TOKEN);
        assertEquals(202, started.statusCode(), started.body());
        JsonNode options = JSON.readTree(started.body()).get("options");
        assertEquals(JSON.readTree("{\"dryRun\":true,\"noDelete\":false,\"allowMassDelete\":false,\"kinds\":[\"users\"]}"),
                options, started.body());
        JsonNode done = awaitDone(JSON.readTree(started.body()).get("id").asText());
        assertEquals(options, done.get("options"), "GET /reconcile shows the same options: " + done);
        assertTrue(done.get("complete").asBoolean(), done.toString());
        assertTrue(table.ids().isEmpty(), "a dry run writes nothing");

        HttpResponse<String> defaults = post("/reconcile?noDelete&allowMassDelete=false", TOKEN);
        assertEquals(202, defaults.statusCode(), defaults.body());
        assertEquals(JSON.readTree("{\"dryRun\":false,\"noDelete\":true,\"allowMassDelete\":false,\"kinds\":[\"users\"]}"),
                JSON.readTree(defaults.body()).get("options"), "unset kinds are the configured ones: " + defaults.body());
        awaitDone(JSON.readTree(defaults.body()).get("id").asText());
    }

    @Test
    void theAdminTokenCountsOnlyInTheAuthorizationHeader() throws Exception {
        String inQuery = "Authorization=" + URLEncoder.encode("Bearer " + TOKEN, StandardCharsets.UTF_8);
        assertEquals(401, post("/reconcile?" + inQuery, null).statusCode(), "token in the query string");
        assertEquals(401, get("/reconcile?" + inQuery, null).statusCode(), "token in the query string");
        assertEquals(401, get("/dead-letters?" + inQuery, null).statusCode(), "token in the query string");
        HttpRequest form = HttpRequest.newBuilder(URI.create(RUNTIME.management("/reconcile")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(inQuery)).timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> formAnswer = http.send(form, HttpResponse.BodyHandlers.ofString());
        assertEquals(401, formAnswer.statusCode(), "token in a form body: " + formAnswer.body());
        assertEquals(0, CLERK.requests().size(), "no pass ran");
        assertEquals(200, get("/dead-letters", TOKEN).statusCode(), "the header still works");
    }

    @Test
    void aClerkAnswerOverTheBoundFailsThePassWithItsReasonAndIsNotAskedAgain() throws Exception {
        ObjectNode user = ClerkStandIn.user("user_big", "Big", 1_700_000_000_000L);
        user.with("public_metadata").put("blob", "x".repeat(100_000));
        CLERK.put(user);
        JsonNode done = pass("");
        assertFalse(done.get("complete").asBoolean(), done.toString());
        assertTrue(done.get("reason").asText().contains("Clerk's answer to GET /v1/users is larger than "
                + "reconcile.clerk-max-answer-bytes (65536 bytes)"), done.toString());
        assertEquals(1, CLERK.requests().size(), "not retried: " + CLERK.requests());
        assertEquals(200, get("/observe/health", null).statusCode(), "the runtime is healthy");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** Runs a pass over these kinds through the Reconciler (the admin API's door takes only the configured kinds). */
    private JsonNode pass(Set<ReconcileKind> kinds, boolean dryRun) {
        return reconciler.run(new ReconcileOptions(dryRun, false, false, kinds), line -> { }).toJson();
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ListAppender<ILoggingEvent> capture(Class<?> source) {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(source)).addAppender(logs);
        return logs;
    }

    /** Waits until {@code count} log lines hold {@code text}. */
    private static void awaitLines(ListAppender<ILoggingEvent> logs, String text, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            synchronized (logs.list) {
                if (logs.list.stream().filter(e -> e.getFormattedMessage().contains(text)).count() >= count) {
                    return;
                }
            }
            pause();
        }
        throw new AssertionError("no " + count + " progress lines with '" + text + "' within 10 s: "
                + logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    /** A series' value on /observe/metrics, the line holding every label given. */
    private double metric(String name, String... labels) throws Exception {
        String body = get("/observe/metrics", null).body();
        return body.lines().filter(l -> l.startsWith(name + "{") && List.of(labels).stream().allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " " + List.of(labels) + " in\n" + body));
    }

    /** Starts a pass over HTTP and waits for its summary. */
    private JsonNode pass(String query) throws Exception {
        HttpResponse<String> started = post("/reconcile" + query, TOKEN);
        assertEquals(202, started.statusCode(), started.body());
        return awaitDone(JSON.readTree(started.body()).get("id").asText());
    }

    private JsonNode awaitDone(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode pass = JSON.readTree(get("/reconcile", TOKEN).body());
            assertEquals(id, pass.get("id").asText(), "GET /reconcile shows the current pass");
            if (!"running".equals(pass.get("state").asText())) {
                return pass;
            }
            pause();
        }
        throw new AssertionError("pass " + id + " did not finish within 30 s");
    }

    private static boolean pause() {
        // polling interval of a condition wait (bounded by the deadline of the caller), not a wait for an outcome
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<String> post(String path, String token) throws Exception {
        return send("POST", path, token);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return send("GET", path, token);
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(RUNTIME.management(path)))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
