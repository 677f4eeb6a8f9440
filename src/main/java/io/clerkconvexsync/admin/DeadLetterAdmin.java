package io.clerkconvexsync.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.DeadLetterFailure;
import io.clerkconvexsync.store.DeadLetterFilter;
import io.clerkconvexsync.store.DeadLetterStore;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The dead-letter operations behind both doors, the CLI ({@code dead-letters …}) and the HTTP admin API on the
 * management port, so that the two always agree: the same filters, the same JSON, the same replay.
 *
 * <p>No answer ever holds a signature: none is stored, and a header whose name mentions one is left out anyway.
 */
public final class DeadLetterAdmin {
    /** Filter names, as query parameters and (as {@code --error-kind} etc.) CLI options. */
    public static final Set<String> FILTERS = Set.of("id", "type", "errorKind", "since", "until");
    /** The error kinds a dead letter can have (ConvexFailure's permanent ones); the README lists them. */
    public static final List<String> ERROR_KINDS = List.of("function_error", "function_missing", "rejected");
    /** Dead letters per page of {@code GET /dead-letters} when {@code limit} is not given, and at most. */
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    /** Dead letters read at once by a purge or a replay of many: their summaries, not their bodies. */
    static final int BATCH = 500;

    static final ObjectMapper JSON = new ObjectMapper();

    private final DeadLetterStore store;
    private final DeadLetterReplayer replayer;

    /** @param replayer null where only reading and purging are needed */
    public DeadLetterAdmin(DeadLetterStore store, DeadLetterReplayer replayer) {
        this.store = store;
        this.replayer = replayer;
    }

    /** Where a page of a listing starts, and how long it is. */
    public record Page(long afterId, int limit) {
        public static final Page FIRST = new Page(0, DEFAULT_LIMIT);
    }

    /**
     * One page: {@code {"count": n, "items": [...], "nextCursor": "..."}}, a summary per dead letter (no body: ask
     * for one to see it), oldest first; {@code nextCursor} is null on the last page.
     */
    public ObjectNode list(DeadLetterFilter filter, Page page) {
        // one more than asked, to tell whether another page follows without a count over the whole table
        List<DeadLetter> found = store.summaries(filter, page.afterId(), page.limit() + 1);
        boolean more = found.size() > page.limit();
        List<DeadLetter> shown = more ? found.subList(0, page.limit()) : found;
        ObjectNode answer = JSON.createObjectNode();
        answer.put("count", shown.size());
        ArrayNode items = answer.putArray("items");
        shown.forEach(d -> items.add(summary(d)));
        answer.put("nextCursor", more ? cursor(shown.get(shown.size() - 1).id()) : null);
        return answer;
    }

    /**
     * The paging parameters ({@code limit}, {@code cursor}) taken out of {@code values}, which keeps the filters.
     *
     * @throws IllegalArgumentException for a limit out of range or a cursor this API did not give
     */
    public static Page page(Map<String, String> values) {
        String limit = values.remove("limit");
        String cursor = values.remove("cursor");
        int size = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                size = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        return new Page(cursor == null || cursor.isEmpty() ? 0 : afterId(cursor), size);
    }

    /**
     * Opaque to clients (they pass back what they got), so that the order it encodes, the id, may change without
     * changing the API. Base64url of {@code id:<last id shown>}.
     */
    static String cursor(long lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("id:" + lastId).getBytes(StandardCharsets.US_ASCII));
    }

    private static long afterId(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (decoded.startsWith("id:")) {
                long id = Long.parseLong(decoded.substring(3));
                if (id >= 0) {
                    return id;
                }
            }
        } catch (IllegalArgumentException malformed) {
            // answered below, as every other cursor not given by this API
        }
        throw new IllegalArgumentException("cursor is not one this API gave (pass nextCursor back as it was)");
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
        if (d.traceId() != null) {
            // the webhook's trace (absent when it was not traced): its replay links to it
            node.put("traceId", d.traceId());
            node.put("spanId", d.spanId());
        }
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
        return replay(filter, () -> true);
    }

    /** The same, asking {@code goOn} before each one: false ends the replay there, with what it did so far. */
    public ObjectNode replay(DeadLetterFilter filter, BooleanSupplier goOn) {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode items = answer.putArray("items");
        long[] delivered = {0};
        replay(filter, goOn, r -> {
            items.addObject().put("id", r.id()).put("svixId", r.svixId()).put("result", r.result());
            delivered[0] += r.delivered() ? 1 : 0;
        });
        answer.put("count", items.size());
        answer.put("delivered", delivered[0]);
        return answer;
    }

    /** Replays what the filter matches, handing each result to {@code each} as it comes. */
    public void replay(DeadLetterFilter filter, Consumer<ReplayResult> each) {
        replay(filter, () -> true, each);
    }

    /** The same, asking {@code goOn} before each one: false ends the replay there. */
    public void replay(DeadLetterFilter filter, BooleanSupplier goOn, Consumer<ReplayResult> each) {
        if (replayer == null) {
            throw new IllegalStateException("replay needs the delivery step; this door was built without it");
        }
        if (filter.matchesOnlyId()) {
            each.accept(replayer.replay(filter.id().get())); // reported even when it is gone
        } else {
            replayer.replay(filter, goOn, each);
        }
    }

    /** How many dead letters the filter matches. */
    public long count(DeadLetterFilter filter) {
        return store.count(filter);
    }

    /** What the filter matches now, with the highest id, to fix a replay job's scope at its start. */
    public DeadLetterStore.Matching matching(DeadLetterFilter filter) {
        return store.matching(filter);
    }

    /** Deletes what the filter matches, for good: {@code {"count", "items": [{id, svixId}]}}. */
    public ObjectNode purge(DeadLetterFilter filter) {
        return purge(filter, true);
    }

    /**
     * Deletes what the filter matched when it started, for good: {@code {"count"}}, a page at a time in one transaction
     * each. With {@code listItems} also {@code "items": [{id, svixId}]} (megabytes for 100,000), deleted one by one so
     * that exactly those this purge removed are listed.
     */
    public ObjectNode purge(DeadLetterFilter filter, boolean listItems) {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode items = listItems ? answer.putArray("items") : null;
        DeadLetterFilter scope = filter.upTo(store.matching(filter).highestId());
        long count = 0;
        long after = 0;
        for (List<DeadLetter> batch; !(batch = store.summaries(scope, after, BATCH)).isEmpty(); ) {
            if (items == null) {
                count += store.deleteRange(scope, batch.get(0).id(), batch.get(batch.size() - 1).id());
            } else {
                for (DeadLetter d : batch) {
                    if (store.delete(d.id())) {
                        items.addObject().put("id", d.id()).put("svixId", d.svixId());
                        count++;
                    }
                }
            }
            after = batch.get(batch.size() - 1).id();
        }
        answer.put("count", count);
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
                text(values, "errorKind").map(DeadLetterAdmin::errorKind), text(values, "since").map(v -> instant("since", v)),
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

    /** A filter on a kind no dead letter can have is a typo, refused rather than answered with an empty page. */
    private static String errorKind(String raw) {
        if (!ERROR_KINDS.contains(raw)) {
            throw new IllegalArgumentException("errorKind must be one of " + String.join(", ", ERROR_KINDS));
        }
        return raw;
    }

    static ObjectNode summary(DeadLetter d) {
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
