package io.clerkconvexsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.support.ClerkStandIn;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.ConvexTable;
import io.clerkconvexsync.support.ConvexStandIn.Answer;
import io.clerkconvexsync.support.JarRuntime;
import io.clerkconvexsync.support.SignedWebhooks;
import io.clerkconvexsync.support.TraceReceiver;
import io.clerkconvexsync.support.TraceReceiver.ReceivedSpan;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 26 with the packaged jar: traces exported over OTLP/HTTP to a real receiver ({@link TraceReceiver}, which
 * decodes them with opentelemetry-proto), for a delivered, a redelivered and a dead-lettered webhook and the replay
 * of that dead letter; and a collector that is down costs the webhooks nothing while the dropped spans are counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingProcessIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String DEPLOY_KEY = "prod:happy-otter-123|dHJhY2luZy1kZXBsb3kta2V5";
    static final String TOKEN = "tracing-admin-token-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    static final long WAIT_MS = 30_000;

    @TempDir
    static Path work;
    ConvexStandIn convex;
    TraceReceiver receiver;
    JarRuntime traced;

    @BeforeAll
    void start() throws Exception {
        assertTrue(Files.exists(JarRuntime.JAR), "run through 'mvnw verify' so that the jar is built first");
        convex = new ConvexStandIn();
        receiver = new TraceReceiver();
        Map<String, String> env = env("traced");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url());
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
        env.put("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test");
        traced = new JarRuntime(env, work.resolve("traced.log"));
    }

    @AfterAll
    void stop() throws Exception {
        traced.close();
        receiver.close();
        convex.close();
    }

    @BeforeEach
    void resetConvex() {
        convex.reset();
    }

    // ---- a delivered webhook -----------------------------------------------------------------------------------------

    @Test
    void deliveredWebhookIsOneTraceThatContinuesTheGatewaysAndReachesConvex() throws Exception {
        String gatewayTrace = hex(16);
        String gatewaySpan = hex(8);
        String id = SignedWebhooks.newId();
        HttpResponse<String> answer = send(traced, id, "user.created.json", "00-" + gatewayTrace + "-" + gatewaySpan + "-01");
        assertEquals(200, answer.statusCode(), answer.body());

        ReceivedSpan server = serverSpan(id);
        assertEquals(gatewayTrace, server.traceId(), "the inbound traceparent is continued");
        assertEquals(gatewaySpan, server.parentSpanId(), "the request span is the gateway span's child");
        assertEquals("clerk-convex-sync", server.service(), "OTEL_SERVICE_NAME's default");
        assertEquals("user.created", server.attribute("clerk.event.type"));
        assertEquals("delivered", server.attribute("clerk_convex_sync.outcome"));
        assertEquals("200", server.attribute("http.status_code"));

        List<ReceivedSpan> trace = receiver.trace(gatewayTrace);
        assertConnected(trace, server);
        System.out.println(render(trace, server, ""));
        ReceivedSpan verify = only(trace, s -> s.name().equals("webhook-verify") && s.parentSpanId().equals(
                byName(trace, "webhook-verify", server.spanId()).spanId()), "the verification route's span");
        assertEquals(id, verify.attribute("svix.id"), "verification and duplicate check carry the svix-id");

        List<ReceivedSpan> calls = clientSpans(trace);
        assertEquals(1, calls.size(), "one Convex call: " + trace);
        ReceivedSpan call = calls.get(0);
        assertEquals("users:upsertFromClerk", call.attribute("convex.function"));
        assertEquals("1", call.attribute("clerk_convex_sync.attempt"));
        assertEquals("200", call.attribute("http.status_code"));
        assertTrue(isUnder(call, server, trace), "the Convex call is inside the webhook's request span");

        List<ConvexStandIn.Request> requests = convex.requests();
        assertEquals(1, requests.size());
        assertEquals("00-" + gatewayTrace + "-" + call.spanId() + "-01", requests.get(0).header("traceparent"),
                "Convex receives the client span's context");
        assertEquals(null, requests.get(0).header("baggage"), "no header of the sender's reaches Convex");
        assertNoPersonalDataOrSecrets(trace);
        assertLogLineNamesTheTrace(id, gatewayTrace, server.spanId());
    }

    // ---- a redelivered webhook ---------------------------------------------------------------------------------------

    @Test
    void eachRedeliveryIsAClientSpanOfItsOwnWithItsAttemptNumber() throws Exception {
        convex.script(Answer.failure(503, "Overloaded"), Answer.failure(503, "Overloaded"));
        String id = SignedWebhooks.newId();
        HttpResponse<String> answer = send(traced, id, "user.updated.json", null);
        assertEquals(200, answer.statusCode(), answer.body());

        ReceivedSpan server = serverSpan(id);
        assertTrue(server.isRoot(), "no inbound traceparent: the request span starts the trace");
        assertEquals("delivered", server.attribute("clerk_convex_sync.outcome"));
        List<ReceivedSpan> trace = receiver.trace(server.traceId());
        assertConnected(trace, server);
        System.out.println(render(trace, server, ""));
        List<ReceivedSpan> calls = clientSpans(trace);
        assertEquals(List.of("1", "2", "3"), calls.stream().map(s -> s.attribute("clerk_convex_sync.attempt")).toList(),
                "a client span per attempt, in order: " + trace);
        assertEquals(List.of("503", "503", "200"), calls.stream().map(s -> s.attribute("http.status_code")).toList());
        List<ConvexStandIn.Request> requests = convex.requests();
        assertEquals(3, requests.size());
        for (int i = 0; i < 3; i++) {
            assertEquals("00-" + server.traceId() + "-" + calls.get(i).spanId() + "-01", requests.get(i).header("traceparent"),
                    "attempt " + (i + 1) + " carries its own span's context");
            assertEquals("users:upsertFromClerk", calls.get(i).attribute("convex.function"));
        }
        assertTrue(calls.get(1).startNanos() >= calls.get(0).endNanos(), "the second attempt starts after the first ended");
    }

    // ---- a dead-lettered webhook, and its replay ---------------------------------------------------------------------

    @Test
    void deadLetterIsAnEventOfTheWebhookAndItsReplayLinksBackToIt() throws Exception {
        convex.script(Answer.functionError(200));
        String id = SignedWebhooks.newId();
        HttpResponse<String> answer = send(traced, id, "user.created.json", null);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("dead_lettered", JSON.readTree(answer.body()).get("outcome").asText());

        ReceivedSpan server = serverSpan(id);
        assertEquals("dead_lettered", server.attribute("clerk_convex_sync.outcome"));
        TraceReceiver.Event event = server.events().stream().filter(e -> e.name().equals("dead_lettered")).findFirst()
                .orElseThrow(() -> new AssertionError("no dead_lettered event on " + server));
        String deadLetterId = event.attributes().get("clerk_convex_sync.dead_letter.id");
        assertNotNull(deadLetterId, "the event names the dead letter");
        List<ReceivedSpan> trace = receiver.trace(server.traceId());
        assertConnected(trace, server);
        System.out.println(render(trace, server, ""));
        assertEquals(1, clientSpans(trace).size(), "a permanent refusal is not redelivered");

        JsonNode stored = JSON.readTree(traced.management("GET", "/dead-letters/" + deadLetterId, TOKEN).body());
        assertEquals(server.traceId(), stored.path("traceId").asText(), "the dead letter keeps the webhook's trace");
        assertEquals(server.spanId(), stored.path("spanId").asText());

        HttpResponse<String> replayed = traced.management("POST", "/dead-letters/" + deadLetterId + "/replay", TOKEN);
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertEquals("delivered", JSON.readTree(replayed.body()).get("items").get(0).get("result").asText(), replayed.body());
        ReceivedSpan replay = receiver.await(s -> s.name().equals("dead-letter replay") && id.equals(s.attribute("svix.id")),
                WAIT_MS, "for the replay of " + id);
        assertTrue(replay.isRoot(), "a replay is a trace of its own");
        assertEquals(List.of(new TraceReceiver.Link(server.traceId(), server.spanId())), replay.links(),
                "linked to the webhook's request span");
        assertEquals("delivered", replay.attribute("clerk_convex_sync.outcome"));
        List<ReceivedSpan> replayTrace = receiver.trace(replay.traceId());
        assertConnected(replayTrace, replay);
        System.out.println(render(replayTrace, replay, ""));
        ReceivedSpan call = only(replayTrace, s -> s.kind().equals("CLIENT"), "the replay's Convex call");
        assertEquals("00-" + replay.traceId() + "-" + call.spanId() + "-01",
                convex.requests().get(convex.requests().size() - 1).header("traceparent"));
    }

    // ---- a reconcile pass ---------------------------------------------------------------------------------------------

    @Test
    void reconcilePassIsOneTraceWithASpanPerKindClerkPageAndConvexBatch() throws Exception {
        String clerkKey = "sk_test_tracing0123456789abcdef";
        try (ClerkStandIn clerk = new ClerkStandIn(clerkKey)) {
            ConvexTable table = convex.keepUsers();
            clerk.addUsers("user_traced", 7);
            Map<String, String> env = env("reconcile");
            env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url());
            env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
            env.put("CLERK_SECRET_KEY", clerkKey);
            env.put("CLERK_API_URL", clerk.url());
            // pages of 3 and batches of 2: 7 users make 3 pages and 4 batches
            env.put("JAVA_TOOL_OPTIONS", "-Dreconcile.clerk-page-size=3 -Dreconcile.batch-size=2");
            JarRuntime.Result run = JarRuntime.command(env, work.resolve("reconcile.log"), "reconcile");
            assertEquals(0, run.exitCode(), run.output());
            assertEquals(7, table.ids().size(), "the pass upserted Clerk's users");

            ReceivedSpan pass = receiver.await(s -> s.name().equals("reconcile pass"), WAIT_MS, "for the pass");
            assertTrue(pass.isRoot(), "a pass is a trace of its own");
            assertEquals("users", pass.attribute("clerk_convex_sync.reconcile.kinds"));
            assertEquals("complete", pass.attribute("clerk_convex_sync.outcome"));
            List<ReceivedSpan> trace = receiver.trace(pass.traceId());
            assertConnected(trace, pass);
            System.out.println(render(trace, pass, ""));
            ReceivedSpan kind = byName(trace, "reconcile users", pass.spanId());
            assertEquals("7", kind.attribute("clerk_convex_sync.reconcile.listed"));

            List<ReceivedSpan> pages = trace.stream().filter(s -> s.name().equals("clerk page")).toList();
            assertEquals(3, pages.size(), "a span per Clerk page: " + trace);
            assertEquals(Set.of("0", "3", "6"), pages.stream().map(s -> s.attribute("clerk.page.offset")).collect(Collectors.toSet()));
            for (ReceivedSpan page : pages) {
                assertEquals(kind.spanId(), page.parentSpanId(), "pages sit under their kind");
                assertEquals(1, clientSpans(trace).stream().filter(c -> isUnder(c, page, trace)).count(),
                        "one Clerk request per page");
            }
            List<ReceivedSpan> batches = trace.stream().filter(s -> s.name().equals("convex batch")).toList();
            assertEquals(4, batches.size(), "a span per Convex batch: " + trace);
            for (ReceivedSpan batch : batches) {
                assertEquals(kind.spanId(), batch.parentSpanId(), "batches sit under their kind");
                assertEquals("users:upsertManyFromClerk", batch.attribute("convex.function"));
                List<ReceivedSpan> calls = clientSpans(trace).stream().filter(c -> isUnder(c, batch, trace)).toList();
                assertEquals(1, calls.size(), "one Convex call per batch");
                assertEquals("users:upsertManyFromClerk", calls.get(0).attribute("convex.function"));
            }
            Set<String> clientIds = clientSpans(trace).stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
            for (ConvexStandIn.Request request : convex.requests()) {
                String parent = request.header("traceparent");
                assertNotNull(parent, "every Convex call of the pass carries traceparent");
                assertTrue(parent.startsWith("00-" + pass.traceId() + "-") && clientIds.contains(parent.substring(36, 52)),
                        parent + " is one of the pass's client spans");
            }
            assertNoPersonalDataOrSecrets(trace);
            for (ReceivedSpan span : trace) {
                assertFalse((span.attributes().toString() + span.events()).contains(clerkKey), "no Clerk key in " + span);
            }
        }
    }

    // ---- a collector that is down ------------------------------------------------------------------------------------

    @Test
    void collectorDownLeavesWebhooksAtFullSpeedAndCountsTheDroppedSpans() throws Exception {
        int webhooks = 300;
        Map<String, String> downEnv = env("down");
        downEnv.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + AvailablePortFinder.getNextAvailable());
        downEnv.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        downEnv.put("OTEL_BSP_MAX_QUEUE_SIZE", "64");
        long offMs;
        long downMs;
        try (JarRuntime off = new JarRuntime(env("off"), work.resolve("off.log"))) {
            offMs = timeWebhooks(off, webhooks);
            assertFalse(metrics(off).contains("tracing_spans_dropped"), "tracing off: no tracing meters at all");
        }
        try (JarRuntime down = new JarRuntime(downEnv, work.resolve("down.log"))) {
            downMs = timeWebhooks(down, webhooks);
            double dropped = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (dropped == 0 && System.nanoTime() < deadline) {
                dropped = droppedSpans(metrics(down));
                Thread.sleep(200); // polling interval for the scrape, not a wait for a result
            }
            assertTrue(dropped > 0, "spans the collector never got are counted: " + metrics(down));
        }
        System.out.printf("%d webhooks: %d ms with tracing off, %d ms with the collector down%n", webhooks, offMs, downMs);
        // generous: the two runs share a busy two-core machine; a webhook waiting on the collector would take seconds
        assertTrue(downMs <= offMs * 2 + 3_000, webhooks + " webhooks took " + downMs + " ms with the collector down, "
                + offMs + " ms with tracing off");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------------

    private Map<String, String> env(String name) {
        Map<String, String> env = new HashMap<>();
        env.put("CLERK_WEBHOOK_SECRET", SECRET);
        env.put("CONVEX_URL", convex.url());
        env.put("CONVEX_DEPLOY_KEY", DEPLOY_KEY);
        env.put("DATA_DIR", work.resolve(name + "-data").toString());
        env.put("ADMIN_TOKEN", TOKEN);
        env.put("LOG_FORMAT", "json");
        return env;
    }

    private static HttpResponse<String> send(JarRuntime runtime, String id, String payload, String traceparent) {
        SignedWebhooks clerk = runtime.clerk(SECRET);
        String body = SignedWebhooks.payload(payload);
        long now = Instant.now().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(clerk.url()))
                .header("Content-Type", "application/json")
                .header("svix-id", id)
                .header("svix-timestamp", Long.toString(now))
                .header("svix-signature", SignedWebhooks.sign(SECRET, id, now, body))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
            request.header("baggage", "tenant=from-the-sender"); // never passed on to Convex
        }
        return clerk.post(request);
    }

    /** Sequential webhooks (after a warm-up of the same number), each answered 200; the time they took. */
    private static long timeWebhooks(JarRuntime runtime, int count) {
        SignedWebhooks clerk = runtime.clerk(SECRET);
        String body = SignedWebhooks.payload("user.updated.json");
        for (int i = 0; i < count; i++) {
            assertEquals(200, clerk.send(SignedWebhooks.newId(), body).statusCode());
        }
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> answer = clerk.send(SignedWebhooks.newId(), body);
            assertEquals(200, answer.statusCode(), answer.body());
        }
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    private static String metrics(JarRuntime runtime) throws Exception {
        return runtime.management("GET", "/observe/metrics", null).body();
    }

    private static final Pattern DROPPED = Pattern.compile("(?m)^tracing_spans_dropped_total\\{[^}]*} ([0-9.E+]+)$");

    private static double droppedSpans(String metrics) {
        double total = 0;
        Matcher m = DROPPED.matcher(metrics);
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    /** The webhook's request span, once it is exported (it ends last, after every span under it). */
    private ReceivedSpan serverSpan(String svixId) throws InterruptedException {
        return receiver.await(s -> s.kind().equals("SERVER") && svixId.equals(s.attribute("svix.id"))
                && s.attribute("clerk_convex_sync.outcome") != null, WAIT_MS, "for the request of " + svixId);
    }

    private static List<ReceivedSpan> clientSpans(List<ReceivedSpan> trace) {
        return trace.stream().filter(s -> s.kind().equals("CLIENT")).sorted(Comparator.comparingLong(ReceivedSpan::startNanos))
                .toList();
    }

    /** Every span of the trace hangs from {@code top}: its parent is in the trace, up to top. */
    private static void assertConnected(List<ReceivedSpan> trace, ReceivedSpan top) {
        Set<String> ids = trace.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
        for (ReceivedSpan span : trace) {
            if (span != top && !span.spanId().equals(top.spanId())) {
                assertTrue(ids.contains(span.parentSpanId()), span.name() + " has a parent outside the trace: " + trace);
                assertTrue(isUnder(span, top, trace), span.name() + " is not under " + top.name());
            }
        }
    }

    private static boolean isUnder(ReceivedSpan span, ReceivedSpan top, List<ReceivedSpan> trace) {
        Map<String, ReceivedSpan> byId = trace.stream().collect(Collectors.toMap(ReceivedSpan::spanId, s -> s, (a, b) -> a));
        for (ReceivedSpan s = span; s != null; s = byId.get(s.parentSpanId())) {
            if (s.parentSpanId().equals(top.spanId())) {
                return true;
            }
        }
        return false;
    }

    private static ReceivedSpan byName(List<ReceivedSpan> trace, String name, String parent) {
        return only(trace, s -> s.name().equals(name) && s.parentSpanId().equals(parent), name + " under " + parent);
    }

    private static ReceivedSpan only(List<ReceivedSpan> trace, java.util.function.Predicate<ReceivedSpan> match, String what) {
        List<ReceivedSpan> found = trace.stream().filter(match).toList();
        assertEquals(1, found.size(), what + ": " + trace);
        return found.get(0);
    }

    /** Ids only: no name, e-mail address, key, secret or signature in any attribute or event. */
    private static void assertNoPersonalDataOrSecrets(List<ReceivedSpan> trace) {
        for (ReceivedSpan span : trace) {
            String all = span.attributes().toString() + span.events();
            for (String forbidden : List.of("John", "Doe", "@", SECRET, DEPLOY_KEY, "Convex prod", "v1,")) {
                assertFalse(all.contains(forbidden), span.name() + " carries '" + forbidden + "': " + all);
            }
        }
    }

    private void assertLogLineNamesTheTrace(String svixId, String traceId, String spanId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(traced.log)) {
                if (line.startsWith("{") && line.contains("webhook svix_id=" + svixId)) {
                    JsonNode json = JSON.readTree(line);
                    assertEquals(traceId, json.path("mdc").path("trace_id").asText(), line);
                    assertEquals(spanId, json.path("mdc").path("span_id").asText(), line);
                    return;
                }
            }
            Thread.sleep(100); // polling interval for the log file
        }
        throw new AssertionError("no JSON log line for " + svixId + " in " + traced.log);
    }

    /** The trace as an indented tree (the README's example), for the test's output. */
    private static String render(List<ReceivedSpan> trace, ReceivedSpan top, String indent) {
        StringBuilder out = new StringBuilder(indent).append(top.name()).append(" [").append(top.kind()).append("] ")
                .append((top.endNanos() - top.startNanos()) / 1_000_000.0).append(" ms ").append(top.attributes().entrySet()
                        .stream().filter(e -> !List.of("exchangeId", "camel.uri", "url.scheme", "op").contains(e.getKey()))
                        .map(Map.Entry::toString).collect(Collectors.joining(" ")));
        top.events().forEach(e -> out.append("\n").append(indent).append("  * event ").append(e.name()).append(' ')
                .append(e.attributes()));
        trace.stream().filter(s -> s.parentSpanId().equals(top.spanId()))
                .sorted(Comparator.comparingLong(ReceivedSpan::startNanos))
                .forEach(child -> out.append("\n").append(render(trace, child, indent + "  ")));
        return out.toString();
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1; // never all zero
        return HexFormat.of().formatHex(b);
    }
}
