package io.clerkconvexsync.admin;

import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.DeadLetterFailure;
import io.clerkconvexsync.store.JdbcDeadLetterStore;
import io.clerkconvexsync.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Export from an embedded H2 store, import into a PostgreSQL one: the move the README describes. */
class DeadLetterTransferTest {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    final TestDatabase h2 = TestDatabase.create(TestDatabase.Engine.H2);
    TestDatabase target;

    @AfterEach
    void close() {
        h2.close();
        if (target != null) {
            target.close();
        }
    }

    @Test
    void exportedDeadLettersImportIntoPostgresqlWithTheirHistoryAndOnlyOnce() throws Exception {
        JdbcDeadLetterStore source = new JdbcDeadLetterStore(h2.open());
        long first = source.record(new DeadLetter(0, "msg_1", "user.created", "users:upsertFromClerk", "function_error",
                200, "refused", "ArgumentValidationError: \"first_name\"\nline two", "{\"name\":\"Zoë\"}",
                Map.of("svix-id", "msg_1", "svix-timestamp", "1767323045"), 4, T0, T0));
        source.noteFailedReplay(first, new DeadLetterFailure(T0.plusSeconds(60), "replay", "transient_error", 503, "down", 2));
        source.record(new DeadLetter(0, "msg_2", "user.deleted", "users:deleteFromClerk", "rejected", 400, "bad",
                null, "{}", Map.of(), 1, T0.plusSeconds(5), T0.plusSeconds(5)));

        ByteArrayOutputStream exported = new ByteArrayOutputStream();
        assertEquals(2, new DeadLetterTransfer(source).exportTo(new PrintWriter(exported, true, StandardCharsets.UTF_8)));
        String lines = exported.toString(StandardCharsets.UTF_8);
        assertEquals(2, lines.lines().count(), "one line per dead letter");

        target = TestDatabase.create(TestDatabase.Engine.POSTGRESQL);
        JdbcDeadLetterStore into = new JdbcDeadLetterStore(target.open());
        assertEquals(new DeadLetterTransfer.ImportResult(2, 0), new DeadLetterTransfer(into).importFrom(reader(lines)));
        assertEquals(new DeadLetterTransfer.ImportResult(0, 2), new DeadLetterTransfer(into).importFrom(reader(lines)),
                "importing the same file again stores nothing twice");

        for (DeadLetter was : source.list()) {
            DeadLetter is = into.list().stream().filter(d -> d.svixId().equals(was.svixId())).findFirst().orElseThrow();
            assertEquals(List.of(was.eventType(), was.function(), was.errorKind(), was.httpStatus(), was.error(),
                            String.valueOf(was.errorDetail()), was.body(), was.headers(), was.attempts(), was.firstFailedAt(),
                            was.lastFailedAt()),
                    List.of(is.eventType(), is.function(), is.errorKind(), is.httpStatus(), is.error(),
                            String.valueOf(is.errorDetail()), is.body(), is.headers(), is.attempts(), is.firstFailedAt(),
                            is.lastFailedAt()), "dead letter " + was.svixId() + " arrives as it left");
            assertEquals(source.history(was.id()), into.history(is.id()), "with its history");
        }
    }

    @Test
    void aMalformedLineIsNamedAndNothingIsImported() throws Exception {
        JdbcDeadLetterStore into = new JdbcDeadLetterStore(h2.open());
        String good = DeadLetterAdmin.full(new DeadLetter(0, "msg_ok", "user.created", null, "rejected", 400, "bad",
                null, "{}", Map.of(), 1, T0, T0), List.of()).toString();
        String input = good + "\n\n{\"svixId\":\"msg_x\",\"type\":\"user.created\",\"secret\":\"whsec_do_not_echo\"}\n";
        var e = assertThrows(DeadLetterTransfer.MalformedLineException.class,
                () -> new DeadLetterTransfer(into).importFrom(reader(input)));
        assertTrue(e.getMessage().startsWith("line 3: "), e.getMessage());
        assertFalse(e.getMessage().contains("whsec_"), "the line's content is not echoed: " + e.getMessage());
        assertEquals(0, into.count(), "a file with a bad line imports nothing");

        var notJson = assertThrows(DeadLetterTransfer.MalformedLineException.class,
                () -> new DeadLetterTransfer(into).importFrom(reader("{not json")));
        assertEquals("line 1: not JSON", notJson.getMessage());
    }

    private static BufferedReader reader(String text) {
        return new BufferedReader(new StringReader(text));
    }
}
