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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar as a user runs it ({@code java -jar target/clerk-convex-sync.jar} from the repository root):
 * fail-fast configuration, nothing lost across a kill -9, the send-test-event tool, and logs free of secrets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JarProcessIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String DEPLOY_KEY = "prod:happy-otter-123|a2lsbC05LWRlcGxveS1rZXk=";
    static final Path JAR = Path.of("target/clerk-convex-sync.jar");
    static final String ADMIN_TOKEN = "jar-admin-token-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    ConvexStandIn convex;
    final List<Path> logs = new ArrayList<>();
    @TempDir
    static Path work;

    @BeforeAll
    void startConvex() throws Exception {
        assertTrue(Files.exists(JAR), "run through 'mvnw verify' so that the jar is built first");
        convex = new ConvexStandIn();
    }

    @AfterAll
    void stopConvexAndCheckLogs() throws Exception {
        convex.close();
        for (Path log : logs) {
            String text = Files.readString(log);
            assertFalse(text.contains(SECRET.substring("whsec_".length())), log + " contains the signing secret");
            assertFalse(text.contains("a2lsbC05LWRlcGxveS1rZXk"), log + " contains the deploy key");
            assertFalse(text.contains("v1,"), log + " contains a signature");
            assertFalse(text.contains(ADMIN_TOKEN), log + " contains the admin token");
        }
    }

    @Test
    void refusesToStartWithoutTheSigningSecretAndNamesIt() throws Exception {
        Map<String, String> env = env(Path.of("unused"), 0, 0);
        env.remove("CLERK_WEBHOOK_SECRET");
        Result result = runToExit(env);
        assertEquals(2, result.exitCode(), "a missing setting exits 2: " + result.output());
        assertTrue(result.output().contains("CLERK_WEBHOOK_SECRET is not set"), result.output());
    }

    @Test
    void refusesAMalformedSecretOrConvexUrlWithoutPrintingThem() throws Exception {
        Map<String, String> env = env(Path.of("unused"), 0, 0);
        env.put("CLERK_WEBHOOK_SECRET", "sk_live_THISISNOTAWEBHOOKSECRET");
        Result result = runToExit(env);
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("CLERK_WEBHOOK_SECRET is malformed"), result.output());
        assertFalse(result.output().contains("THISISNOTAWEBHOOKSECRET"), "the value must not be printed");

        env.put("CLERK_WEBHOOK_SECRET", "whsec_..."); // the README's placeholder, pasted as it is
        result = runToExit(env);
        assertEquals(2, result.exitCode(), result.output());
        assertTrue(result.output().contains("CLERK_WEBHOOK_SECRET is malformed"), result.output());
        assertFalse(result.output().contains("SIGTERM"), "nothing sent a SIGTERM (issue 21, finding 12): " + result.output());

        env = env(Path.of("unused"), 0, 0);
        env.put("CONVEX_URL", "happy-otter-123.convex.cloud/api");
        result = runToExit(env);
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("CONVEX_URL"), result.output());
    }

    @Test
    void anUnreachableDatabaseAtStartupIsOneLineAndExit1WithoutThePassword() throws Exception {
        Map<String, String> env = env(Path.of("unused"), AvailablePortFinder.getNextAvailable(),
                AvailablePortFinder.getNextAvailable());
        env.put("STORAGE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + AvailablePortFinder.getNextAvailable() + "/nothing");
        env.put("STORAGE_USERNAME", "clerk");
        env.put("STORAGE_PASSWORD", "db-password-never-printed");
        Result result = runToExit(env);
        assertEquals(1, result.exitCode(), "an unreachable database exits 1: " + result.output());
        assertTrue(result.output().contains("Cannot start: the database named by STORAGE_JDBC_URL cannot be reached"),
                result.output());
        assertFalse(result.output().contains("\tat "), "no stack trace: " + result.output());
        assertFalse(result.output().contains("db-password-never-printed"), "the password must not be printed");
    }

    /**
     * Started from a directory with neither application.properties nor routes/ (a systemd unit, a cron job, a home
     * directory): the defaults in the jar apply and extension routes are simply absent. A routes folder that is
     * configured but missing is refused at startup in one line naming the setting.
     */
    @Test
    void startsFromAnyDirectoryAndRefusesAMissingConfiguredRoutesFolder() throws Exception {
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        int port = AvailablePortFinder.getNextAvailable();
        int management = AvailablePortFinder.getNextAvailable();
        Map<String, String> env = env(work.resolve("elsewhere-data"), port, management);
        Process runtime = start(env, elsewhere, "elsewhere-runtime");
        try {
            awaitHealthy(management);
            convex.reset();
            HttpResponse<String> sent = new SignedWebhooks("http://127.0.0.1:" + port + "/clerk-webhook", SECRET)
                    .send(SignedWebhooks.newId(), SignedWebhooks.payload("user.updated.json"));
            assertEquals(200, sent.statusCode(), sent.body());
        } finally {
            runtime.destroy();
            assertTrue(runtime.waitFor(30, TimeUnit.SECONDS), "SIGTERM should stop the runtime");
        }
        assertEquals(0, runtime.exitValue(), Files.readString(work.resolve("elsewhere-runtime.log")));

        env.put("ROUTES_DIR", elsewhere.resolve("no-such-folder").toString());
        Process refused = start(env, elsewhere, "elsewhere-refused");
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS), "the process should exit by itself");
        String output = Files.readString(work.resolve("elsewhere-refused.log"));
        assertEquals(2, refused.exitValue(), "a missing configured routes folder is a setting error: " + output);
        assertTrue(output.contains("ROUTES_DIR"), "the line names the setting: " + output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
    }

    /** Everything answered 2xx before a kill -9 is still known after a restart: delivered ids and dead letters. */
    @Test
    void killMinus9LosesNoEventThatWasAnswered2xx() throws Exception {
        Path data = work.resolve("data");
        int port = AvailablePortFinder.getNextAvailable();
        int management = AvailablePortFinder.getNextAvailable();
        SignedWebhooks clerk = new SignedWebhooks("http://127.0.0.1:" + port + "/clerk-webhook", SECRET);
        List<String> ids = new ArrayList<>();
        String body = SignedWebhooks.payload("user.updated.json");

        Process first = start(env(data, port, management), "first");
        long startedAt = System.nanoTime();
        awaitHealthy(management);
        System.out.printf("jar healthy %d ms after start%n", (System.nanoTime() - startedAt) / 1_000_000);
        for (int i = 0; i < 20; i++) {
            // every other event is refused by Convex for good and must be dead-lettered; the last one is, and the
            // kill follows its 2xx at once
            convex.script(i % 2 == 0 ? Answer.success() : Answer.functionError(200));
            String id = SignedWebhooks.newId();
            HttpResponse<String> response = clerk.send(id, body);
            assertEquals(200, response.statusCode(), response.body());
            ids.add(id);
        }
        first.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(first.waitFor(20, TimeUnit.SECONDS));

        // Delivered events are in Convex; dead-lettered ones must all be on disk.
        // opened the way the runtime opens it, so that the runtime started next can take the file over
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.toAbsolutePath()
                + "/clerk-convex-sync;AUTO_SERVER=TRUE", "sa", Files.readString(data.resolve("database.password")).trim());
             ResultSet rs = c.createStatement().executeQuery("SELECT svix_id FROM clerk_dead_letter")) {
            List<String> stored = new ArrayList<>();
            while (rs.next()) {
                stored.add(rs.getString(1));
            }
            for (int i = 1; i < ids.size(); i += 2) {
                assertTrue(stored.contains(ids.get(i)), "dead letter " + i + " was lost in the kill");
            }
            assertEquals(10, stored.size(), "one dead letter per refused event");
        }

        // The restarted runtime serves the same data; a svix-id it forgot only means Convex is called again.
        convex.reset();
        Process second = start(env(data, port, management), "second");
        awaitHealthy(management);
        for (String id : ids) {
            HttpResponse<String> again = clerk.send(id, body);
            assertEquals(200, again.statusCode(), again.body());
            String outcome = JSON.readTree(again.body()).get("outcome").asText();
            assertTrue(outcome.equals("duplicate") || outcome.equals("delivered"), "svix-id " + id + ": " + outcome);
        }
        second.destroyForcibly();
        assertTrue(second.waitFor(20, TimeUnit.SECONDS));
    }

    @Test
    void sendTestEventPostsASignedSampleToARunningInstance() throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        int management = AvailablePortFinder.getNextAvailable();
        Map<String, String> env = env(work.resolve("cli-data"), port, management);
        env.put("BIND_ADDRESS", "127.0.0.1");
        env.put("MANAGEMENT_BIND_ADDRESS", "127.0.0.1");
        Process runtime = start(env, "cli-runtime");
        try {
            awaitHealthy(management);
            convex.reset();
            Result result = runToExit(env, "send-test-event", "user.created");
            assertEquals(0, result.exitCode(), result.output());
            assertTrue(result.output().contains("HTTP 200"), result.output());
            assertEquals(1, convex.requests().size(), "the sample should reach Convex");
            assertTrue(convex.requests().get(0).body().contains("\"users:upsertFromClerk\""));

            // issue 21, finding 12: each run is about a user of its own, so a deleted sample never shadows a later one
            assertEquals(0, runToExit(env, "send-test-event", "user.deleted").exitCode());
            Result again = runToExit(env, "send-test-event", "user.created");
            assertEquals(0, again.exitCode(), again.output());
            List<String> userIds = new ArrayList<>();
            for (ConvexStandIn.Request request : convex.requests()) {
                JsonNode args = JSON.readTree(request.body()).get("args");
                userIds.add(args.has("user") ? args.get("user").get("id").asText() : args.get("userId").asText());
            }
            assertEquals(3, new java.util.HashSet<>(userIds).size(), "three runs, three users: " + userIds);
            assertFalse(userIds.contains("user_2g7np7Hrk0SN6kj5EDMLDaKNL0S"), "not the sample's own id: " + userIds);
            assertTrue(again.output().contains("sent user.created of " + userIds.get(2)), "names the user: " + again.output());
        } finally {
            runtime.destroy();
            assertTrue(runtime.waitFor(30, TimeUnit.SECONDS), "SIGTERM should stop the runtime");
        }
        String log = Files.readString(work.resolve("cli-runtime.log"));
        assertFalse(log.contains("0.0.0.0"), "bound to 127.0.0.1, so no 0.0.0.0 in the endpoint summary: " + log);
        assertTrue(log.contains("http://127.0.0.1:" + port + "/clerk-webhook"), "the real address is shown: " + log);
    }

    @Test
    void sendTestEventToNothingListeningOrAMalformedUrlIsOneLineAndExit1() throws Exception {
        Map<String, String> env = env(Path.of("unused"), 0, 0);
        int closed = AvailablePortFinder.getNextAvailable();
        Result refused = runToExit(env, "send-test-event", "--url", "http://127.0.0.1:" + closed + "/clerk-webhook");
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("send-test-event: no answer from http://127.0.0.1:" + closed
                + "/clerk-webhook (ConnectException: connection refused)"), refused.output());
        assertFalse(refused.output().contains("\tat "), "no stack trace: " + refused.output());

        Result malformed = runToExit(env, "send-test-event", "--url", "::not a url");
        assertEquals(1, malformed.exitCode(), malformed.output());
        assertTrue(malformed.output().contains("--url '::not a url' is not an absolute http(s) URL"), malformed.output());
        assertFalse(malformed.output().contains("\tat "), "no stack trace: " + malformed.output());
    }

    @Test
    void helpListsTheCommandsAndAnUnknownOneIsNamed() throws Exception {
        Map<String, String> env = env(Path.of("unused"), 0, 0);
        Result help = runToExit(env, "--help");
        assertEquals(0, help.exitCode(), help.output());
        assertTrue(help.output().contains("send-test-event") && help.output().contains("dead-letters"), help.output());
        Result unknown = runToExit(env, "dead-letters", "frobnicate");
        assertEquals(64, unknown.exitCode(), unknown.output());
        assertTrue(unknown.output().contains("Unknown command 'frobnicate'"), unknown.output());
    }

    /**
     * The CLI beside a running runtime and after it stopped, and the HTTP admin API, on one store: they list and show
     * the same, a CLI replay goes through the delivery step and leaves the store, purge removes for good.
     */
    @Test
    void deadLettersCliAndHttpAgreeWhetherOrNotTheRuntimeRuns() throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        int management = AvailablePortFinder.getNextAvailable();
        Map<String, String> env = env(work.resolve("dead-letter-data"), port, management);
        env.put("ADMIN_TOKEN", ADMIN_TOKEN);
        Process runtime = start(env, "dead-letter-runtime");
        try {
            awaitHealthy(management);
            convex.reset();
            convex.fallback(ConvexStandIn.Answer.functionError(200));
            for (int i = 0; i < 3; i++) {
                Result sent = runToExit(env, "send-test-event", "user.created");
                assertTrue(sent.output().contains("dead_lettered"), sent.output());
            }

            Result list = runToExit(env, "dead-letters", "list", "--type", "user.created");
            assertEquals(0, list.exitCode(), "the CLI reads the store while the runtime runs: " + list.output());
            assertTrue(list.output().contains("3 dead letter(s)"), list.output());
            assertTrue(list.output().contains("user.created\tfunction_error\t200"), list.output());

            Result show = runToExit(env, "dead-letters", "show", "1");
            assertEquals(0, show.exitCode(), show.output());
            JsonNode shown = json(show.output());
            assertEquals("user.created", JSON.readTree(shown.get("body").asText()).get("type").asText(), show.output());
            assertFalse(show.output().toLowerCase().contains("signature"), "show must never print a signature: " + show.output());
            assertEquals(shown, JSON.readTree(admin(management, "GET", "/dead-letters/1").body()), "CLI and HTTP show the same");

            convex.reset(); // Convex fixed
            Result replay = runToExit(env, "dead-letters", "replay", "1");
            assertEquals(0, replay.exitCode(), replay.output());
            assertEquals("delivered", json(replay.output()).get("items").get(0).get("result").asText(), replay.output());
            assertEquals(1, convex.requests().size(), "the CLI replay calls Convex once");
            assertTrue(convex.requests().get(0).body().contains("\"users:upsertFromClerk\""), "routed like the webhook");
            assertEquals(2, JSON.readTree(admin(management, "GET", "/dead-letters").body()).get("count").asInt(),
                    "the running instance sees the replayed one gone");
        } finally {
            convex.reset();
            runtime.destroy();
            assertTrue(runtime.waitFor(30, TimeUnit.SECONDS), "SIGTERM should stop the runtime");
        }

        Result replay = runToExit(env, "dead-letters", "replay", "--id", "2");
        assertEquals(0, replay.exitCode(), "a replay with the runtime stopped: " + replay.output());
        assertEquals(1, convex.requests().size(), replay.output());

        Result purgeAll = runToExit(env, "dead-letters", "purge");
        assertEquals(64, purgeAll.exitCode(), "purge without a filter needs --all: " + purgeAll.output());
        Result purge = runToExit(env, "dead-letters", "purge", "3");
        assertEquals(0, purge.exitCode(), purge.output());
        Result empty = runToExit(env, "dead-letters", "list");
        assertTrue(empty.output().contains("0 dead letter(s)"), empty.output());

        Result missing = runToExit(env, "dead-letters", "show", "42");
        assertEquals(1, missing.exitCode(), missing.output());
    }

    /**
     * Issue 21, finding 12: SIGTERM to {@code dead-letters replay} finishes the dead letter in flight, stops, and prints
     * what it did; nothing is left claimed, so the next replay delivers the rest at once (it took 95 s and printed
     * nothing, and the one in flight stayed claimed for 5 minutes).
     */
    @Test
    void sigtermStopsACliReplayAfterTheOneInFlightAndPrintsWhatItDid() throws Exception {
        Path data = work.resolve("replay-sigterm-data");
        io.clerkconvexsync.support.EmbeddedStore.prepare(data, pool -> { });
        Map<String, String> env = env(data, AvailablePortFinder.getNextAvailable(), AvailablePortFinder.getNextAvailable());
        Path backup = work.resolve("replay-sigterm.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var line = JSON.createObjectNode().put("svixId", "msg_sigterm_replay_" + i).put("type", "user.updated")
                    .put("function", "users:upsertFromClerk").put("errorKind", "function_error").put("httpStatus", 200)
                    .put("error", "refused").put("body", "{\"type\":\"user.updated\",\"object\":\"event\",\"data\":{\"id\":\"user_sig_" + i + "\"}}")
                    .put("attempts", 1).put("firstFailedAt", "2026-01-02T03:04:05Z").put("lastFailedAt", "2026-01-02T03:04:05Z");
            line.putObject("headers").put("svix-id", "msg_sigterm_replay_" + i);
            lines.add(line.toString());
        }
        Files.write(backup, lines);
        Result imported = runToExit(env, "dead-letters", "import", backup.toString());
        assertEquals(0, imported.exitCode(), imported.output());

        convex.reset();
        convex.fallback(Answer.slowSuccess(1500));
        Process replay = start(env, "replay-sigterm", "dead-letters", "replay");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (convex.requests().isEmpty() && replay.isAlive() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20); // polling interval for the first replay to be at Convex
        }
        assertEquals(1, convex.requests().size(), "the first replay is in flight: "
                + Files.readString(work.resolve("replay-sigterm.log")));
        long terminatedAt = System.nanoTime();
        replay.destroy(); // SIGTERM
        assertTrue(replay.waitFor(30, TimeUnit.SECONDS), "SIGTERM ends the replay promptly");
        long tookMs = (System.nanoTime() - terminatedAt) / 1_000_000;
        String output = Files.readString(work.resolve("replay-sigterm.log"));
        assertTrue(tookMs < 15_000, "stopped " + tookMs + " ms after SIGTERM: " + output);
        assertEquals(1, replay.exitValue(), "not all replayed: " + output);
        JsonNode result = json(output.substring(output.indexOf('{')));
        assertTrue(result.path("stopped").asBoolean(), output);
        int done = result.get("count").asInt();
        assertTrue(done >= 1 && done < 3, "the one in flight finished, the rest left: " + output);
        assertEquals(done, result.get("delivered").asInt(), output);
        assertEquals(done, convex.requests().size(), "each one sent was finished and is counted");

        convex.reset();
        Result rest = runToExit(env, "dead-letters", "replay");
        assertEquals(0, rest.exitCode(), "nothing left claimed: " + rest.output());
        assertEquals(3 - done, json(rest.output().substring(rest.output().indexOf('{'))).get("delivered").asInt(),
                rest.output());
    }

    /**
     * SIGTERM under concurrent load with a slow Convex: the webhooks in flight are finished and answered, the process
     * exits 0, everything answered 2xx reached Convex and is remembered, and whatever was not answered 2xx is still
     * retryable (nothing is remembered that Convex did not get). Runs with LOG_FORMAT=json: every log line is one
     * JSON object, and no email or name from the events is in it.
     */
    @Test
    void sigtermUnderLoadFinishesInFlightWebhooksAndExits0() throws Exception {
        Path data = work.resolve("sigterm-data");
        int port = AvailablePortFinder.getNextAvailable();
        int management = AvailablePortFinder.getNextAvailable();
        Map<String, String> env = env(data, port, management);
        env.put("LOG_FORMAT", "json");
        SignedWebhooks clerk = new SignedWebhooks("http://127.0.0.1:" + port + "/clerk-webhook", SECRET);
        convex.reset();
        convex.fallback(Answer.slowSuccess(1500));
        Process runtime = start(env, "sigterm-runtime");
        awaitHealthy(management);

        record Sent(String svixId, String userId, String body, int status, String outcome, long answeredAt) {
        }
        ExecutorService senders = Executors.newFixedThreadPool(16);
        List<Future<Sent>> sent = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            String userId = "user_sigterm_" + i;
            String body = "{\"type\":\"user.updated\",\"object\":\"event\",\"timestamp\":1716883200,\"data\":{\"id\":\""
                    + userId + "\",\"first_name\":\"Zoeprivatename\",\"email_addresses\":[{\"email_address\":\"zoe.private@mail.test\"}]}}";
            sent.add(senders.submit(() -> {
                String svixId = SignedWebhooks.newId();
                try {
                    HttpResponse<String> r = clerk.send(svixId, body);
                    String outcome = r.statusCode() < 300 ? JSON.readTree(r.body()).get("outcome").asText() : null;
                    return new Sent(svixId, userId, body, r.statusCode(), outcome, System.nanoTime());
                } catch (RuntimeException refusedOrReset) {
                    return new Sent(svixId, userId, body, -1, null, System.nanoTime());
                }
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (convex.requests().size() < 8 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20); // polling interval for the load to be in flight
        }
        assertTrue(convex.requests().size() >= 8, "the load should be in flight before SIGTERM");
        long terminatedAt = System.nanoTime();
        runtime.destroy(); // SIGTERM
        List<Sent> results = new ArrayList<>();
        for (Future<Sent> f : sent) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        senders.shutdown();
        assertTrue(runtime.waitFor(40, TimeUnit.SECONDS), "SIGTERM should stop the runtime");
        assertEquals(0, runtime.exitValue(), "a graceful stop exits 0");

        List<String> seenByConvex = convex.requests().stream().map(ConvexStandIn.Request::body).toList();
        List<Sent> acknowledged = results.stream().filter(r -> r.status() >= 200 && r.status() < 300).toList();
        assertTrue(acknowledged.stream().anyMatch(r -> r.answeredAt() > terminatedAt),
                "webhooks in flight at SIGTERM should still be answered 2xx: " + results);
        for (Sent r : acknowledged) {
            assertEquals("delivered", r.outcome(), r.toString());
            assertTrue(seenByConvex.stream().anyMatch(b -> b.contains("\"" + r.userId() + "\"")),
                    r.userId() + " was answered 2xx but never reached Convex");
        }

        convex.reset();
        Process second = start(env(data, port, management), "sigterm-second");
        try {
            awaitHealthy(management);
            for (Sent r : results) {
                HttpResponse<String> again = clerk.send(r.svixId(), r.body());
                assertEquals(200, again.statusCode(), again.body());
                String outcome = JSON.readTree(again.body()).get("outcome").asText();
                if (acknowledged.contains(r)) {
                    assertEquals("duplicate", outcome, r.userId() + " was acknowledged but forgotten");
                } else if ("duplicate".equals(outcome)) {
                    assertTrue(seenByConvex.stream().anyMatch(b -> b.contains("\"" + r.userId() + "\"")),
                            r.userId() + " is remembered as processed but never reached Convex: lost");
                }
            }
        } finally {
            second.destroy();
            assertTrue(second.waitFor(30, TimeUnit.SECONDS));
        }

        String log = Files.readString(work.resolve("sigterm-runtime.log"));
        for (String line : log.lines().filter(l -> !l.isBlank()).toList()) {
            assertTrue(JSON.readTree(line).isObject(), "LOG_FORMAT=json must give one JSON object per line: " + line);
        }
        assertTrue(log.contains("webhook svix_id=" + acknowledged.get(0).svixId()), "the per-webhook line is logged");
        assertFalse(log.contains("zoe.private@mail.test"), "no email in the logs");
        assertFalse(log.contains("Zoeprivatename"), "no name in the logs");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    record Result(int exitCode, String output) {
    }

    Map<String, String> env(Path data, int port, int management) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("CLERK_WEBHOOK_SECRET", SECRET);
        env.put("CONVEX_URL", convex.url());
        env.put("CONVEX_DEPLOY_KEY", DEPLOY_KEY);
        env.put("DATA_DIR", data.toAbsolutePath().toString());
        env.put("PORT", Integer.toString(port));
        env.put("MANAGEMENT_PORT", Integer.toString(management));
        return env;
    }

    /** The README's command (bin/clerk-convex-sync, on the Java running the tests) with exactly {@code env}. */
    Process start(Map<String, String> env, String name, String... args) throws Exception {
        return start(env, Path.of("").toAbsolutePath(), name, args);
    }

    /** The jar started with {@code directory} as its working directory. */
    Process start(Map<String, String> env, Path directory, String name, String... args) throws Exception {
        Path log = work.resolve(name + ".log");
        logs.add(log);
        return JarProcess.launcher(Path.of(System.getProperty("java.home")), env, List.of(), args)
                .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    Result runToExit(Map<String, String> env, String... args) throws Exception {
        Process process = start(env, "run-" + logs.size(), args);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the process should exit by itself");
        return new Result(process.exitValue(), Files.readString(logs.get(logs.size() - 1)));
    }

    /** The pretty-printed JSON a CLI command ends with, after whatever it logged. */
    static JsonNode json(String output) throws Exception {
        int start = output.startsWith("{") ? 0 : output.indexOf("\n{\n") + 1;
        return JSON.readTree(output.substring(start));
    }

    static HttpResponse<String> admin(int management, String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void awaitHealthy(int management) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management
                        + "/observe/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet: poll again
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval while the JVM starts, not a wait for a result
        }
        throw new AssertionError("the runtime did not become healthy within 60 s");
    }
}
