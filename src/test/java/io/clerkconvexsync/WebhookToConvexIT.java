package io.clerkconvexsync;

import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.support.ConvexStandIn.Answer;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.SignedWebhooks;
import io.clerkconvexsync.support.TestRuntime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole request path against the real application: a real listener on a free port, webhooks signed by svix-java,
 * and Convex stood in by a local HTTP server answering with Convex's real shapes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.webhook.port}}",
        "camel.management.port={{it.management.port}}",
        "convex.url={{it.convex.url}}",
        "convex.deploy-key=prod:happy-otter-123|c2VjcmV0LWRlcGxveS1rZXk=",
        "clerk.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        "storage.jdbc-url=jdbc:h2:mem:webhook-it;DB_CLOSE_DELAY=-1",
        "example.payment-attempt-route.enabled=true"})
class WebhookToConvexIT {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ROTATED_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    static final String DEPLOY_KEY = "prod:happy-otter-123|c2VjcmV0LWRlcGxveS1rZXk=";
    static final TestRuntime RUNTIME = TestRuntime.prepare("it");
    static final int WEBHOOK_PORT = RUNTIME.webhookPort();
    static final int MANAGEMENT_PORT = RUNTIME.managementPort();
    static final ConvexStandIn CONVEX = RUNTIME.convex();
    static final ObjectMapper JSON = new ObjectMapper();


    @BeanInject
    CamelContext context;

    final SignedWebhooks clerk = new SignedWebhooks("http://127.0.0.1:" + WEBHOOK_PORT + "/clerk-webhook", SECRET);

    @BeforeEach
    void resetConvex() {
        CONVEX.reset();
    }

    @AfterAll
    void stopConvex() {
        CONVEX.close();
    }

    // ---- delivery ------------------------------------------------------------------------------------------------

    @Test
    void deliversUserCreatedAsTheUpsertMutationWithDataUnchanged() throws Exception {
        String body = SignedWebhooks.payload("user.created.json");
        String id = SignedWebhooks.newId();
        HttpResponse<String> response = clerk.send(id, body);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("delivered", JSON.readTree(response.body()).get("outcome").asText());
        assertEquals(1, CONVEX.requests().size(), "Convex should be called exactly once");
        ConvexStandIn.Request call = CONVEX.requests().get(0);
        assertEquals("POST", call.method());
        assertEquals("/api/mutation", call.path());
        assertNull(call.query(), "no Camel option may leak into Convex's URL as a query string");
        assertTrue(call.header("Content-Type").startsWith("application/json"), call.header("Content-Type"));
        assertEquals("Convex " + DEPLOY_KEY, call.header("Authorization"), "the deploy key should be sent as Convex auth");
        assertNull(call.header("svix-signature"), "inbound headers must not leak to Convex");
        assertNull(call.header("svix-id"), "inbound headers must not leak to Convex");
        JsonNode sent = JSON.readTree(call.body());
        assertEquals("users:upsertFromClerk", sent.get("path").asText());
        assertEquals("json", sent.get("format").asText());
        assertEquals(JSON.readTree(body).get("data"), sent.get("args").get("user"), "data must reach Convex unchanged");
        assertEquals(1, sent.get("args").size(), "args should hold only the user");
    }

