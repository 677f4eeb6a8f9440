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
                Map.of("svix-id", "msg_1", "svix-timestamp", "1767323045"), 4, T0, T0,
                "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")); // traced (issue 26); msg_2 was not
        source.noteFailedReplay(first, new DeadLetterFailure(T0.plusSeconds(60), "replay", "transient_error", 503, "down", 2));
        source.record(new DeadLetter(0, "msg_2", "user.deleted", "users:deleteFromClerk", "rejected", 400, "bad",
                null, "{}", Map.of(), 1, T0.plusSeconds(5), T0.plusSeconds(5)));

        ByteArrayOutputStream exported = new ByteArrayOutputStream();
        assertEquals(2, new DeadLetterTransfer(source).exportTo(new PrintWriter(exported, true, StandardCharsets.UTF_8)));
        String lines = exported.toString(StandardCharsets.UTF_8);
        assertEquals(2, lines.lines().count(), "one line per dead letter");
        assertTrue(lines.contains("\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\""), lines);
        assertEquals(1, lines.lines().filter(l -> l.contains("traceId")).count(), "an untraced one has no traceId: " + lines);

        target = TestDatabase.create(TestDatabase.Engine.POSTGRESQL);
        JdbcDeadLetterStore into = new JdbcDeadLetterStore(target.open());
        assertEquals(new DeadLetterTransfer.ImportResult(2, 0), new DeadLetterTransfer(into).importFrom(reader(lines)));
        assertEquals(new DeadLetterTransfer.ImportResult(0, 2), new DeadLetterTransfer(into).importFrom(reader(lines)),
                "importing the same file again stores nothing twice");

        for (DeadLetter was : source.list()) {
            DeadLetter is = into.list().stream().filter(d -> d.svixId().equals(was.svixId())).findFirst().orElseThrow();
            assertEquals(List.of(was.eventType(), was.function(), was.errorKind(), was.httpStatus(), was.error(),
                            String.valueOf(was.errorDetail()), was.body(), was.headers(), was.attempts(), was.firstFailedAt(),
                            was.lastFailedAt(), String.valueOf(was.traceId()), String.valueOf(was.spanId())),
                    List.of(is.eventType(), is.function(), is.errorKind(), is.httpStatus(), is.error(),
                            String.valueOf(is.errorDetail()), is.body(), is.headers(), is.attempts(), is.firstFailedAt(),
                            is.lastFailedAt(), String.valueOf(is.traceId()), String.valueOf(is.spanId())),
                    "dead letter " + was.svixId() + " arrives as it left");
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

    /** The case and its kin: any line the store cannot hold is named with its field, and nothing is stored. */
    @Test
    void aLineTheStoreCannotHoldIsNamedWithItsFieldAndNothingIsStored() throws Exception {
        target = TestDatabase.create(TestDatabase.Engine.POSTGRESQL);
        JdbcDeadLetterStore into = new JdbcDeadLetterStore(target.open());
        record Case(String field, String expected, java.util.function.UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode> spoil) {
        }
        List<Case> cases = List.of(
                new Case("svixId", "line 6: svixId is 300 characters, more than the 200 the store holds",
                        o -> o.put("svixId", "m".repeat(300))),
                new Case("body", "line 6: body is 1048577 characters, more than the 1048576 the store holds",
                        o -> o.put("body", "b".repeat(1_048_577))),
                new Case("headers", "line 6: headers is 9013 characters as stored (JSON), more than the 8000 the store holds",
                        o -> { o.putObject("headers").put("x-long", "h".repeat(9000)); return o; }),
                new Case("type", "line 6: type is 101 characters, more than the 100 the store holds",
                        o -> o.put("type", "t".repeat(101))),
                new Case("firstFailedAt", "line 6: firstFailedAt is out of range (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z)",
                        o -> o.put("firstFailedAt", "+10000-01-01T00:00:00Z")),
                new Case("history", "line 6: failedAt is out of range (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z)",
                        o -> { ((com.fasterxml.jackson.databind.node.ObjectNode) o.get("history").get(0))
                                .put("failedAt", "-0001-01-01T00:00:00Z"); return o; }),
                new Case("traceId", "line 6: traceId is not 32 lower-case hex digits",
                        o -> o.put("traceId", "4BF92F3577B34DA6A3CE929D0E0E4736")),
                new Case("NUL", "line 6: body holds a NUL character, which PostgreSQL cannot store",
                        o -> o.put("body", "{\"a\":\"\u0000\"}")));
        for (Case c : cases) {
            StringBuilder file = new StringBuilder();
            for (int i = 1; i <= 11; i++) {
                var line = DeadLetterAdmin.full(new DeadLetter(0, "msg_" + c.field() + i, "user.created", null, "rejected",
                        400, "bad", null, "{}", Map.of("svix-id", "msg_" + i), 1, T0, T0),
                        List.of(new DeadLetterFailure(T0, "webhook", "rejected", 400, "bad", 1)));
                file.append(i == 6 ? c.spoil().apply(line) : line).append('\n');
            }
            var e = assertThrows(DeadLetterTransfer.MalformedLineException.class,
                    () -> new DeadLetterTransfer(into).importFrom(reader(file.toString())), c.field());
            assertEquals(c.expected(), e.getMessage(), c.field());
            assertEquals(0, into.count(), c.field() + ": nothing of the file is stored");
        }
    }

    private static DeadLetterTransfer.Lines reader(String text) {
        return () -> new BufferedReader(new StringReader(text));
    }
}
