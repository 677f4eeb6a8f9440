package io.clerkconvexsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.ConvexStandIn.Answer;
import io.clerkconvexsync.support.SignedWebhooks;
import io.clerkconvexsync.support.TestRuntime;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dead-letter admin API on the management port, against the running application: a poison event is
 * dead-lettered, inspected, replayed once Convex is fixed and gone from the store; a failed replay keeps it with its
 * history; two replays at once deliver it once; nothing answers without the bearer token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.admin.webhook.port}}",
        "camel.management.port={{it.admin.management.port}}",
        "convex.url={{it.admin.convex.url}}",
        "clerk.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "admin.token=" + AdminApiIT.TOKEN,
        "storage.jdbc-url=jdbc:h2:mem:admin-api-it;DB_CLOSE_DELAY=-1"})
class AdminApiIT {
    static final String TOKEN = "adm_0123456789abcdef0123456789";
    static final TestRuntime RUNTIME = TestRuntime.prepare("it.admin");
    static final int WEBHOOK_PORT = RUNTIME.webhookPort();
    static final ConvexStandIn CONVEX = RUNTIME.convex();
    static final ObjectMapper JSON = new ObjectMapper();

    final SignedWebhooks clerk = RUNTIME.clerk("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    final HttpClient http = HttpClient.newHttpClient();
    final String admin = RUNTIME.management("");

    @BeforeEach
    void emptyTheStore() throws Exception {
        CONVEX.reset();
        for (JsonNode item : JSON.readTree(call("GET", "/dead-letters", TOKEN).body()).get("items")) {
            assertEquals(200, call("DELETE", "/dead-letters/" + item.get("id").asLong(), TOKEN).statusCode());
        }
    }

    @AfterAll
    void stopConvex() {
        CONVEX.close();
    }

    @Test
    void poisonEventIsReplayedOnceConvexIsFixedAndLeavesTheStore() throws Exception {
        String body = SignedWebhooks.payload("user.created.json");
        long id = deadLetter(body);

        JsonNode listed = JSON.readTree(call("GET", "/dead-letters?type=user.created&errorKind=function_error", TOKEN).body());
        assertEquals(1, listed.get("count").asInt(), listed.toString());
        assertEquals(id, listed.get("items").get(0).get("id").asLong());
        HttpResponse<String> shown = call("GET", "/dead-letters/" + id, TOKEN);
        assertEquals(200, shown.statusCode(), shown.body());
        assertEquals(body, JSON.readTree(shown.body()).get("body").asText(), "the body as received");
        assertFalse(shown.body().toLowerCase().contains("signature"), "never a signature: " + shown.body());
        assertEquals(1, JSON.readTree(shown.body()).get("history").size(), shown.body());

        CONVEX.reset(); // Convex fixed
        HttpResponse<String> replayed = call("POST", "/dead-letters/" + id + "/replay", TOKEN);
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertEquals("delivered", JSON.readTree(replayed.body()).get("items").get(0).get("result").asText(), replayed.body());
        assertEquals(1, CONVEX.requests().size(), "the replay should call Convex once");
        JsonNode sent = JSON.readTree(CONVEX.requests().get(0).body());
        assertEquals("users:upsertFromClerk", sent.get("path").asText(), "same routing as a webhook");
        assertEquals(JSON.readTree(body).get("data"), sent.get("args").get("user"), "the stored event, unchanged");

        assertEquals(404, call("GET", "/dead-letters/" + id, TOKEN).statusCode(), "a delivered replay leaves the store");
        assertTrue(metric("dead_letter_replays_total{result=\"delivered\"}") >= 1.0, "replays are counted");
    }

    @Test
    void failedReplayKeepsItWithAttemptsAndErrorHistory() throws Exception {
        long id = deadLetter(SignedWebhooks.payload("user.updated.json"));

        HttpResponse<String> refused = call("POST", "/dead-letters/" + id + "/replay", TOKEN); // Convex still refuses
        assertEquals("dead_lettered", JSON.readTree(refused.body()).get("items").get(0).get("result").asText(), refused.body());

        CONVEX.fallback(Answer.failure(503, "Overloaded"));
        JsonNode unavailable = replayJob("?id=" + id);
        assertEquals("retried", unavailable.get("notDelivered").get(0).get("result").asText(), unavailable.toString());

        JsonNode kept = JSON.readTree(call("GET", "/dead-letters/" + id, TOKEN).body());
        assertEquals(CONVEX.requests().size(), kept.get("attempts").asInt(), "every Convex call is counted: " + kept);
        List<String> kinds = new ArrayList<>();
        kept.get("history").forEach(h -> kinds.add(h.get("source").asText() + ":" + h.get("errorKind").asText()));
        assertEquals(List.of("webhook:function_error", "replay:function_error", "replay:transient_error"), kinds, kept.toString());
        assertEquals("function_error", kept.get("errorKind").asText(), "the stored error stays Convex's refusal");
    }

    @Test
    void twoReplaysAtOnceDeliverItOnce() throws Exception {
        long id = deadLetter(SignedWebhooks.payload("user.created.json"));
        CONVEX.reset();
        CONVEX.fallback(Answer.slowSuccess(800));

        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> unchecked("/dead-letters/" + id + "/replay"));
        CompletableFuture<JsonNode> second = CompletableFuture.supplyAsync(() -> {
            try {
                return replayJob("");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> results = new ArrayList<>();
        JSON.readTree(first.get().body()).get("items").forEach(i -> results.add(i.get("result").asText()));
        second.get().get("results").fields().forEachRemaining(r -> {
            for (int i = 0; i < r.getValue().asInt(); i++) {
                results.add(r.getKey());
            }
        });
        assertEquals(1, results.stream().filter("delivered"::equals).count(), "delivered exactly once: " + results);
        assertEquals(1, CONVEX.requests().size(), "Convex must see the event once: " + results);
    }

    @Test
    void answers401WithoutTheRightTokenAnd404OnTheWebhookPort() throws Exception {
        deadLetter(SignedWebhooks.payload("user.created.json"));
        for (String token : new String[] {null, "wrong-token-wrong-token", TOKEN + "x", ""}) {
            HttpResponse<String> r = call("GET", "/dead-letters", token);
            assertEquals(401, r.statusCode(), "token " + token + ": " + r.body());
            assertFalse(r.body().contains("svix"), "nothing of the store without the token: " + r.body());
        }
        assertEquals(401, call("POST", "/dead-letters/replay", null).statusCode());
        assertEquals(401, call("DELETE", "/dead-letters/1", "nope-nope-nope-nope").statusCode());
        assertEquals(1, JSON.readTree(call("GET", "/dead-letters", TOKEN).body()).get("count").asInt(), "nothing was deleted");
        HttpResponse<String> onWebhookPort = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + WEBHOOK_PORT
                + "/dead-letters")).header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, onWebhookPort.statusCode(), "nothing of management on the webhook port");
    }

