package io.clerkconvexsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.ConvexStandIn.Answer;
import io.clerkconvexsync.support.JarRuntime;
import io.clerkconvexsync.support.SignedWebhooks;
import io.clerkconvexsync.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two jar processes sharing one PostgreSQL database (created for this class on the machine's server): duplicates,
 * dead letters and replay claims are shared, whichever instance a delivery or an operator reaches.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedPostgresProcessIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ADMIN_TOKEN = "shared-admin-token-0123456789";
    /** Ignored by the server's trust authentication, and so checked: it must never reach a log. */
    static final String DB_PASSWORD = "pg-password-never-logged-42";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    TestDatabase database;
    ConvexStandIn convex;
    JarRuntime a;
    JarRuntime b;

    @BeforeAll
    void startTwoInstances() throws Exception {
        assertTrue(Files.exists(JarRuntime.JAR), "run through 'mvnw verify' so that the jar is built first");
        database = TestDatabase.create(TestDatabase.Engine.POSTGRESQL);
        convex = new ConvexStandIn();
        a = new JarRuntime(env("a"), work.resolve("a.log"));
        b = new JarRuntime(env("b"), work.resolve("b.log"));
    }

    Map<String, String> env(String name) {
        Map<String, String> env = new HashMap<>();
        env.put("CLERK_WEBHOOK_SECRET", SECRET);
        env.put("CONVEX_URL", convex.url());
        env.put("DATA_DIR", work.resolve(name + "-data").toString());
        env.put("ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("STORAGE_JDBC_URL", database.url());
        env.put("STORAGE_USERNAME", TestDatabase.USER);
        env.put("STORAGE_PASSWORD", DB_PASSWORD);
        return env;
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, convex}) {
            if (c != null) {
                c.close();
            }
        }
        if (database != null) {
            database.close();
        }
        for (String name : List.of("a.log", "b.log", "cli-list.log")) {
            Path log = work.resolve(name);
            if (Files.exists(log)) {
                assertFalse(Files.readString(log).contains(DB_PASSWORD), name + " contains the database password");
            }
        }
    }

    @BeforeEach
    void convexAccepts() {
        convex.reset();
    }

    @Test
    void theSameSignedEventSentToBothIsDeliveredOnceAndADuplicateOnTheOther() throws Exception {
        String id = SignedWebhooks.newId();
        String body = SignedWebhooks.payload("user.created.json");
        assertEquals("delivered", outcome(a.clerk(SECRET).send(id, body).body()), "the first instance delivers it");
        assertEquals("duplicate", outcome(b.clerk(SECRET).send(id, body).body()), "the second knows it from the shared store");
        assertEquals(1, convex.requests().size(), "Convex is called once for the event");
    }

    @Test
    void aDeadLetterMadeOnOneIsListedAndReplayedOnTheOther() throws Exception {
        convex.fallback(Answer.functionError(200));
        String id = SignedWebhooks.newId();
        assertEquals("dead_lettered", outcome(a.clerk(SECRET).send(id, SignedWebhooks.payload("user.updated.json")).body()));
        long deadLetter = idOf(b, id);
        JarRuntime.Result listed = JarRuntime.command(env("cli"), work.resolve("cli-list.log"), "dead-letters", "list");
        assertEquals(0, listed.exitCode(), listed.output());
        assertTrue(listed.output().contains(id), "the CLI on the shared store lists it too: " + listed.output());

        convex.reset();
        JsonNode replay = JSON.readTree(b.management("POST", "/dead-letters/" + deadLetter + "/replay", ADMIN_TOKEN).body());
        assertEquals(1, replay.get("delivered").asInt(), "replayed from the other instance: " + replay);
        assertEquals(1, convex.requests().size(), "Convex got it once");
        assertEquals(-1, idOf(a, id), "gone on the instance that made it");
    }

    @Test
    void concurrentReplaysFromBothInstancesSendEachDeadLetterOnce() throws Exception {
        convex.fallback(Answer.functionError(200));
        int events = 8;
        for (int i = 0; i < events; i++) {
            JarRuntime to = i % 2 == 0 ? a : b;
            assertEquals("dead_lettered", outcome(to.clerk(SECRET).send(SignedWebhooks.newId(),
                    SignedWebhooks.payload("user.created.json")).body()));
        }
        convex.reset();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<JsonNode>> replays = new ArrayList<>();
            for (JarRuntime instance : List.of(a, b)) {
                replays.add(pool.submit(() -> replayJob(instance)));
            }
            int delivered = 0;
            for (Future<JsonNode> replay : replays) {
                delivered += replay.get(60, TimeUnit.SECONDS).get("delivered").asInt();
            }
            assertEquals(events, delivered, "between them the two replays deliver every dead letter");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(events, convex.requests().size(), "and Convex gets each exactly once");
        assertEquals(0, list(a).get("count").asInt(), "none is left");
    }

    /** Starts a replay of all on the instance (202 with a job) and polls the job until it has ended. */
    private static JsonNode replayJob(JarRuntime instance) throws Exception {
        var accepted = instance.management("POST", "/dead-letters/replay", ADMIN_TOKEN);
        assertEquals(202, accepted.statusCode(), accepted.body());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode job = JSON.readTree(instance.management("GET", "/dead-letters/replay", ADMIN_TOKEN).body());
            if (!"running".equals(job.get("state").asText())) {
                return job;
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling interval, not a wait for a result
        }
        throw new AssertionError("the replay job did not end within 60 s");
    }

    private JsonNode list(JarRuntime instance) throws Exception {
        return JSON.readTree(instance.management("GET", "/dead-letters", ADMIN_TOKEN).body());
    }

    /** The store's id of the dead letter with this svix-id, as the instance lists it; -1 when not listed. */
    private long idOf(JarRuntime instance, String svixId) throws Exception {
        for (JsonNode item : list(instance).get("items")) {
            if (svixId.equals(item.get("svixId").asText())) {
                return item.get("id").asLong();
            }
        }
        return -1;
    }

    static String outcome(String body) throws Exception {
        return JSON.readTree(body).get("outcome").asText();
    }
}
