package io.clerkconvexsync.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.DeadLetterFailure;
import io.clerkconvexsync.store.DeadLetterFilter;
import io.clerkconvexsync.store.DeadLetterStore;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dead-letter operations behind both doors, the CLI ({@code dead-letters …}) and the HTTP admin API on the
 * management port, so that the two always agree: the same filters, the same JSON, the same replay.
 *
 * <p>No answer ever holds a signature: none is stored, and a header whose name mentions one is left out anyway.
 */
public final class DeadLetterAdmin {
    /** Filter names, as query parameters and (as {@code --error-kind} etc.) CLI options. */
    public static final Set<String> FILTERS = Set.of("id", "type", "errorKind", "since", "until");

    static final ObjectMapper JSON = new ObjectMapper();

    private final DeadLetterStore store;
    private final DeadLetterReplayer replayer;

    /** @param replayer null where only reading and purging are needed */
    public DeadLetterAdmin(DeadLetterStore store, DeadLetterReplayer replayer) {
        this.store = store;
        this.replayer = replayer;
    }

    /** {@code {"count": n, "items": [...]}}, one summary per dead letter (no body: ask for one to see it). */
    public ObjectNode list(DeadLetterFilter filter) {
        List<DeadLetter> found = store.list(filter);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("count", found.size());
        ArrayNode items = answer.putArray("items");
        found.forEach(d -> items.add(summary(d)));
        return answer;
    }

    /** One dead letter in full: Convex's error text, the headers kept, the body as received, its error history. */
    public Optional<ObjectNode> show(long id) {
        return store.find(id).map(d -> full(d, store.history(id)));
    }

    /** What {@link #show} answers, for a dead letter at hand; also one line of {@code dead-letters export}. */
    public static ObjectNode full(DeadLetter d, List<DeadLetterFailure> failures) {
        ObjectNode node = summary(d);
        node.put("errorDetail", d.errorDetail());
        ObjectNode headers = node.putObject("headers");
        d.headers().forEach((name, value) -> {
            if (!name.toLowerCase(Locale.ROOT).contains("signature")) {
                headers.put(name, value);
            }
        });
        node.put("body", d.body()); // as received, byte for byte in text
        ArrayNode history = node.putArray("history");
        for (DeadLetterFailure f : failures) {
            ObjectNode entry = history.addObject();
            entry.put("failedAt", f.failedAt().toString());
            entry.put("source", f.source());
            entry.put("errorKind", f.errorKind());
            entry.put("httpStatus", f.httpStatus());
            entry.put("error", f.error());
            entry.put("attempts", f.attempts());
        }
        return node;
    }

    /** Replays what the filter matches: {@code {"count", "delivered", "items": [{id, svixId, result}]}}. */
    public ObjectNode replay(DeadLetterFilter filter) {
        if (replayer == null) {
            throw new IllegalStateException("replay needs the delivery step; this door was built without it");
        }
        List<ReplayResult> results = filter.matchesOnlyId()
                ? List.of(replayer.replay(filter.id().get())) : replayer.replay(filter);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("count", results.size());
        answer.put("delivered", results.stream().filter(ReplayResult::delivered).count());
        ArrayNode items = answer.putArray("items");
        for (ReplayResult r : results) {
            items.addObject().put("id", r.id()).put("svixId", r.svixId()).put("result", r.result());
        }
        return answer;
    }

    /** Deletes what the filter matches, for good: {@code {"count", "items": [{id, svixId}]}}. */
    public ObjectNode purge(DeadLetterFilter filter) {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode items = answer.putArray("items");
        for (DeadLetter d : store.list(filter)) {
            if (store.delete(d.id())) {
                items.addObject().put("id", d.id()).put("svixId", d.svixId());
            }
        }
        answer.put("count", items.size());
        return answer;
    }

    /**
     * A filter from named values (query parameters, CLI options); unknown names and malformed values are refused.
     *
     * @throws IllegalArgumentException naming the bad filter
     */
    public static DeadLetterFilter filter(Map<String, String> values) {
        for (String name : values.keySet()) {
            if (!FILTERS.contains(name)) {
                throw new IllegalArgumentException("unknown filter '" + name + "' (known: id, type, errorKind, since, until)");
            }
        }
        return new DeadLetterFilter(text(values, "id").map(DeadLetterAdmin::id), text(values, "type"),
                text(values, "errorKind"), text(values, "since").map(v -> instant("since", v)),
                text(values, "until").map(v -> instant("until", v)));
    }

    /** A dead letter's id as an operator writes it: {@code 12} or {@code #12}. */
    public static long id(String raw) {
        try {
            return Long.parseLong(raw.startsWith("#") ? raw.substring(1) : raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a dead-letter id (a number, as 'list' shows)");
        }
    }

    private static ObjectNode summary(DeadLetter d) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", d.id());
        node.put("svixId", d.svixId());
        node.put("type", d.eventType());
        node.put("function", d.function());
        node.put("errorKind", d.errorKind());
        node.put("httpStatus", d.httpStatus());
        node.put("error", d.error());
        node.put("attempts", d.attempts());
        node.put("firstFailedAt", d.firstFailedAt().toString());
        node.put("lastFailedAt", d.lastFailedAt().toString());
        return node;
    }

    private static Optional<String> text(Map<String, String> values, String name) {
        return Optional.ofNullable(values.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static Instant instant(String name, String raw) {
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2026-01-02T03:04:05Z");
        }
    }
}
