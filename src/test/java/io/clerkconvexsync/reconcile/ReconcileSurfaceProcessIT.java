package io.clerkconvexsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.support.ClerkStandIn;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.JarProcess;
import io.clerkconvexsync.support.JarRuntime;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar, as an operator runs it, where reconcile meets the outside: a Clerk answer far over
 * {@code reconcile.clerk-max-answer-bytes} under the shipped 80 MiB heap (which held it whole and died of
 * OutOfMemoryError before), and settings that used to pass validation and then fail startup with a stack trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcileSurfaceProcessIT {
    static final String KEY = "sk_test_surfaceKey0123456789abcdef";
    static final String TOKEN = "adm_surface0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();
    static final java.util.regex.Pattern LOG_LINE = java.util.regex.Pattern.compile("^\\[[^\\]]+\\] (INFO|WARN) ");

    ClerkStandIn clerk;
    ConvexStandIn convex;
    @TempDir
    Path work;

    @BeforeAll
    void standIns() throws Exception {
        clerk = new ClerkStandIn(KEY);
        convex = new ConvexStandIn();
    }

    @AfterAll
    void stop() {
        clerk.close();
        convex.close();
    }

    @Test
    void aFortyMegabyteClerkPageFailsThePassAndTheInstanceStaysUp() throws Exception {
        for (int i = 0; i < 10; i++) { // one page of 10 users of 4 MB each: 40 MB, as in the report
            ObjectNode user = ClerkStandIn.user("user_big" + i, "Big", 1_700_000_000_000L + i);
            user.with("public_metadata").put("blob", "x".repeat(4_000_000));
            clerk.put(user);
        }
        int management = AvailablePortFinder.getNextAvailable();
        Map<String, String> env = env();
        env.put("PORT", Integer.toString(AvailablePortFinder.getNextAvailable()));
        env.put("MANAGEMENT_PORT", Integer.toString(management));
        env.put("ADMIN_TOKEN", TOKEN);
        try (JarProcess runtime = JarProcess.start(env, work.resolve("runtime.log"), List.of())) {
            runtime.awaitHealthy(management, Duration.ofSeconds(90));
            HttpResponse<String> started = admin(management, "POST", "/reconcile");
            assertEquals(202, started.statusCode(), started.body());

            JsonNode pass = awaitDone(runtime, management);
            assertFalse(pass.get("complete").asBoolean(), pass.toString());
            assertTrue(pass.get("reason").asText().contains("larger than reconcile.clerk-max-answer-bytes (4194304 bytes)"),
                    "the reason names the bound: " + pass);
            assertEquals(1, clerk.requests().size(), "an answer too large is not asked for again: " + clerk.requests());
            assertTrue(runtime.isAlive(), "the instance survives: " + runtime.output());
            assertEquals(200, admin(management, "GET", "/observe/health").statusCode(), "and stays healthy");
            assertFalse(runtime.output().contains("OutOfMemoryError"), runtime.output());
        }
    }

    @Test
    void aScheduleThatNeverFiresOrWhiteSpaceExitsTwoWithOneLine() throws Exception {
        assertRefusedInOneLine(Map.of("RECONCILE_SCHEDULE", "0 0 3 31 2 ?"), "RECONCILE_SCHEDULE never fires");
        assertRefusedInOneLine(Map.of("RECONCILE_SCHEDULE", "   "), "RECONCILE_SCHEDULE is only white space");
    }

    @Test
    void urlsWithAFragmentOrQueryExitTwoWithOneLineEvenWithReconcileUnused() throws Exception {
        Map<String, String> noKey = new HashMap<>(Map.of("CLERK_API_URL", "https://api.clerk.com#"));
        assertRefusedInOneLine(noKey, "CLERK_API_URL must be http(s)://host[:port] alone");
        assertRefusedInOneLine(Map.of("CONVEX_URL", convex.url() + "?x=1"), "CONVEX_URL must be http(s)://host[:port] alone");
    }

    @Test
    void theCommandLineTakesKindsForOnePass() throws Exception {
        clerk.clear();
        clerk.addUsers("user_kinds", 3);
        Map<String, String> env = env();
        JarRuntime.Result run = JarRuntime.command(env, work.resolve("kinds.log"), "reconcile", "--kinds", "users", "--dry-run");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("\"clerkUsers\" : 3"), run.output());
        JarRuntime.Result bad = JarRuntime.command(env, work.resolve("bad-kinds.log"), "reconcile", "--kinds", "user");
        assertEquals(64, bad.exitCode(), bad.output());
        assertTrue(bad.output().startsWith("--kinds 'user' is not a comma-separated list"), bad.output());
    }

    private void assertRefusedInOneLine(Map<String, String> settings, String expected) throws Exception {
        Map<String, String> env = env();
        env.remove("CLERK_SECRET_KEY"); // reconcile unused: the URL is refused all the same
        if (settings.containsKey("RECONCILE_SCHEDULE")) {
            env.put("CLERK_SECRET_KEY", KEY);
        }
        env.putAll(settings);
        env.put("PORT", "0");
        env.put("MANAGEMENT_PORT", Integer.toString(AvailablePortFinder.getNextAvailable()));
        JarRuntime.Result result = JarRuntime.command(env, work.resolve("refused-" + System.nanoTime() + ".log"));
        assertEquals(2, result.exitCode(), "a malformed setting exits 2: " + result.output());
        // the startup's own INFO/WARN log lines aside, the refusal is one line: no stack trace, no ERROR
        List<String> lines = result.output().lines().filter(l -> !l.isBlank() && !LOG_LINE.matcher(l).find()).toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + result.output());
        assertFalse(result.output().contains("Exception"), result.output());
        assertTrue(lines.get(0).contains(expected), "names the setting: " + lines.get(0));
    }

    private JsonNode awaitDone(JarProcess runtime, int management) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && runtime.isAlive()) {
            JsonNode pass;
            try {
                pass = JSON.readTree(admin(management, "GET", "/reconcile").body());
            } catch (java.io.IOException e) {
                throw new AssertionError("the runtime stopped answering (alive: " + runtime.isAlive() + "): "
                        + runtime.output(), e);
            }
            if (!"running".equals(pass.path("state").asText())) {
                return pass;
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval of a condition wait under the deadline above
        }
        throw new AssertionError("the pass did not end within 60 s (alive: " + runtime.isAlive() + "): " + runtime.output());
    }

    private static HttpResponse<String> admin(int management, String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("CLERK_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        env.put("CONVEX_URL", convex.url());
        env.put("CONVEX_DEPLOY_KEY", "dev:surface-it|key");
        env.put("CLERK_SECRET_KEY", KEY);
        env.put("CLERK_API_URL", clerk.url());
        env.put("DATA_DIR", work.resolve("data").toString());
        return env;
    }
}
