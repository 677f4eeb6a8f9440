package io.clerkconvexsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.EmbeddedStore;
import io.clerkconvexsync.support.JarProcess;
import io.clerkconvexsync.support.TestDatabase;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18, findings 2, 5 and 16, with the packaged jar in its own JVM under the README's heap (jvm.options: 80 MiB,
 * exit on OutOfMemoryError): 100,000 dead letters of ~2.5 KB each, seeded straight into the store, are listed and
 * exported by the CLI and paged through by the admin API, the export is imported into an empty store and purged from
 * it (issue 21, finding 8), on the embedded H2 and on PostgreSQL. Each command prints only its own output (no library log lines).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLettersAtScaleProcessIT {
    static final int COUNT = 100_000;
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String DEPLOY_KEY = "prod:happy-otter-123|a2lsbC05LWRlcGxveS1rZXk=";
    static final String TOKEN = "scale-admin-token-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    /** Lines a library logs on starting or stopping what a command opens (finding 16). */
    static final Pattern LIBRARY_LINE = Pattern.compile("(?m)^.*( INFO |org\\.flywaydb|com\\.zaxxer|org\\.apache\\.camel).*$");
    /** -Xlog:gc lines: heap in use before and after a collection, and its size. */
    static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    @TempDir
    Path work;
    ConvexStandIn convex;

    @BeforeAll
    void startConvex() throws Exception {
        assertTrue(Files.exists(JarProcess.JAR), "run through 'mvnw verify' so that the jar is built first");
        convex = new ConvexStandIn();
    }

    @AfterAll
    void stopConvex() {
        convex.close();
    }

    @Test
    void embeddedH2() throws Exception {
        Path data = work.resolve("h2-data");
        Path emptyData = work.resolve("h2-empty");
        EmbeddedStore.prepare(data, pool -> seed(pool, "h2"));
        EmbeddedStore.prepare(emptyData, pool -> { });
        exercise("h2", env(data), env(emptyData));
    }

    @Test
    void postgresql() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Engine.POSTGRESQL);
             TestDatabase empty = TestDatabase.create(TestDatabase.Engine.POSTGRESQL)) {
            seed(database.open(), "pg");
            empty.open();
            exercise("pg", postgresEnv(database), postgresEnv(empty));
        }
    }

    private void exercise(String name, Map<String, String> env, Map<String, String> emptyEnv) throws Exception {
        Run list = command(name + "-list", env, "dead-letters", "list");
        assertEquals(0, list.exitCode, "list: " + tail(list.output));
        List<String> lines = list.output.lines().toList();
        assertEquals(COUNT + 2, lines.size(), "header, every dead letter, count: " + tail(list.output));
        assertEquals(COUNT + " dead letter(s)", lines.get(lines.size() - 1));
        assertQuiet(list, "list");

        Path file = work.resolve(name + "-export.jsonl");
        Run export = command(name + "-export", env, "dead-letters", "export", "--output", file.toString());
        assertEquals(0, export.exitCode, "export: " + tail(export.output));
        assertEquals(COUNT + " dead letter(s) exported to " + file, export.output.strip(), "only its own line");
        long exported;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            exported = in.lines().count();
        }
        assertEquals(COUNT, exported, "one line per dead letter");

        Run imported = command(name + "-import", emptyEnv, "dead-letters", "import", file.toString());
        assertEquals(0, imported.exitCode, "import: " + tail(imported.output));
        assertEquals(COUNT + " dead letter(s) imported, 0 skipped (their svix-id was already stored)",
                imported.output.strip(), "only its own line");

        pageThroughTheAdminApi(name, env);

        // issue 21, finding 8: purge --all deletes in set-based pages and prints a summary, not every item
        long started = System.nanoTime();
        Run purge = command(name + "-purge", emptyEnv, "dead-letters", "purge", "--all");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, purge.exitCode, "purge: " + tail(purge.output));
        assertTrue(purge.output.length() < 200, "a summary, not every item: " + tail(purge.output));
        assertEquals(COUNT, JSON.readTree(purge.output).get("count").asLong(), purge.output);
        System.out.printf("%s purge --all of %d: %d ms%n", name, COUNT, tookMs);
        // 12 s on PostgreSQL and 17 s on H2 here, JVM start included, on a loaded machine
        assertTrue(tookMs < 45_000, "purge --all of " + COUNT + " took " + tookMs + " ms (it took 95 s item by item)");
        Run left = command(name + "-after-purge", emptyEnv, "dead-letters", "list");
        assertTrue(left.output.strip().endsWith("0 dead letter(s)"), tail(left.output));
    }

    /** The running instance under the README's heap: pages of 1,000 until the cursor ends; it stays up. */
    private void pageThroughTheAdminApi(String name, Map<String, String> env) throws Exception {
        Path gcLog = work.resolve(name + "-runtime-gc.log");
        Map<String, String> withPorts = withPorts(env);
        int management = Integer.parseInt(withPorts.get("MANAGEMENT_PORT"));
        try (JarProcess runtime = JarProcess.start(withPorts, work.resolve(name + "-runtime.log"),
                List.of("-Xlog:gc:file=" + gcLog))) {
            runtime.awaitHealthy(management, Duration.ofSeconds(60));
            HttpClient http = HttpClient.newHttpClient();
            long started = System.nanoTime();
            long seen = 0;
            long lastId = 0;
            String cursor = null;
            do {
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management
                                + "/dead-letters?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)))
                        .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode(), page.body());
                JsonNode answer = JSON.readTree(page.body());
                for (JsonNode item : answer.get("items")) {
                    assertTrue(item.get("id").asLong() > lastId, "in id order, none twice");
                    lastId = item.get("id").asLong();
                    seen++;
                }
                cursor = answer.get("nextCursor").isNull() ? null : answer.get("nextCursor").asText();
            } while (cursor != null);
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertEquals(COUNT, seen, "every dead letter, through pages");
            assertTrue(runtime.isAlive(), "the instance stays up");
            System.out.printf("%s admin API: %d dead letters in pages of 1000 in %d ms; %s%n", name, seen, tookMs,
                    heap(gcLog));
        }
    }

    /** Runs a command of the jar as the README does (java @jvm.options -jar …), with a GC log for its heap figures. */
    private Run command(String name, Map<String, String> env, String... args) throws Exception {
        Path gcLog = work.resolve(name + "-gc.log");
        long started = System.nanoTime();
        try (JarProcess p = JarProcess.start(env, work.resolve(name + ".log"), List.of("-Xlog:gc:file=" + gcLog), args)) {
            int exit = p.awaitExit(Duration.ofMinutes(5));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("%s: exit %d in %d ms; %s%n", name, exit, tookMs, heap(gcLog));
            return new Run(exit, p.output());
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static void assertQuiet(Run run, String what) {
        Matcher m = LIBRARY_LINE.matcher(run.output);
        assertFalse(m.find(), what + " printed a library's log line: " + (m.find(0) ? m.group() : ""));
    }

    /**
     * From a -Xlog:gc file: the most heap in use before a collection, the most left after a full collection (what
     * was really live: with the serial collector a young collection's "after" still counts old garbage), the heap.
     */
    private static String heap(Path gcLog) throws Exception {
        int most = 0;
        int live = -1;
        int size = 0;
        int collections = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC.matcher(line);
            if (m.find()) {
                most = Math.max(most, Integer.parseInt(m.group(1)));
                if (line.contains("Pause Full")) {
                    live = Math.max(live, Integer.parseInt(m.group(2)));
                }
                size = Math.max(size, Integer.parseInt(m.group(3)));
                collections++;
            }
        }
        return "heap at most " + most + " MiB in use of " + size + " MiB, " + (live < 0 ? "no full collection"
                : "at most " + live + " MiB live after a full collection") + " (" + collections + " collections)";
    }

    private static String tail(String output) {
        return output.length() <= 2000 ? output : "…" + output.substring(output.length() - 2000);
    }

    /** 100,000 dead letters with one history line each, in batches, as the dead-letter channel would have stored them. */
    private static void seed(HikariDataSource pool, String name) throws Exception {
        long started = System.nanoTime();
        String body = JSON.writeValueAsString(Map.of("type", "user.created", "object", "event",
                "data", Map.of("id", "user_x", "first_name", "Zoë", "padding", "p".repeat(2300))));
        Timestamp at = Timestamp.from(Instant.parse("2026-01-02T03:04:05Z"));
        try (Connection c = pool.getConnection();
             PreparedStatement row = c.prepareStatement("INSERT INTO clerk_dead_letter (svix_id, event_type,"
                     + " convex_function, error_kind, http_status, error, error_detail, body, headers, attempts,"
                     + " first_failed_at, last_failed_at) VALUES (?, 'user.created', 'users:upsertFromClerk',"
                     + " 'function_error', 200, 'Convex function users:upsertFromClerk failed (HTTP 200)',"
                     + " 'ArgumentValidationError', ?, ?, 1, ?, ?)");
             PreparedStatement history = c.prepareStatement("INSERT INTO clerk_dead_letter_failure (svix_id, failed_at,"
                     + " source, error_kind, http_status, error, attempts) VALUES (?, ?, 'webhook', 'function_error', 200,"
                     + " 'refused', 1)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < COUNT; i++) {
                String svixId = "msg_scale_" + i;
                row.setString(1, svixId);
                row.setString(2, body);
                row.setString(3, "{\"svix-id\":\"" + svixId + "\",\"svix-timestamp\":\"1767323045\"}");
                row.setTimestamp(4, at);
                row.setTimestamp(5, at);
                row.addBatch();
                history.setString(1, svixId);
                history.setTimestamp(2, at);
                history.addBatch();
                if (i % 1000 == 999) {
                    row.executeBatch();
                    history.executeBatch();
                    c.commit();
                }
            }
            row.executeBatch();
            history.executeBatch();
            c.commit();
        }
        System.out.printf("%s: seeded %d dead letters of %d characters in %d ms%n", name, COUNT, body.length(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private Map<String, String> env(Path data) {
        Map<String, String> env = new HashMap<>();
        env.put("CLERK_WEBHOOK_SECRET", SECRET);
        env.put("CONVEX_URL", convex.url());
        env.put("CONVEX_DEPLOY_KEY", DEPLOY_KEY);
        env.put("DATA_DIR", data.toAbsolutePath().toString());
        env.put("ADMIN_TOKEN", TOKEN);
        return env;
    }

    private Map<String, String> postgresEnv(TestDatabase database) {
        Map<String, String> env = env(work.resolve("unused-data"));
        env.put("STORAGE_JDBC_URL", database.url());
        env.put("STORAGE_USERNAME", TestDatabase.USER);
        return env;
    }

    private Map<String, String> withPorts(Map<String, String> env) {
        Map<String, String> withPorts = new HashMap<>(env);
        withPorts.put("PORT", Integer.toString(AvailablePortFinder.getNextAvailable()));
        withPorts.put("MANAGEMENT_PORT", Integer.toString(AvailablePortFinder.getNextAvailable()));
        return withPorts;
    }
}
