package io.clerkconvexsync.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.DeadLetterFailure;
import io.clerkconvexsync.store.DeadLetterStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves dead letters between stores (the embedded H2 to a shared PostgreSQL) and keeps them as a backup: one JSON
 * object per line, each a dead letter with its history as {@code dead-letters show} prints it; its id is ignored on
 * import (the importing store gives its own).
 * An import stores nothing until every line has been read and understood, and skips the svix-ids the store already
 * holds, so running it twice imports nothing twice.
 */
public final class DeadLetterTransfer {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What an import did. */
    public record ImportResult(int imported, int skipped) {
    }

    /** A line that is not a dead letter: says which line and what is wrong with it, never what it holds. */
    public static final class MalformedLineException extends IllegalArgumentException {
        MalformedLineException(int line, String problem) {
            super("line " + line + ": " + problem);
        }
    }

    private final DeadLetterStore store;

    public DeadLetterTransfer(DeadLetterStore store) {
        this.store = store;
    }

    /** Writes every dead letter, oldest first, one per line. @return how many */
    public int exportTo(PrintWriter out) throws IOException {
        int count = 0;
        for (DeadLetter d : store.list()) {
            out.println(JSON.writeValueAsString(DeadLetterAdmin.full(d, store.history(d.id()))));
            count++;
        }
        out.flush();
        if (out.checkError()) {
            throw new IOException("the output could not be written");
        }
        return count;
    }

    /**
     * Reads every line first, then stores the dead letters one by one.
     *
     * @throws MalformedLineException naming the first line that is not a dead letter; nothing is stored then
     */
    public ImportResult importFrom(BufferedReader in) throws IOException {
        List<Entry> entries = new ArrayList<>();
        int lineNumber = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNumber++;
            if (!line.isBlank()) {
                entries.add(parse(lineNumber, line));
            }
        }
        int imported = 0;
        for (Entry e : entries) {
            if (store.restore(e.deadLetter, e.history)) {
                imported++;
            }
        }
        return new ImportResult(imported, entries.size() - imported);
    }

    private record Entry(DeadLetter deadLetter, List<DeadLetterFailure> history) {
    }

    private static Entry parse(int line, String text) {
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
        DeadLetter d = new DeadLetter(0, text(o, "svixId", line), text(o, "type", line), optionalText(o, "function"),
                text(o, "errorKind", line), number(o, "httpStatus", line), text(o, "error", line),
                optionalText(o, "errorDetail"), text(o, "body", line), headers, number(o, "attempts", line),
                instant(o, "firstFailedAt", line), instant(o, "lastFailedAt", line));
        List<DeadLetterFailure> history = new ArrayList<>();
        for (JsonNode h : o.path("history")) {
            history.add(new DeadLetterFailure(instant(h, "failedAt", line), text(h, "source", line),
                    text(h, "errorKind", line), number(h, "httpStatus", line), optionalText(h, "error"),
                    number(h, "attempts", line)));
        }
        return new Entry(d, history);
    }

    private static String text(JsonNode o, String field, int line) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new MalformedLineException(line, field + " is missing or not a string");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static int number(JsonNode o, String field, int line) {
        JsonNode v = o.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new MalformedLineException(line, field + " is missing or not a whole number");
        }
        return v.asInt();
    }

    private static Instant instant(JsonNode o, String field, int line) {
        try {
            return Instant.parse(text(o, field, line));
        } catch (DateTimeParseException e) {
            throw new MalformedLineException(line, field + " is not an ISO-8601 instant");
        }
    }
}
