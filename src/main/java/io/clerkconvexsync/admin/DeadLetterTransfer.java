package io.clerkconvexsync.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.DeadLetterFailure;
import io.clerkconvexsync.store.DeadLetterFilter;
import io.clerkconvexsync.store.DeadLetterStore;
import io.clerkconvexsync.store.JdbcDeadLetterStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Moves dead letters between stores (the embedded H2 to a shared PostgreSQL) and keeps them as a backup: one JSON
 * object per line, each a dead letter with its history as {@code dead-letters show} prints it; its id is ignored on
 * import (the importing store gives its own).
 *
 * <p>Both directions stream: an export writes each line as its row is read, an import reads its file twice, once to
 * check every line against what the store can hold and once to store them, all in one transaction. So a malformed
 * line stores nothing and is named with its field, and no pass holds more than a line and a batch in memory. The
 * svix-ids the store already holds are skipped, so running it twice imports nothing twice.
 */
public final class DeadLetterTransfer {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Export lines between checks that the output still takes them (each check flushes). */
    private static final int CHECK_EVERY = 1000;

    // The column lengths of V1__tables_of_the_first_release.sql, in characters as both databases count them.
    static final int MAX_SVIX_ID = 200;
    static final int MAX_TYPE = 100;
    static final int MAX_FUNCTION = 200;
    static final int MAX_ERROR_KIND = 40;
    static final int MAX_ERROR_DETAIL = 1_048_576;
    static final int MAX_BODY = 1_048_576;
    static final int MAX_HEADERS = 8000;
    static final int MAX_SOURCE = 20;
    /** TIMESTAMP holds more on both, but this is the range both store and print alike (four-digit years, AD). */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /** What an import did. */
    public record ImportResult(int imported, int skipped) {
    }

    /** A line that is not a dead letter: says which line and what is wrong with it, never what it holds. */
    public static final class MalformedLineException extends IllegalArgumentException {
        MalformedLineException(int line, String problem) {
            super("line " + line + ": " + problem);
        }
    }

    /** The file to import, opened once per pass. */
    public interface Lines {
        BufferedReader open() throws IOException;
    }

    private final DeadLetterStore store;

    public DeadLetterTransfer(DeadLetterStore store) {
        this.store = store;
    }

    /** Writes every dead letter, oldest first, one per line, as the rows are read. @return how many */
    public long exportTo(PrintWriter out) throws IOException {
        long[] count = {0};
        store.forEach(DeadLetterFilter.ALL, true, (d, history) -> {
            out.println(JSON.writeValueAsString(DeadLetterAdmin.full(d, history)));
            if (++count[0] % CHECK_EVERY == 0 && out.checkError()) {
                throw new IOException("the output could not be written");
            }
        });
        out.flush();
        if (out.checkError()) {
            throw new IOException("the output could not be written");
        }
        return count[0];
    }

    /**
     * Checks every line, then stores them all in one transaction.
     *
     * @throws MalformedLineException naming the first line that is not a dead letter the store can hold, and its
     *                                field; nothing is stored then
     */
    public ImportResult importFrom(Lines file) throws IOException {
        int entries = 0;
        try (BufferedReader in = file.open()) {
            for (Iterator<DeadLetterStore.Exported> lines = new Parsed(in); lines.hasNext(); lines.next()) {
                entries++;
            }
        }
        int imported;
        try (BufferedReader in = file.open()) {
            imported = store.restoreAll(new Parsed(in));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new ImportResult(imported, entries - imported);
    }

    /** The dead letters of a file, one line at a time, blank lines left out. */
    private static final class Parsed implements Iterator<DeadLetterStore.Exported> {
        private final BufferedReader in;
        private int lineNumber;
        private DeadLetterStore.Exported next;

        Parsed(BufferedReader in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            try {
                for (String line; next == null && (line = in.readLine()) != null; ) {
                    lineNumber++;
                    if (!line.isBlank()) {
                        next = parse(lineNumber, line);
                    }
                }
                return next != null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public DeadLetterStore.Exported next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            DeadLetterStore.Exported found = next;
            next = null;
            return found;
        }
    }

    private static DeadLetterStore.Exported parse(int line, String text) {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedLineException(line, "not JSON");
        }
        if (o == null || !o.isObject()) {
            throw new MalformedLineException(line, "not a JSON object");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        o.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        checkLength(line, "headers", JdbcDeadLetterStore.headersJson(headers), MAX_HEADERS, " as stored (JSON)");
        // errors longer than their column are clipped on storing, as the runtime's own are: any length passes
        DeadLetter d = new DeadLetter(0, text(o, "svixId", line, MAX_SVIX_ID), text(o, "type", line, MAX_TYPE),
                optionalText(o, "function", line, MAX_FUNCTION), text(o, "errorKind", line, MAX_ERROR_KIND),
                number(o, "httpStatus", line), text(o, "error", line, Integer.MAX_VALUE),
                optionalText(o, "errorDetail", line, MAX_ERROR_DETAIL), text(o, "body", line, MAX_BODY), headers,
                number(o, "attempts", line), instant(o, "firstFailedAt", line), instant(o, "lastFailedAt", line),
                hexId(o, "traceId", line, 32), hexId(o, "spanId", line, 16));
        List<DeadLetterFailure> history = new ArrayList<>();
        for (JsonNode h : o.path("history")) {
            history.add(new DeadLetterFailure(instant(h, "failedAt", line), text(h, "source", line, MAX_SOURCE),
                    text(h, "errorKind", line, MAX_ERROR_KIND), number(h, "httpStatus", line),
                    optionalText(h, "error", line, Integer.MAX_VALUE), number(h, "attempts", line)));
        }
        return new DeadLetterStore.Exported(d, history);
    }

    private static String text(JsonNode o, String field, int line, int max) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new MalformedLineException(line, field + " is missing or not a string");
        }
        return checkLength(line, field, v.asText(), max, "");
    }

    private static String optionalText(JsonNode o, String field, int line, int max) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : checkLength(line, field, v.asText(), max, "");
    }

    private static String checkLength(int line, String field, String value, int max, String how) {
        if (value.indexOf('\0') >= 0) {
            throw new MalformedLineException(line, field + " holds a NUL character, which PostgreSQL cannot store");
        }
        if (value.length() > max) { // cheap first: a code point is one or two chars
            int length = value.codePointCount(0, value.length());
            if (length > max) {
                throw new MalformedLineException(line, field + " is " + length + " characters" + how
                        + ", more than the " + max + " the store holds");
            }
        }
        return value;
    }

    /** An optional W3C id (exports from before tracing, or of untraced webhooks, have none). */
    private static String hexId(JsonNode o, String field, int line, int length) {
        String id = optionalText(o, field, line, length);
        if (id != null && !id.matches("[0-9a-f]{" + length + "}")) {
            throw new MalformedLineException(line, field + " is not " + length + " lower-case hex digits");
        }
        return id;
    }

    private static int number(JsonNode o, String field, int line) {
        JsonNode v = o.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new MalformedLineException(line, field + " is missing or not a whole number");
        }
        return v.asInt();
    }

    private static Instant instant(JsonNode o, String field, int line) {
        Instant at;
        try {
            at = Instant.parse(text(o, field, line, Integer.MAX_VALUE));
        } catch (DateTimeParseException e) {
            throw new MalformedLineException(line, field + " is not an ISO-8601 instant");
        }
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw new MalformedLineException(line, field + " is out of range (" + EARLIEST + " to " + LATEST + ")");
        }
        return at;
    }
}