    @Test
    void passesUnicodeNullsAndExactNumbersThroughByteForByte() throws Exception {
        String data = "{\"id\":\"user_unicode\", \"first_name\":\"Zoë 🚀\",\"last_name\":null,\"username\":\"\\u00e9t\\u00e9\","
                + "\"score\":1.10,\"big\":12345678901234567890,\"public_metadata\":{\"role\":\"admin\",\"tags\":[]},"
                + "\"updated_at\":1716883200000}";
        String body = "{\"type\":\"user.updated\",\"object\":\"event\",\"timestamp\":1716883200000,\"instance_id\":\"ins_1\","
                + "\"data\":" + data + "}";
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), body);

        assertEquals(200, response.statusCode(), response.body());
        String sent = CONVEX.requests().get(0).body();
        assertEquals("{\"path\":\"users:upsertFromClerk\",\"args\":{\"user\":" + data + "},\"format\":\"json\"}", sent,
                "data must reach Convex exactly as Clerk signed it");
    }

    @Test
    void deliversUserDeletedAsTheDeleteMutationWithTheUserId() throws Exception {
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.deleted.json"));

        assertEquals(200, response.statusCode(), response.body());
        JsonNode sent = JSON.readTree(CONVEX.requests().get(0).body());
        assertEquals("users:deleteFromClerk", sent.get("path").asText());
        assertEquals(JSON.readTree("{\"userId\":\"user_2g7np7Hrk0SN6kj5EDMLDaKNL0S\"}"), sent.get("args"));
    }

    @Test
    void acceptsTheRotatedSecretToo() {
        SignedWebhooks rotated = new SignedWebhooks(clerk.url(), ROTATED_SECRET);
        HttpResponse<String> response = rotated.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.updated.json"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, CONVEX.requests().size());
    }

    @Test
    void acceptsTheStandardWebhooksHeaderNames() throws Exception {
        String body = SignedWebhooks.payload("user.updated.json");
        String id = SignedWebhooks.newId();
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> response = clerk.post(HttpRequest.newBuilder(URI.create(clerk.url()))
                .header("Content-Type", "application/json").header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", SignedWebhooks.sign(SECRET, id, now, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(id, JSON.readTree(response.body()).get("svixId").asText(), "webhook-id is the idempotency key");
        assertEquals(1, CONVEX.requests().size());
    }

    @Test
    void waitsForASlowButTimelyConvex() throws Exception {
        CONVEX.script(Answer.slowSuccess(1500));
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.updated.json"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, CONVEX.requests().size(), "an answer inside the response timeout is not redelivered");
    }

    /** The checked-in fixture that the Convex functions' tests read is exactly what this runtime sends. */
    @Test
    void sendsExactlyTheBodiesInTheContractFixture() throws Exception {
        JsonNode contract = JSON.readTree(Files.readString(Path.of("contract/convex-requests.json")));
        int events = 0;
        for (JsonNode entry : contract) {
            if (!entry.has("event")) {
                continue; // a reconcile call (ReconcileRequestsTest)
            }
            events++;
            CONVEX.reset();
            String event = entry.get("event").asText();
            HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload(event));
            assertEquals(200, response.statusCode(), event + ": " + response.body());
            assertEquals(entry.get("request"), JSON.readTree(CONVEX.requests().get(0).body()),
                    event + ": the runtime's request differs from contract/convex-requests.json");
        }
        assertEquals(23, events, "one entry per payload: four of users, three of organizations, three of memberships, three"
                + " of roles, one of permissions, one of subscriptions, two of subscription items, six of invitations");
    }

    // ---- duplicates and unhandled types ----------------------------------------------------------------------------

    @Test
    void answersADuplicateWithoutCallingConvexAgain() throws Exception {
        String id = SignedWebhooks.newId();
        String body = SignedWebhooks.payload("user.updated.json");
        assertEquals(200, clerk.send(id, body).statusCode());
        HttpResponse<String> again = clerk.send(id, body);

        assertEquals(200, again.statusCode(), again.body());
        assertEquals("duplicate", JSON.readTree(again.body()).get("outcome").asText());
        assertEquals(1, CONVEX.requests().size(), "a duplicate must not reach Convex");
    }

    @Test
    void fiftyConcurrentPairsReachConvexOncePerSvixId() throws Exception {
        CONVEX.fallback(Answer.slowSuccess(300)); // every pair overlaps
        List<String> userIds = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (CompletableFuture<HttpResponse<String>> answer : sendPairs(50, userIds)) {
            HttpResponse<String> r = answer.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            outcomes.merge(JSON.readTree(r.body()).get("outcome").asText(), 1, Integer::sum);
        }
        for (String userId : userIds) {
            long calls = CONVEX.requests().stream().filter(q -> q.body().contains("\"" + userId + "\"")).count();
            assertEquals(1, calls, userId + " reached Convex " + calls + " times");
        }
        assertEquals(Map.of("delivered", 50, "duplicate", 50), outcomes, "one of each pair delivered, one duplicate");
    }

    @Test
    void theSecondOfAConcurrentPairIsNotAcknowledgedWhenTheFirstFails() throws Exception {
        CONVEX.fallback(Answer.failure(503, "ServiceUnavailable")); // the first ends 503 after its redeliveries
        List<String> userIds = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : sendPairs(5, userIds)) {
            HttpResponse<String> r = answer.get(30, TimeUnit.SECONDS);
            assertEquals(503, r.statusCode(), "nothing of a failing pair is acknowledged: " + r.body());
        }
        for (String userId : userIds) {
            long calls = CONVEX.requests().stream().filter(q -> q.body().contains("\"" + userId + "\"")).count();
            assertEquals(4, calls, userId + ": only the first of the pair calls Convex (an attempt and 3 redeliveries)");
        }
        CONVEX.fallback(Answer.success());
        List<String> retried = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : sendPairs(1, retried)) {
            assertEquals(200, answer.get(30, TimeUnit.SECONDS).statusCode(), "the claim was given up: a new pair goes on");
        }
    }

    /** Sends {@code pairs} svix-ids twice each, all at once; the answers, and the user id of each pair. */
    private List<CompletableFuture<HttpResponse<String>>> sendPairs(int pairs, List<String> userIds) {
        ExecutorService threads = Executors.newFixedThreadPool(pairs * 2);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            String svixId = SignedWebhooks.newId();
            String userId = "user_" + svixId;
            userIds.add(userId);
            String body = "{\"type\":\"user.updated\",\"data\":{\"id\":\"" + userId + "\"}}";
            for (int twice = 0; twice < 2; twice++) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return clerk.send(svixId, body);
                }, threads));
            }
        }
        go.countDown();
        threads.shutdown();
        return answers;
    }

    @Test
    void answersOtherEventTypesAsUnhandledWithoutCallingConvex() throws Exception {
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(),
                "{\"type\":\"session.created\",\"object\":\"event\",\"data\":{\"id\":\"sess_1\"},\"timestamp\":1716883200}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("unhandled", JSON.readTree(response.body()).get("outcome").asText());
        assertEquals(0, CONVEX.requests().size());
    }

    // ---- the YAML extension route ----------------------------------------------------------------------------------

    @Test
    void extensionRouteClaimsItsTypeAndReusesTheDeliveryStep() throws Exception {
        String body = SignedWebhooks.payload("paymentAttempt.updated.json");
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), body);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("delivered", JSON.readTree(response.body()).get("outcome").asText());
        JsonNode sent = JSON.readTree(CONVEX.requests().get(0).body());
        assertEquals("payments:attemptUpdatedFromClerk", sent.get("path").asText());
        assertEquals(JSON.readTree(body).get("data"), sent.get("args").get("paymentAttempt"));
    }

    @Test
    void extensionRouteGetsRedeliveryAndDeadLettersForFree() throws Exception {
        String body = "{\"type\":\"paymentAttempt.updated\",\"object\":\"event\",\"data\":{\"id\":\"pa_2\"}}";
        CONVEX.script(Answer.failure(503, "Overloaded"), Answer.functionError(200));
        String id = SignedWebhooks.newId();
        HttpResponse<String> response = clerk.send(id, body);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("dead_lettered", JSON.readTree(response.body()).get("outcome").asText());
        assertEquals(2, CONVEX.requests().size(), "one redelivery after the 503, none after the function error");
        assertNotNull(deadLetter(id), "the event should be in the dead-letter store");
    }

    // ---- rejected input --------------------------------------------------------------------------------------------

    @Test
    void rejectsAForgedSignatureAndNothingReachesConvex() throws Exception {
        String body = SignedWebhooks.payload("user.created.json");
        String id = SignedWebhooks.newId();
        long now = Instant.now().getEpochSecond();
        String forged = SignedWebhooks.sign("whsec_plJ3nmyCDGBKInavdOK15jsl", id, now, body);
        HttpResponse<String> response = clerk.send(id, now, forged, body);

        assertEquals(400, response.statusCode());
        assertEquals("invalid_signature", JSON.readTree(response.body()).get("error").asText());
        assertFalse(response.body().contains(forged.substring(3)), "the response must not echo the signature");
        assertTrue(response.headers().firstValue("svix-signature").isEmpty(), "the signature header must not be echoed");
        assertEquals(0, CONVEX.requests().size());
    }

    @ParameterizedTest(name = "{0} s off")
    @CsvSource({"-301,timestamp_too_old", "301,timestamp_too_new"})
    void rejectsTimestampsOutsideTheWindow(long offset, String reason) throws Exception {
        String body = SignedWebhooks.payload("user.created.json");
        String id = SignedWebhooks.newId();
        long ts = Instant.now().getEpochSecond() + offset;
        HttpResponse<String> response = clerk.send(id, ts, SignedWebhooks.sign(SECRET, id, ts, body), body);
        assertEquals(400, response.statusCode());
        assertEquals(reason, JSON.readTree(response.body()).get("error").asText());
        assertEquals(0, CONVEX.requests().size());
    }

    @Test
    void acceptsTimestampsInsideTheWindowBothWays() {
        String body = SignedWebhooks.payload("user.created.json");
        for (long offset : new long[] {-290, 290}) {
            String id = SignedWebhooks.newId();
            long ts = Instant.now().getEpochSecond() + offset;
            HttpResponse<String> response = clerk.send(id, ts, SignedWebhooks.sign(SECRET, id, ts, body), body);
            assertEquals(200, response.statusCode(), offset + " s: " + response.body());
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"user.created\",|malformed_json",
            "[1,2,3]|malformed_event",
            "{\"object\":\"event\",\"data\":{\"id\":\"user_1\"}}|missing_type",
            "{\"type\":\"user.updated\",\"data\":{\"first_name\":\"No Id\"}}|missing_user_id",
            "{\"type\":\"user.created\",\"data\":null}|missing_user_id"})
    void rejectsMalformedEventsWith400(String body, String reason) throws Exception {
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), body);
        assertEquals(400, response.statusCode(), response.body());
        assertEquals(reason, JSON.readTree(response.body()).get("error").asText());
        assertEquals(0, CONVEX.requests().size());
    }

    @Test
    void rejectsUnsignedRequestsAndFormBodies() throws Exception {
        HttpResponse<String> unsigned = clerk.post(HttpRequest.newBuilder(URI.create(clerk.url()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(400, unsigned.statusCode());
        assertEquals("missing_headers", JSON.readTree(unsigned.body()).get("error").asText());

        String id = SignedWebhooks.newId();
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> form = clerk.post(HttpRequest.newBuilder(URI.create(clerk.url()))
                .header("Content-Type", "application/x-www-form-urlencoded").header("svix-id", id)
                .header("svix-timestamp", Long.toString(now)).header("svix-signature", SignedWebhooks.sign(SECRET, id, now, "a=b"))
                .POST(HttpRequest.BodyPublishers.ofString("a=b")));
        assertTrue(form.statusCode() >= 400 && form.statusCode() < 500, "a form body is the sender's mistake: " + form.statusCode());
    }

    @Test
    void answersWrongMethodPathAndSizeWith4xxAndKeepsServing() {
        assertEquals(405, clerk.post(HttpRequest.newBuilder(URI.create(clerk.url())).GET()).statusCode());
        assertEquals(405, clerk.post(HttpRequest.newBuilder(URI.create(clerk.url())).PUT(HttpRequest.BodyPublishers.ofString("{}")))
                .statusCode());
        assertEquals(404, clerk.post(HttpRequest.newBuilder(URI.create(clerk.url() + "-other"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode());
        String huge = "{\"type\":\"user.created\",\"pad\":\"" + "a".repeat(1024 * 1024) + "\"}";
        assertEquals(413, clerk.send(SignedWebhooks.newId(), huge).statusCode());
        assertEquals(0, CONVEX.requests().size());

        assertEquals(200, clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.created.json")).statusCode(),
                "the server should keep serving after rejecting");
    }

    // ---- Convex failures -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "HTTP {0} {1}")
    @CsvSource({"200,function", "560,function", "400,BadJsonBody", "422,Unprocessable"})
    void deadLettersWhatConvexRefusesForGoodAndAnswers2xx(int status, String kind) throws Exception {
        CONVEX.fallback("function".equals(kind) ? Answer.functionError(status) : Answer.failure(status, kind));
        String id = SignedWebhooks.newId();
        String body = SignedWebhooks.payload("user.created.docs-example.json");
        HttpResponse<String> response = clerk.send(id, body);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("dead_lettered", JSON.readTree(response.body()).get("outcome").asText());
        assertEquals(1, CONVEX.requests().size(), "a permanent failure must not be redelivered");
        DeadLetterRow row = deadLetter(id);
        assertNotNull(row, "the event must be in the dead-letter store before the 2xx");
        assertEquals(body, row.body(), "the body must be stored as received");
        assertEquals(status, row.httpStatus());
        assertEquals(1, row.attempts());
        assertTrue(row.headers().contains(id), "the svix-id header should be kept: " + row.headers());
        assertFalse(row.headers().toLowerCase().contains("signature"), "the signature must not be stored: " + row.headers());

        CONVEX.reset();
        assertEquals("duplicate", JSON.readTree(clerk.send(id, body).body()).get("outcome").asText(),
                "a dead-lettered event is processed: Svix's retry is a duplicate");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource({"401,BadAdminKey", "403,BadDeployKey"})
    void answers503WithoutDeadLetterWhenConvexRefusesTheDeployKey(int status, String code) throws Exception {
        CONVEX.fallback(Answer.failure(status, code));
        String id = SignedWebhooks.newId();
        String body = SignedWebhooks.payload("user.updated.json");
        HttpResponse<String> response = clerk.send(id, body);

        assertEquals(503, response.statusCode(), response.body());
        assertEquals(1, CONVEX.requests().size(), "a credentials error is not redelivered");
        assertNull(deadLetter(id), "a configuration error must not be dead-lettered");
        assertFalse(response.body().contains(DEPLOY_KEY), "the deploy key must not be in the response");

        CONVEX.reset();
        assertEquals(200, clerk.send(id, body).statusCode(), "once fixed, Svix's retry should be delivered");
        assertEquals(1, CONVEX.requests().size());
    }

    @Test
    void redeliversTransientFailuresAndThenDelivers() throws Exception {
        CONVEX.script(Answer.failure(503, "Overloaded"), Answer.failure(429, "TooManyConcurrentRequests"),
                Answer.failure(408, "Timeout"));
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.updated.json"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("delivered", JSON.readTree(response.body()).get("outcome").asText());
        assertEquals(4, CONVEX.requests().size(), "three redeliveries then success");
        assertEquals(1, CONVEX.requests().stream().map(ConvexStandIn.Request::body).distinct().count(),
                "every redelivery sends the same request");
    }

    @Test
    void redeliversAfterADroppedConnection() throws Exception {
        CONVEX.script(Answer.drop());
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.updated.json"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(2, CONVEX.requests().size(), "one redelivery after the dropped connection");
    }

    @Test
    void answers503WhenConvexStaysDownAndTheEventStaysRetryable() throws Exception {
        CONVEX.fallback(Answer.failure(503, "ServiceUnavailable"));
        String id = SignedWebhooks.newId();
        String body = SignedWebhooks.payload("user.updated.json");
        HttpResponse<String> response = clerk.send(id, body);

        assertEquals(503, response.statusCode(), response.body());
        assertEquals("retried", JSON.readTree(response.body()).get("outcome").asText());
        assertEquals(4, CONVEX.requests().size(), "the first call and three redeliveries");
        assertNull(deadLetter(id), "a transient failure is not dead-lettered");

        CONVEX.reset();
        HttpResponse<String> retry = clerk.send(id, body);
        assertEquals(200, retry.statusCode(), "the failed attempt must not have been remembered as processed");
        assertEquals(1, CONVEX.requests().size());
    }

    @Test
    void answersWithinSvixTimeoutWhenConvexHangs() throws Exception {
        CONVEX.fallback(Answer.hang());
        long started = System.nanoTime();
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.updated.json"));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals(503, response.statusCode(), response.body());
        assertTrue(elapsedMs < 15_000, "Svix gives up after 15 s; answered after " + elapsedMs + " ms");
        assertTrue(CONVEX.requests().size() >= 2, "a hung call should still be redelivered: " + CONVEX.requests().size());
    }

    // ---- observability ---------------------------------------------------------------------------------------------

    @Test
    void servesHealthAndPrometheusMetricsOnTheManagementPortOnly() throws Exception {
        clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.created.json"));
        String management = "http://127.0.0.1:" + MANAGEMENT_PORT;
        HttpResponse<String> health = clerk.post(HttpRequest.newBuilder(URI.create(management + "/observe/health")).GET());
        assertEquals(200, health.statusCode(), health.body());

        String metrics = clerk.post(HttpRequest.newBuilder(URI.create(management + "/observe/metrics")).GET()).body();
        for (String expected : List.of("clerk_webhooks_total{outcome=\"delivered\",type=\"user.created\"}",
                "convex_calls_total{function=\"users:upsertFromClerk\",result=\"success\"}",
                "convex_call_duration_seconds_bucket{function=\"users:upsertFromClerk\",le=\"0.001\"}",
                "clerk_webhook_duration_seconds_count", "convex_redeliveries_total")) {
            assertTrue(metrics.contains(expected), "metrics should contain " + expected);
        }
        assertFalse(metrics.contains(SECRET.substring(6)), "metrics must not contain the secret");
        assertEquals(404, clerk.post(HttpRequest.newBuilder(URI.create(clerk.url().replace("/clerk-webhook", "/observe/health")))
                .GET()).statusCode(), "nothing of management is served on the webhook port");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    record DeadLetterRow(String body, String headers, int httpStatus, int attempts) {
    }

    DeadLetterRow deadLetter(String svixId) throws Exception {
        DataSource dataSource = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT body, headers, http_status, attempts FROM clerk_dead_letter WHERE svix_id = ?")) {
            ps.setString(1, svixId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new DeadLetterRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4)) : null;
            }
        }
    }

}
