package io.clerkconvexsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.JdbcDeadLetterStore;
import io.clerkconvexsync.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLettersCommandTest {

    static final String BODY = "{\"type\":\"user.created\",\"data\":{\"id\":\"user_1\",\"first_name\":null,\"name\":\"Zoë\"}}";

    final TestDatabase database = TestDatabase.create(TestDatabase.Engine.H2);
    final JdbcDeadLetterStore store = new JdbcDeadLetterStore(database.open());
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    private long storeOne(String svixId) {
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        return store.record(new DeadLetter(0, svixId, "user.created", "users:upsertFromClerk", "function_error", 200,
                "Convex function users:upsertFromClerk failed (HTTP 200)", "ArgumentValidationError: first_name", BODY,
                Map.of("svix-id", svixId, "svix-timestamp", "1767323045", "svix-signature", "v1,c2lnbmF0dXJl"), 1, at, at));
    }

    private int run(String... args) throws Exception {
        return DeadLettersCommand.run(args, store, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsEveryDeadLetterWithItsError() throws Exception {
        long first = storeOne("msg_first");
        long second = storeOne("msg_second");
        assertEquals(0, run("dead-letters", "list"), err.toString());
        String listed = out();
        assertTrue(listed.contains(first + "\t2026-01-02T03:04:05Z\tuser.created\tfunction_error\t200\t1\tmsg_first"), listed);
        assertTrue(listed.contains(second + "\t"), listed);
        assertTrue(listed.contains("2 dead letter(s)"), listed);
    }

    @Test
    void showsOneWithItsBodyAsReceivedAndNoSignature() throws Exception {
        long id = storeOne("msg_show");
        assertEquals(0, run("dead-letters", "show", Long.toString(id)), err.toString());
        JsonNode shown = new ObjectMapper().readTree(out());
        assertEquals(BODY, shown.get("body").asText(), "the body must be shown exactly as received");
        assertEquals("msg_show", shown.get("svixId").asText());
        assertEquals("ArgumentValidationError: first_name", shown.get("errorDetail").asText());
        assertFalse(out().contains("c2lnbmF0dXJl"), "a signature must never be printed: " + out());
        assertFalse(shown.get("headers").has("svix-signature"), "no signature header: " + out());
    }

    @Test
    void answersAnUnknownIdWithExitCode1() throws Exception {
        assertEquals(1, run("dead-letters", "show", "999"), "an unknown id is an error");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("No dead letter #999"));
    }

    @Test
    void rejectsBadUsage() throws Exception {
        assertEquals(64, run("dead-letters", "show", "abc"));
        assertEquals(64, run("dead-letters", "frobnicate"));
    }

    @Test
    void listsWithFiltersAndPurgesOnlyWhatIsNamed() throws Exception {
        long first = storeOne("msg_keep");
        long second = storeOne("msg_purge");
        assertEquals(0, run("dead-letters", "list", "--type", "user.deleted"), err.toString());
        assertTrue(out().contains("0 dead letter(s)"), out());
        assertEquals(64, run("dead-letters", "purge"), "purging everything needs --all");
        assertEquals(64, run("dead-letters", "list", "--since", "yesterday"), "a malformed instant is bad usage");
        assertEquals(0, run("dead-letters", "purge", "#" + second), err.toString());
        assertEquals(1, run("dead-letters", "purge", Long.toString(second)), "already gone");
        assertEquals(1, store.count(), "only the named one is purged");
        assertTrue(store.find(first).isPresent());
        assertEquals(0, run("dead-letters", "purge", "--all"));
        assertEquals(0, store.count());
    }

    @Test
    void showsTheErrorHistory() throws Exception {
        long id = storeOne("msg_history");
        storeOne("msg_history"); // a replay Convex refused again
        assertEquals(0, run("dead-letters", "show", Long.toString(id)), err.toString());
        JsonNode shown = new ObjectMapper().readTree(out());
        assertEquals(2, shown.get("attempts").asInt(), out());
        assertEquals(2, shown.get("history").size(), out());
        assertEquals("webhook", shown.get("history").get(0).get("source").asText());
        assertEquals("replay", shown.get("history").get(1).get("source").asText());
    }
}