    @Test
    void filtersAndDeletes() throws Exception {
        long id = deadLetter(SignedWebhooks.payload("user.created.json"));
        assertEquals(0, JSON.readTree(call("GET", "/dead-letters?type=user.deleted", TOKEN).body()).get("count").asInt());
        assertEquals(0, JSON.readTree(call("GET", "/dead-letters?since=2999-01-01T00:00:00Z", TOKEN).body()).get("count").asInt());
        assertEquals(1, JSON.readTree(call("GET", "/dead-letters?until=2999-01-01T00:00:00Z&id=" + id, TOKEN).body())
                .get("count").asInt());
        HttpResponse<String> bad = call("GET", "/dead-letters?since=yesterday", TOKEN);
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("since"), bad.body());
        assertEquals(400, call("GET", "/dead-letters?colour=red", TOKEN).statusCode(), "unknown filters are refused");

        assertEquals(200, call("DELETE", "/dead-letters/" + id, TOKEN).statusCode());
        assertEquals(404, call("DELETE", "/dead-letters/" + id, TOKEN).statusCode());
        assertEquals(404, call("POST", "/dead-letters/" + id + "/replay", TOKEN).statusCode());
        assertEquals(0, CONVEX.requests().size() - 1, "only the webhook's own call reached Convex");
    }

    /**
     * Finding 4 of issue 21: a parameter given twice is refused by name on every admin endpoint (the last one used to
     * win: {@code dryRun=true&dryRun=false} started a real pass), and so is a value outside what the README lists.
     */
    @Test
    void aRepeatedParameterOrAnUnlistedValueIsRefusedByNameOnEveryEndpoint() throws Exception {
        long id = deadLetter(SignedWebhooks.payload("user.created.json"));
        String[][] refused = {
                {"POST", "/reconcile?dryRun=true&dryRun=false", "dryRun"},
                {"POST", "/reconcile?kinds=users&kinds=organizations", "kinds"},
                {"POST", "/reconcile?dryRun&allowMassDelete=true&allowMassDelete=false", "allowMassDelete"},
                {"POST", "/reconcile?dryRun&noDelete=TRUE", "noDelete"},
                {"POST", "/reconcile?dryRun=yes", "dryRun"},
                {"GET", "/reconcile?x=1&x=2", "x"},
                {"GET", "/dead-letters?limit=1&limit=1000", "limit"},
                {"GET", "/dead-letters?id=" + id + "&id=999", "id"},
                {"GET", "/dead-letters?type=user.created&type=user.deleted", "type"},
                {"GET", "/dead-letters?errorKind=nope", "errorKind"},
                {"GET", "/dead-letters?errorKind=function_error&errorKind=rejected", "errorKind"},
                {"POST", "/dead-letters/replay?errorKind=nope", "errorKind"},
                {"POST", "/dead-letters/replay?id=" + id + "&id=999", "id"},
                {"GET", "/dead-letters/replay?id=1&id=2", "id"},
                {"GET", "/dead-letters/" + id + "?a=1&a=2", "a"},
                {"DELETE", "/dead-letters/" + id + "?a=1&a=2", "a"},
                {"POST", "/dead-letters/" + id + "/replay?a=1&a=2", "a"},
        };
        for (String[] request : refused) {
            HttpResponse<String> r = call(request[0], request[1], TOKEN);
            assertEquals(400, r.statusCode(), request[0] + " " + request[1] + ": " + r.body());
            assertTrue(r.body().contains(request[2]), request[0] + " " + request[1] + " names " + request[2] + ": " + r.body());
        }
        assertEquals(1, JSON.readTree(call("GET", "/dead-letters?errorKind=function_error", TOKEN).body()).get("count").asInt(),
                "a listed error kind still filters");
        assertEquals(404, call("GET", "/reconcile", TOKEN).statusCode(), "no reconcile pass was started");
        assertEquals(1, CONVEX.requests().size(), "nothing was replayed: only the webhook's own call reached Convex");
        assertEquals(200, call("GET", "/dead-letters/" + id, TOKEN).statusCode(), "nothing was deleted");
    }

    /** Finding 2 of issue 18: a listing is paged by a limit and an opaque cursor, and never answers the whole store. */
    @Test
    void listsInPagesWithACursor() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(deadLetter(SignedWebhooks.payload("user.created.json")));
        }
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = JSON.readTree(call("GET", "/dead-letters?type=user.created&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), TOKEN).body());
            page.get("items").forEach(i -> seen.add(i.get("id").asLong()));
            assertTrue(page.get("count").asInt() <= 2, page.toString());
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);
        assertEquals(ids, seen, "every dead letter once, oldest first");
        assertEquals(3, pages, "5 in pages of 2");
        assertEquals(5, JSON.readTree(call("GET", "/dead-letters", TOKEN).body()).get("count").asInt(), "default limit 100");

        for (String bad : new String[] {"limit=0", "limit=1001", "limit=ten", "cursor=bm9wZQ", "cursor=%21%21"}) {
            HttpResponse<String> r = call("GET", "/dead-letters?" + bad, TOKEN);
            assertEquals(400, r.statusCode(), bad + ": " + r.body());
        }
        assertEquals(400, call("POST", "/dead-letters/replay?limit=2", TOKEN).statusCode(), "paging is for listing only");
    }

    /**
     * Finding 9 of issue 18: a replay of many answers 202 with a job at once, however slow Convex is, and the job
     * shows its progress until it is complete; a second start meanwhile is 409.
     */
    @Test
    void aReplayOfManyAnswers202AtOnceAndItsJobShowsTheOutcome() throws Exception {
        for (int i = 0; i < 6; i++) {
            deadLetter(SignedWebhooks.payload("user.created.json"));
        }
        CONVEX.reset();
        CONVEX.fallback(Answer.slowSuccess(500)); // 3 s for all: an answer only at the end would come after them
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(io.clerkconvexsync.admin.ReplayJobs.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        long started = System.nanoTime();
        HttpResponse<String> accepted = call("POST", "/dead-letters/replay?type=user.created", TOKEN);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(202, accepted.statusCode(), accepted.body());
        assertTrue(tookMs < 1500, "answered before the replays, in " + tookMs + " ms");
        JsonNode job = JSON.readTree(accepted.body());
        assertEquals(6, job.get("matched").asInt(), job.toString());
        HttpResponse<String> again = call("POST", "/dead-letters/replay", TOKEN);
        assertEquals(409, again.statusCode(), again.body());
        assertEquals(job.get("id").asText(), JSON.readTree(again.body()).get("id").asText());

        JsonNode done = awaitJob(job.get("id").asText());
        assertEquals("complete", done.get("state").asText(), done.toString());
        assertEquals(6, done.get("delivered").asInt(), done.toString());
        assertEquals(6, CONVEX.requests().size(), "each replayed once");
        assertEquals(0, JSON.readTree(call("GET", "/dead-letters", TOKEN).body()).get("count").asInt());
        logger.detachAppender(logged);
        List<String> lines = logged.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
        String id = job.get("id").asText();
        assertEquals(List.of("Dead-letter replay " + id + " started: 6 dead letter(s) match",
                "Dead-letter replay " + id + " complete: 6 of 6 done {delivered=6}"), lines, "its start and end are logged");
    }

    /**
     * Finding 7 of issue 21: a replay job covers what matched when it started. Dead letters added while it runs are
     * not picked up, and {@code done} never exceeds {@code matched}.
     */
    @Test
    void aReplayJobCoversWhatMatchedWhenItStartedNotWhatWasAddedMeanwhile() throws Exception {
        for (int i = 0; i < 3; i++) {
            deadLetter(SignedWebhooks.payload("user.created.json"));
        }
        CONVEX.reset();
        CONVEX.fallback(Answer.functionError(200)); // refuses everything but the job's first replay
        CONVEX.script(Answer.slowSuccess(2000));
        HttpResponse<String> accepted = call("POST", "/dead-letters/replay", TOKEN);
        assertEquals(202, accepted.statusCode(), accepted.body());
        JsonNode job = JSON.readTree(accepted.body());
        assertEquals(3, job.get("matched").asInt(), job.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (CONVEX.requests().isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(10); // polling interval for the first replay to be in flight
        }
        assertEquals(1, CONVEX.requests().size(), "the job's first replay is at Convex");
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // while it is held there, webhooks add two more dead letters
            String svixId = SignedWebhooks.newId();
            assertTrue(clerk.send(svixId, SignedWebhooks.payload("user.created.json")).body().contains("dead_lettered"));
            added.add(svixId);
        }
        JsonNode done = awaitJob(job.get("id").asText());
        assertEquals("complete", done.get("state").asText(), done.toString());
        assertEquals(3, done.get("done").asInt(), "only what matched at its start: " + done);
        assertEquals(1, done.get("delivered").asInt(), done.toString());
        assertEquals(5, CONVEX.requests().size(), "3 replays and the 2 new webhooks, no replay of those");
        JsonNode left = JSON.readTree(call("GET", "/dead-letters", TOKEN).body());
        for (String svixId : added) {
            assertTrue(left.toString().contains(svixId), "the one added meanwhile is still stored: " + left);
        }
        assertEquals(4, left.get("count").asInt(), left.toString());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** Starts a replay job with this query and waits for it to end; the job as GET /dead-letters/replay shows it. */
    JsonNode replayJob(String query) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> accepted;
        while ((accepted = call("POST", "/dead-letters/replay" + query, TOKEN)).statusCode() == 409
                && System.nanoTime() < deadline) {
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(50); // another test's job is still ending
        }
        assertEquals(202, accepted.statusCode(), accepted.body());
        return awaitJob(JSON.readTree(accepted.body()).get("id").asText());
    }

    JsonNode awaitJob(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode job = JSON.readTree(call("GET", "/dead-letters/replay", TOKEN).body());
            if (id.equals(job.path("id").asText()) && !"running".equals(job.get("state").asText())) {
                return job;
            }
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(50); // polling interval, not a wait for a result
        }
        throw new AssertionError("replay job " + id + " did not end within 30 s");
    }

    /** Sends a webhook Convex refuses for good and returns its dead letter's id; Convex keeps refusing afterwards. */
    long deadLetter(String body) throws Exception {
        CONVEX.fallback(Answer.functionError(200));
        String svixId = SignedWebhooks.newId();
        HttpResponse<String> response = clerk.send(svixId, body);
        assertEquals("dead_lettered", JSON.readTree(response.body()).get("outcome").asText(), response.body());
        for (JsonNode item : JSON.readTree(call("GET", "/dead-letters", TOKEN).body()).get("items")) {
            if (svixId.equals(item.get("svixId").asText())) {
                return item.get("id").asLong();
            }
        }
        throw new AssertionError("dead letter for " + svixId + " not listed");
    }

    HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> unchecked(String path) {
        try {
            return call("POST", path, TOKEN);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    double metric(String series) throws Exception {
        String scrape = http.send(HttpRequest.newBuilder(URI.create(admin + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in the metrics"));
    }
}
