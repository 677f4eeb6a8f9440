package io.clerkconvexsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.ConvexStandIn.Answer;
import io.clerkconvexsync.support.JarProcess;
import io.clerkconvexsync.support.SignedWebhooks;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar under what an attacker can send without a signature, started as the README starts it (with
 * jvm.options' heap): floods of large bodies, idle and slow connections; and the startup refusals that are about the
 * process (a busy port, an unknown LOG_FORMAT). Valid webhooks must keep being delivered throughout, and nothing
 * answered 2xx may be missing from Convex.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenerProcessIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final ObjectMapper JSON = new ObjectMapper();
    /** Short timeouts, so that the slow-client test takes seconds; the shipped defaults are 30 s, 10 s and 10 s. */
    static final List<String> SHORT_TIMEOUTS = List.of("-Dlistener.idle-timeout=3s", "-Dlistener.header-timeout=2s",
            "-Dlistener.body-timeout=2s");

    @TempDir
    static Path work;
    ConvexStandIn convex;
    JarProcess runtime;
    int port;
    int management;
    SignedWebhooks clerk;

    @BeforeAll
    void start() throws Exception {
        convex = new ConvexStandIn();
        port = AvailablePortFinder.getNextAvailable();
        management = AvailablePortFinder.getNextAvailable();
        runtime = JarProcess.start(env(port, management), work.resolve("runtime.log"), SHORT_TIMEOUTS);
        runtime.awaitHealthy(management, Duration.ofSeconds(60));
        clerk = new SignedWebhooks("http://127.0.0.1:" + port + "/clerk-webhook", SECRET);
    }

    @AfterAll
    void stop() throws Exception {
        runtime.close();
        convex.close();
    }

    // ---- startup -----------------------------------------------------------------------------------------------------

    @Test
    void aBusyPortStopsStartupWithExitCode2NamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Map<String, String> env = env(taken.getLocalPort(), AvailablePortFinder.getNextAvailable());
            JarProcess second = JarProcess.start(env, work.resolve("busy.log"), List.of());
            assertEquals(2, second.awaitExit(Duration.ofSeconds(60)), second.output());
            assertTrue(second.output().contains("Invalid configuration: PORT " + taken.getLocalPort() + " cannot be bound"),
                    second.output());
        }
    }

    @Test
    void wrongListenerAndLogSettingsStopStartupWithExitCode2() throws Exception {
        Map<String, String> cases = new TreeMap<>(Map.of(
                "LOG_FORMAT=xml", "LOG_FORMAT must be plain or json",
                "LOG_FORMAT=", "LOG_FORMAT must be plain or json",
                "PORT=70000", "PORT must be a port number from 0 to 65535",
                "MANAGEMENT_PORT=" + port, "MANAGEMENT_PORT must differ from PORT",
                "ADMIN_TOKEN=   ", "ADMIN_TOKEN is only white space"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            int free = AvailablePortFinder.getNextAvailable();
            Map<String, String> env = env(port == free ? free + 1 : free, AvailablePortFinder.getNextAvailable());
            if (c.getKey().startsWith("MANAGEMENT_PORT")) {
                env.put("MANAGEMENT_PORT", env.get("PORT"));
            } else {
                String[] kv = c.getKey().split("=", 2);
                env.put(kv[0], kv[1]);
            }
            JarProcess refused = JarProcess.start(env, work.resolve("refused.log"), List.of());
            assertEquals(2, refused.awaitExit(Duration.ofSeconds(60)), c.getKey() + ": " + refused.output());
            assertTrue(refused.output().contains("Invalid configuration: " + c.getValue()), c.getKey() + ": " + refused.output());
        }
    }

    // ---- floods ------------------------------------------------------------------------------------------------------

    @Test
    void floodsOfUnsignedLargeBodiesNeitherStopTheInstanceNorItsDeliveries() throws Exception {
        for (int[] round : new int[][] {{500, 1_048_000}, {1_000, 1_048_000}, {1_000, 200_000}}) {
            Map<String, Integer> answers = new TreeMap<>();
            List<Sent> signed = whileRunning(() -> flood(round[0], round[1], answers));
            System.out.printf("flood %d x %d B: %s; signed webhooks meanwhile: %s%n", round[0], round[1], answers, count(signed));
            assertTrue(runtime.isAlive(), "the instance must survive the flood");
            assertTrue(signed.stream().anyMatch(s -> "delivered".equals(s.outcome())),
                    "valid webhooks must be delivered during the flood: " + count(signed));
            assertTrue(answers.keySet().stream().allMatch(a -> List.of("400", "413", "503", "closed").contains(a)),
                    "the flood is answered 400 (unsigned), 413, 503 or closed, nothing else: " + answers);
            assertAcknowledgedReachedConvex(signed);
        }
        List<Sent> after = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            after.add(sendSigned());
        }
        assertTrue(after.stream().allMatch(s -> "delivered".equals(s.outcome())), "after the floods: " + after);
        assertAcknowledgedReachedConvex(after);
        assertFalse(runtime.output().contains("OutOfMemoryError"), "no OutOfMemoryError in the log");
    }

    /** {@code count} raw POSTs at once, each with a bogus signature and a body of {@code size} bytes. */
    private void flood(int count, int size, Map<String, Integer> answers) {
        byte[] head = ("POST /clerk-webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nsvix-id: msg_flood\r\n"
                + "svix-timestamp: " + Instant.now().getEpochSecond() + "\r\nsvix-signature: v1,AAAA\r\nContent-Length: "
                + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'a');
        ExecutorService threads = Executors.newFixedThreadPool(count);
        CountDownLatch go = new CountDownLatch(1);
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(threads.submit(() -> {
                String answer;
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setSoTimeout(30_000);
                    go.await();
                    OutputStream out = socket.getOutputStream();
                    out.write(head);
                    out.write(body);
                    out.flush();
                    answer = status(socket.getInputStream());
                } catch (IOException closedOrReset) {
                    answer = "closed";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    answer = "interrupted";
                }
                seen.merge(answer, 1, Integer::sum);
                return null;
            }));
        }
        go.countDown();
        try {
            for (Future<?> f : all) {
                f.get(90, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError("the flood was not answered within 90 s: " + seen, e);
        } finally {
            threads.shutdownNow();
        }
        answers.putAll(seen);
    }

    // ---- slow and idle clients ---------------------------------------------------------------------------------------

    @Test
    void idleSlowAndIncompleteConnectionsAreClosedByTheTimeouts() throws Exception {
        String headers = "POST /clerk-webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        Map<String, Supplier<Long>> clients = new TreeMap<>();
        clients.put("slowloris (a header byte every 0.5 s)", () -> closedAfter(headers.getBytes(), "X-Slow: a\r\n".getBytes()));
        clients.put("slow body (a byte every 0.5 s)", () -> closedAfter((headers + "Content-Length: 100\r\n\r\n{").getBytes(), "a".getBytes()));
        clients.put("Content-Length larger than the body", () -> closedAfter((headers + "Content-Length: 1000\r\n\r\n{}").getBytes(), null));
        clients.put("HTTP/2 preface", () -> closedAfter("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(), null));
        for (int i = 0; i < 300; i++) {
            clients.put("idle " + i, () -> closedAfter(new byte[0], null));
        }
        ExecutorService threads = Executors.newFixedThreadPool(clients.size());
        Map<String, CompletableFuture<Long>> closed = new TreeMap<>();
        clients.forEach((name, client) -> closed.put(name, CompletableFuture.supplyAsync(client, threads)));
        List<Sent> signed = new ArrayList<>();
        while (!closed.values().stream().allMatch(CompletableFuture::isDone)) {
            signed.add(sendSigned());
            TimeUnit.MILLISECONDS.sleep(200); // pace of the valid webhooks while the slow clients hang on
        }
        threads.shutdownNow();
        for (Map.Entry<String, CompletableFuture<Long>> c : closed.entrySet()) {
            long ms = c.getValue().get();
            assertTrue(ms < 8_000, c.getKey() + " should be closed within the 2-3 s timeouts, was open " + ms + " ms");
        }
        assertTrue(signed.stream().allMatch(s -> "delivered".equals(s.outcome())), "meanwhile: " + signed);
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + management + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("\nlistener_body_bytes 0.0"), "the bodies cut off by the timeouts gave their budget back");
    }

    /** Connects, sends {@code first}, then {@code trickle} every 0.5 s; the milliseconds until the server closed it. */
    private long closedAfter(byte[] first, byte[] trickle) {
        long start = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(500);
            socket.getOutputStream().write(first);
            InputStream in = socket.getInputStream();
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20)) {
                try {
                    if (in.read(new byte[512]) < 0) {
                        break;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    if (trickle != null) {
                        socket.getOutputStream().write(trickle);
                    }
                }
            }
        } catch (IOException closedOrReset) {
            // closed by the server
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    // ---- logs --------------------------------------------------------------------------------------------------------

    @Test
    void aRejectedWebhookIsLoggedWithReasonAndSvixIdAndControlCharactersCannotSplitALine() throws Exception {
        HttpResponse<String> rejected = clerk.send("msg_rejected_for_the_log", Instant.now().getEpochSecond(), "v1,AAAA", "{}");
        assertEquals(400, rejected.statusCode(), rejected.body());
        String forged = "webhook svix_id=msg_forged type=user.created user_id=x outcome=delivered";
        String body = "{\"type\":\"user.updated\",\"data\":{\"id\":\"user_1\\n" + forged + "\"}}";
        HttpResponse<String> injected = clerk.send(SignedWebhooks.newId(), body);
        assertEquals(200, injected.statusCode(), injected.body());

        String log = awaitLog("reason=invalid_signature");
        assertTrue(log.contains("webhook svix_id=msg_rejected_for_the_log outcome=rejected reason=invalid_signature status=400"),
                log);
        assertTrue(log.contains("user_id=user_1\\n" + forged), "the newline is written as \\n: " + log);
        assertTrue(log.lines().noneMatch(l -> l.startsWith(forged)), "no line forged by the event: " + log);
    }

    private String awaitLog(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!runtime.output().contains(text) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50); // polling interval for the log file to be written
        }
        return runtime.output();
    }

    // ---- shutdown ----------------------------------------------------------------------------------------------------

    @Test
    void newWebhooksDuringSigtermAreAnswered503WithAJsonBody() throws Exception {
        ConvexStandIn slow = new ConvexStandIn();
        slow.fallback(Answer.slowSuccess(2_000)); // inside convex.response-timeout-ms
        int webhookPort = AvailablePortFinder.getNextAvailable();
        int managementPort = AvailablePortFinder.getNextAvailable();
        Map<String, String> env = env(webhookPort, managementPort);
        env.put("CONVEX_URL", slow.url());
        env.put("DATA_DIR", work.resolve("sigterm-data").toString());
        SignedWebhooks sender = new SignedWebhooks("http://127.0.0.1:" + webhookPort + "/clerk-webhook", SECRET);
        try (JarProcess stopping = JarProcess.start(env, work.resolve("sigterm.log"), List.of())) {
            stopping.awaitHealthy(managementPort, Duration.ofSeconds(60));
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(
                    () -> sender.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.created.json")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (slow.requests().isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20); // polling interval for the first webhook to reach Convex
            }
            stopping.terminate();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!stopping.output().contains("SIGTERM: no new webhooks taken") && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20); // polling interval for the stop to begin (the in-flight one takes 2 s)
            }
            assertFalse(inFlight.isDone(), "the first webhook should still be in flight: " + stopping.output());
            HttpResponse<String> refused = sender.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.created.json"));
            assertEquals(503, refused.statusCode(), "a webhook sent during the stop: " + refused.body());
            JsonNode answer = JSON.readTree(refused.body());
            assertEquals("shutting_down", answer.get("error").asText(), refused.body());
            assertEquals("retried", answer.get("outcome").asText(), refused.body());
            assertEquals(200, inFlight.get(20, TimeUnit.SECONDS).statusCode(), "the webhook in flight is finished");
            assertEquals(0, stopping.awaitExit(Duration.ofSeconds(40)), stopping.output());
        } finally {
            slow.close();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------------

    record Sent(String svixId, String userId, int status, String outcome) {
    }

    Map<String, String> env(int webhookPort, int managementPort) {
        Map<String, String> env = new HashMap<>();
        env.put("CLERK_WEBHOOK_SECRET", SECRET);
        env.put("CONVEX_URL", convex.url());
        env.put("DATA_DIR", work.resolve("data").toString());
        env.put("PORT", Integer.toString(webhookPort));
        env.put("MANAGEMENT_PORT", Integer.toString(managementPort));
        return env;
    }

    /** One signed user.updated with a user id of its own; status -1 when no answer came. */
    private Sent sendSigned() {
        String svixId = SignedWebhooks.newId();
        String userId = "user_" + svixId;
        try {
            HttpResponse<String> r = clerk.send(svixId, "{\"type\":\"user.updated\",\"data\":{\"id\":\"" + userId + "\"}}");
            String outcome = JSON.readTree(r.body()).path("outcome").asText(null);
            return new Sent(svixId, userId, r.statusCode(), outcome);
        } catch (UncheckedIOException | IOException refusedOrReset) {
            return new Sent(svixId, userId, -1, null);
        }
    }

    /** Runs {@code load} while signed webhooks are sent one after another; what came of those. */
    private List<Sent> whileRunning(Runnable load) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<List<Sent>> signed = CompletableFuture.supplyAsync(() -> {
            List<Sent> sent = new ArrayList<>();
            while (!done.get()) {
                sent.add(sendSigned());
            }
            return sent;
        });
        try {
            load.run();
        } finally {
            done.set(true);
        }
        return signed.get(60, TimeUnit.SECONDS);
    }

    private void assertAcknowledgedReachedConvex(List<Sent> sent) {
        List<String> bodies = convex.requests().stream().map(ConvexStandIn.Request::body).toList();
        for (Sent s : sent) {
            if (s.status() >= 200 && s.status() < 300) {
                assertTrue(bodies.stream().anyMatch(b -> b.contains("\"" + s.userId() + "\"")),
                        s + " was answered 2xx but never reached Convex");
            }
        }
    }

    private static Map<String, Long> count(List<Sent> sent) {
        Map<String, Long> counts = new TreeMap<>();
        sent.forEach(s -> counts.merge(s.outcome() != null ? s.outcome() : "status " + s.status(), 1L, Long::sum));
        return counts;
    }

    /** The status code of an HTTP/1.1 answer, or "closed" when the connection ended first. */
    private static String status(InputStream in) throws IOException {
        byte[] line = in.readNBytes(12);
        return line.length < 12 ? "closed" : new String(line, 9, 3, StandardCharsets.US_ASCII);
    }
}
