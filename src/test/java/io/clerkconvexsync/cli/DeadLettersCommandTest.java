package io.clerkconvexsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.JdbcDeadLetterStore;
import io.clerkconvexsync.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    /** Issue 21, finding 8: purge --all prints a summary, deletes page by page, and lists items only when asked. */
    @Test
    void purgeAllOfManyPrintsASummaryAndItemsOnlyWhenAsked() throws Exception {
        int many = 20_000;
        try (java.sql.Connection c = database.open().getConnection();
             java.sql.PreparedStatement row = c.prepareStatement("INSERT INTO clerk_dead_letter (svix_id, event_type,"
                     + " convex_function, error_kind, http_status, error, body, headers, attempts, first_failed_at,"
                     + " last_failed_at) VALUES (?, 'user.created', 'users:upsertFromClerk', 'function_error', 200, 'x', ?,"
                     + " '{}', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
             java.sql.PreparedStatement history = c.prepareStatement("INSERT INTO clerk_dead_letter_failure (svix_id,"
                     + " failed_at, source, error_kind, http_status, error, attempts) VALUES (?, CURRENT_TIMESTAMP,"
                     + " 'webhook', 'function_error', 200, 'x', 1)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < many; i++) {
                row.setString(1, "msg_many_" + i);
                row.setString(2, BODY);
                row.addBatch();
                history.setString(1, "msg_many_" + i);
                history.addBatch();
            }
            row.executeBatch();
            history.executeBatch();
            c.commit();
        }
        long started = System.nanoTime();
        assertEquals(0, run("dead-letters", "purge", "--all"), err.toString());
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("purge --all of %d: %d ms%n", many, tookMs);
        assertEquals(many, new ObjectMapper().readTree(out()).get("count").asInt(), out());
        assertFalse(out().contains("msg_many_"), "a summary, not every item: " + out().length() + " characters");
        assertEquals(0, store.count());
        try (java.sql.Connection c = database.open().getConnection();
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM clerk_dead_letter_failure")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "their histories are gone too");
        }

        storeOne("msg_listed");
        out.reset();
        assertEquals(0, run("dead-letters", "purge", "--all", "--items"), err.toString());
        assertTrue(out().contains("\"svixId\" : \"msg_listed\"") || out().contains("\"svixId\":\"msg_listed\""), out());
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

    @Test
    void listAndShowEscapeControlCharactersOfStoredFields() throws Exception {
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        String hostile = "refused\u001b[2J\u001b]0;owned\u0007\nfake line\u009b31m\u2028";
        long id = store.record(new DeadLetter(0, "msg_\u001b[31mred", "user.created\r\u001b[1A", "users:upsertFromClerk",
                "function_error", 200, hostile, "detail\u001b[0m", "{\"name\":\"\u001b[5mZo\u00eb\"}", Map.of(), 1, at, at));

        assertEquals(0, run("dead-letters", "list"), err.toString());
        assertNoRawControls(out());
        assertTrue(out().contains("refused\\u001b[2J"), "escaped, still readable: " + out());
        assertTrue(out().contains("\\nfake line"), out());
        assertEquals(3, out().lines().count(), "header, one dead letter, count: a newline in a field adds no line");
        assertEquals(8, out().lines().toList().get(1).split("\t").length, "a tab in a field adds no column: " + out());
        out.reset();

        assertEquals(0, run("dead-letters", "show", Long.toString(id)), err.toString());
        assertNoRawControls(out());
        JsonNode shown = new ObjectMapper().readTree(out());
        assertEquals(hostile, shown.get("error").asText(), "the JSON still reads back to the stored value");
        assertTrue(out().contains("Zo\u00eb"), "other characters print as they are: " + out());
    }

    /** Every family's types, those of roles, billing and invitations included. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"organization.created,organizations:upsertFromClerk", "role.deleted,roles:deleteFromClerk",
            "permission.deleted,roles:removePermissionFromClerk", "subscription.pastDue,subscriptions:upsertFromClerk",
            "subscriptionItem.freeTrialEnding,subscriptionItems:upsertFromClerk",
            "organizationInvitation.revoked,invitations:upsertFromClerk"})
    void listFiltersByType(String type, String function) throws Exception {
        storeOne("msg_created");
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        store.record(new DeadLetter(0, "msg_family", type, function, "function_missing",
                200, "Convex has no function " + function, null, "{}", Map.of(), 1, at, at));
        assertEquals(0, run("dead-letters", "list", "--type", type), err.toString());
        assertTrue(out().contains("msg_family") && !out().contains("msg_created"), out());
        assertTrue(out().contains("1 dead letter(s)"), out());
    }

    private static void assertNoRawControls(String printed) {
        printed.codePoints().filter(c -> c != '\n' && c != '\t' && (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028))
                .findFirst().ifPresent(c -> {
                    throw new AssertionError("raw control character U+" + Integer.toHexString(c) + " printed: " + printed);
                });
    }
}
