package io.clerkconvexsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.store.H2Credentials;
import io.clerkconvexsync.store.JdbcLeaseStore;
import io.clerkconvexsync.support.ClerkStandIn;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.ConvexTable;
import io.clerkconvexsync.support.JarProcess;
import org.apache.camel.test.AvailablePortFinder;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar clerk-convex-sync.jar reconcile} as an operator runs it, against the Clerk and Convex stand-ins:
 * progress on standard error, one JSON summary on standard output, and its exit codes (0 complete, 1 not complete,
 * 2 configuration, 64 usage). The Clerk secret key is printed nowhere. And the runtime itself where reconcile meets
 * the outside: a Clerk answer far over {@code reconcile.clerk-max-answer-bytes} under the shipped 80 MiB heap, and
 * schedules and URLs refused at startup in one line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcileProcessIT {
    static final Path JAR = Path.of("target/clerk-convex-sync.jar");
    static final String KEY = "sk_test_processKey0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "adm_processIt0123456789abcdef";
    static final Pattern LOG_LINE = Pattern.compile("^\\[[^\\]]+\\] (INFO|WARN) ");

    ClerkStandIn clerk;
    ConvexStandIn convex;
    ConvexTable table;
    @TempDir
    Path work;

    record Run(int exitCode, String stdout, String stderr) {
    }

    @BeforeAll
    void standIns() throws Exception {
        assertTrue(Files.exists(JAR), "run through 'mvnw verify' so that the jar is built first");
        clerk = new ClerkStandIn(KEY);
        convex = new ConvexStandIn();
    }

    @BeforeEach
    void empty() {
        convex.reset();
        table = convex.keepUsers();
        clerk.clear();
    }

    @AfterAll
    void stop() {
        clerk.close();
        convex.close();
    }

    @Test
    void completePassPrintsProgressOnStandardErrorAndTheSummaryOnStandardOutput() throws Exception {
        clerk.addUsers("user_cli", 7);
        Run run = reconcile(env(), "reconcile");
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode summary = JSON.readTree(run.stdout());
        assertTrue(summary.get("complete").asBoolean(), run.stdout());
        assertEquals(7, summary.get("users").get("listed").asInt(), run.stdout());
        assertEquals(7, summary.get("users").get("upserted").get("inserted").asInt(), run.stdout());
        assertEquals(0, summary.get("users").get("deleted").asInt(), run.stdout());
        assertEquals(0, summary.get("users").get("kept").asInt(), run.stdout());
        assertTrue(run.stderr().contains("reconcile: users: 7 listed by Clerk in 1 pages"), "progress on standard error: " + run.stderr());
        assertEquals(Set.copyOf(clerk.ids()), Set.copyOf(table.ids()), "Convex holds Clerk's users");
        assertFalse(run.stdout().contains(KEY) || run.stderr().contains(KEY), "the secret key is printed nowhere");
    }

    @Test
    void wrongKeySafetyExitsOneNamingTheLimitAndTheOverride() throws Exception {
        clerk.addUsers("user_dev", 1);
        for (int i = 0; i < 20; i++) {
            table.put(ClerkStandIn.user("user_prod" + i, "Prod", 5));
        }
        Run run = reconcile(env(), "reconcile");
        assertEquals(1, run.exitCode(), run.stderr());
        assertFalse(JSON.readTree(run.stdout()).get("complete").asBoolean(), run.stdout());
        assertTrue(run.stderr().contains("reconcile.max-delete-fraction") && run.stderr().contains("--allow-mass-delete"),
                "says which limit and how to override it: " + run.stderr());
        assertEquals(21, table.ids().size(), "nothing deleted");

        Run dry = reconcile(env(), "reconcile", "--dry-run", "--allow-mass-delete");
        assertEquals(0, dry.exitCode(), dry.stderr());
        assertEquals(20, JSON.readTree(dry.stdout()).get("users").get("wouldDelete").asInt(), dry.stdout());
        assertEquals(21, table.ids().size(), "a dry run deletes nothing either");
    }

    @Test
    void exitsOneWhileAnotherPassHoldsTheLock() throws Exception {
        Map<String, String> env = env();
        assertEquals(0, reconcile(env, "reconcile", "--no-delete").exitCode(), "a first run sets the database up");
        // the runtime's database in DATA_DIR, reached like a second instance would (H2 AUTO_SERVER)
        Path dataDir = Path.of(env.get("DATA_DIR")).toAbsolutePath();
        String url = "jdbc:h2:file:" + dataDir.resolve("clerk-convex-sync") + ";AUTO_SERVER=TRUE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, H2Credentials.USER,
                Files.readString(dataDir.resolve(H2Credentials.PASSWORD_FILE)).trim());
        try {
            assertTrue(new JdbcLeaseStore(pool).acquire(Reconciler.LEASE, "rec_elsewhere@host/1", Instant.now(),
                    Duration.ofMinutes(5)));
        } finally {
            pool.dispose();
        }
        Run run = reconcile(env, "reconcile");
        assertEquals(1, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("another reconcile pass holds the lock (rec_elsewhere@host/1"), run.stderr());
    }

    /** #21: a deletion the app's hook refused ended the pass, and Camel's ERROR line and message history reached stderr. */
    @Test
    void aRefusedDeletionIsReportedAndNoLibraryErrorLineReachesTheOutput() throws Exception {
        clerk.addUsers("user_hook", 12).forEach(table::put); // 1 gone of 13: within reconcile.max-delete-fraction
        table.put(ClerkStandIn.user("user_gone", "Gone", 5));
        table.refuseDeletion("user_gone", "user.deleted", "the account still owns a workspace");
        Run run = reconcile(env(), "reconcile");
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        JsonNode refused = JSON.readTree(run.stdout()).get("users").get("refusedItems").get(0);
        assertEquals("user_gone", refused.get("id").asText(), run.stdout());
        assertEquals("user.deleted", refused.get("hook").asText(), run.stdout());
        for (String line : run.stderr().lines().toList()) {
            assertFalse(line.contains(" ERROR ") || line.contains("Message History") || line.contains("Stacktrace")
                    || line.startsWith("\tat "), "no library error line or stack trace: " + run.stderr());
        }
        assertFalse(run.stderr().contains("the account still owns a workspace"), "Convex's message stays out of the log");
    }

    /** #21: a dry run writes nothing, yet it created ./data (DATA_DIR) and a database there. */
    @Test
    void aDryRunCreatesNoDataDirectory() throws Exception {
        clerk.addUsers("user_dry", 2);
        Map<String, String> env = env();
        Path dataDir = Path.of(env.get("DATA_DIR"));
        Run dry = reconcile(env, "reconcile", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.stderr());
        assertEquals(2, JSON.readTree(dry.stdout()).get("users").get("wouldUpsert").asInt(), dry.stdout());
        assertFalse(Files.exists(dataDir), "DATA_DIR " + dataDir + " created by a dry run");

        env.remove("DATA_DIR"); // the default, ./data, in the directory the command runs in
        Run here = reconcile(env, work, "reconcile", "--dry-run");
        assertEquals(0, here.exitCode(), here.stderr());
        assertFalse(Files.exists(work.resolve("data")), "./data created by a dry run");

        assertEquals(0, reconcile(env(), "reconcile").exitCode(), "a real pass");
        assertTrue(Files.exists(dataDir), "a real pass keeps its lock in DATA_DIR's database");
        Run again = reconcile(env(), "reconcile", "--dry-run");
        assertEquals(0, again.exitCode(), again.stderr());
    }

    @Test
    void configurationErrorsExitTwoAndBadUsageSixtyFour() throws Exception {
        Map<String, String> noKey = env();
        noKey.remove("CLERK_SECRET_KEY");
        Run missing = reconcile(noKey, "reconcile");
        assertEquals(2, missing.exitCode(), missing.stderr());
        assertTrue(missing.stderr().contains("Invalid configuration: CLERK_SECRET_KEY is not set"), missing.stderr());

        Run usage = reconcile(env(), "reconcile", "--delete-everything");
        assertEquals(64, usage.exitCode(), usage.stderr());
        assertTrue(usage.stderr().contains("--delete-everything") && usage.stderr().contains("reconcile --help"),
                "names the bad option and where help is: " + usage.stderr());
        assertTrue(clerk.requests().isEmpty(), "neither reached Clerk");
    }

    @Test
    void aBadKindsIsBadUsageAndGoodKindsRunThatPass() throws Exception {
        clerk.addUsers("user_kinds", 3);
        Run run = reconcile(env(), "reconcile", "--kinds", "users,organizations", "--dry-run");
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode summary = JSON.readTree(run.stdout());
        assertEquals("organizations,users", summary.get("kinds").asText(), "the kinds asked for, in pass order: " + run.stdout());
        assertEquals(3, summary.get("users").get("listed").asInt(), run.stdout());
        assertTrue(summary.get("memberships") == null, "and no other: " + run.stdout());
        Run bad = reconcile(env(), "reconcile", "--kinds", "user");
        assertEquals(64, bad.exitCode(), bad.stderr());
        assertTrue(bad.stderr().startsWith("--kinds 'user' is not a comma-separated list"), bad.stderr());
    }

    /** The shipped 80 MiB heap held a 40 MB page whole and died of OutOfMemoryError (ExitOnOutOfMemoryError). */
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
        assertRefusedInOneLine(Map.of("CLERK_API_URL", "https://api.clerk.com#"), "CLERK_API_URL must be http(s)://host[:port] alone");
        assertRefusedInOneLine(Map.of("CONVEX_URL", convex.url() + "?x=1"), "CONVEX_URL must be http(s)://host[:port] alone");
    }

    /** The runtime started with {@code settings}: exit 2, and besides its startup's INFO/WARN lines one line, no trace. */
    private void assertRefusedInOneLine(Map<String, String> settings, String expected) throws Exception {
        Map<String, String> env = env();
        if (!settings.containsKey("RECONCILE_SCHEDULE")) {
            env.remove("CLERK_SECRET_KEY"); // reconcile unused: the URL is refused all the same
        }
        env.putAll(settings);
        env.put("PORT", "0");
        env.put("MANAGEMENT_PORT", Integer.toString(AvailablePortFinder.getNextAvailable()));
        Run run = reconcile(env);
        String output = run.stdout() + run.stderr();
        assertEquals(2, run.exitCode(), "a malformed setting exits 2: " + output);
        List<String> lines = output.lines().filter(l -> !l.isBlank() && !LOG_LINE.matcher(l).find()).toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + output);
        assertTrue(lines.get(0).contains(expected), "names the setting: " + lines.get(0));
        assertFalse(output.contains("Exception"), output);
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
        env.put("PATH", System.getenv("PATH"));
        env.put("CLERK_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        env.put("CONVEX_URL", convex.url());
        env.put("CONVEX_DEPLOY_KEY", "dev:process-it|key");
        env.put("CLERK_SECRET_KEY", KEY);
        env.put("CLERK_API_URL", clerk.url());
        env.put("DATA_DIR", work.resolve("data").toString());
        return env;
    }

    private Run reconcile(Map<String, String> env, String... args) throws Exception {
        return reconcile(env, null, args);
    }

    /** The command run in {@code directory} (null: this one), as the README starts it (bin/clerk-convex-sync): a plain
     * java -jar on Java 25 adds Netty's Unsafe warning. */
    private Run reconcile(Map<String, String> env, Path directory, String... args) throws Exception {
        Path out = Files.createTempFile(work, "stdout", ".txt");
        Path err = Files.createTempFile(work, "stderr", ".txt");
        ProcessBuilder builder = JarProcess.launcher(Path.of(System.getProperty("java.home")), env, List.of(), args)
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("reconcile did not exit within 60 s: " + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
