package io.clerkconvexsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.JdbcDeadLetterStore;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.EmbeddedStore;
import io.clerkconvexsync.support.JarProcess;
import io.clerkconvexsync.support.SignedWebhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18, finding 16: a CLI command prints its own output and real warnings only, not the INFO lines of Camel,
 * HikariCP and Flyway starting and stopping, nor Flyway's warning about the H2 version.
 */
class QuietCommandsProcessIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void replayAndListPrintTheirOwnOutputAndRealWarningsOnly() throws Exception {
        Path data = work.resolve("data");
        seedOne(data);
        try (ConvexStandIn convex = new ConvexStandIn()) {
            Map<String, String> env = Map.of("CLERK_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                    "CONVEX_URL", convex.url(), "CONVEX_DEPLOY_KEY", "prod:happy-otter-123|a2lsbC05LWRlcGxveS1rZXk=",
                    "DATA_DIR", data.toString());

            String replayed = run(env, "replay", "dead-letters", "replay");
            JsonNode result = JSON.readTree(replayed); // the whole output is the command's JSON: nothing else printed
            assertEquals(1, result.get("delivered").asInt(), replayed);
            assertEquals(1, convex.requests().size(), "the replay reached Convex");

            // a real warning still shows: DATA_DIR opened up to others
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
            String listed = run(env, "list", "dead-letters", "list");
            List<String> lines = listed.lines().toList();
            assertEquals(3, lines.size(), "the warning, the header, the count: " + listed);
            assertTrue(lines.get(0).startsWith("[main] WARN io.clerkconvexsync.store.StoreDatabase - DATA_DIR ")
                    && lines.get(0).contains("is open to other users (mode rwxr-xr-x)"), listed);
            assertTrue(lines.get(1).startsWith("id\t"), listed);
            assertEquals("0 dead letter(s)", lines.get(2), listed);
        }
    }

    private String run(Map<String, String> env, String name, String... args) throws Exception {
        try (JarProcess p = JarProcess.start(env, work.resolve(name + ".log"), List.of(), args)) {
            int exit = p.awaitExit(Duration.ofSeconds(90));
            assertEquals(0, exit, name + ": " + p.output());
            return p.output();
        }
    }

    private static void seedOne(Path data) throws Exception {
        EmbeddedStore.prepare(data, pool -> {
            Instant at = Instant.parse("2026-01-02T03:04:05Z");
            String svixId = SignedWebhooks.newId();
            new JdbcDeadLetterStore(pool).record(new DeadLetter(0, svixId, "user.created", "users:upsertFromClerk",
                    "function_error", 200, "refused", null, SignedWebhooks.payload("user.created.json"),
                    Map.of("svix-id", svixId), 1, at, at));
        });
    }
}
