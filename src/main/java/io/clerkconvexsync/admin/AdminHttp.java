package io.clerkconvexsync.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.store.DeadLetterFilter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The HTTP side of {@link DeadLetterAdmin}: reads the path and query, answers JSON. */
public final class AdminHttp {
    private final DeadLetterAdmin admin;
    private final ReplayJobs replays;

    public AdminHttp(DeadLetterAdmin admin, ReplayJobs replays) {
        this.admin = admin;
        this.replays = replays;
    }

    /** {@code GET /dead-letters?type=&errorKind=&since=&until=&id=&limit=&cursor=}: one page. */
    public void list(Exchange exchange) {
        Map<String, String> query = query(exchange);
        DeadLetterAdmin.Page page = DeadLetterAdmin.page(query);
        answer(exchange, 200, admin.list(DeadLetterAdmin.filter(query), page));
    }

    /**
     * An endpoint that takes no parameters refuses any, as the others refuse unknown ones.
     *
     * @throws IllegalArgumentException (answered 400) naming the first parameter
     */
    public static void noParameters(Exchange exchange) {
        query(exchange).keySet().stream().findFirst().ifPresent(name -> {
            throw new IllegalArgumentException("unknown parameter " + name + " (this endpoint takes none)");
        });
    }

    /** {@code GET /dead-letters/{id}} and {@code DELETE /dead-letters/{id}} */
    public void one(Exchange exchange) {
        noParameters(exchange);
        long id = DeadLetterAdmin.id(exchange.getMessage().getHeader("id", String.class));
        if ("DELETE".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))) {
            ObjectNode purged = admin.purge(DeadLetterFilter.byId(id));
            answer(exchange, purged.get("count").asInt() == 1 ? 200 : 404, purged);
            return;
        }
        Optional<ObjectNode> found = admin.show(id);
        answer(exchange, found.isPresent() ? 200 : 404, found.isPresent() ? found.get() : error("no dead letter #" + id));
    }

    /**
     * {@code POST /dead-letters/replay?<filters>} (all of them without a filter) starts a replay job: 202, or 409 while
     * one runs; {@code GET /dead-letters/replay} shows the running or last one.
     */
    public void replayMatching(Exchange exchange) {
        if (!"POST".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))) {
            noParameters(exchange);
            Optional<ObjectNode> job = replays.latest();
            answer(exchange, job.isPresent() ? 200 : 404, job.isPresent() ? job.get()
                    : error("no dead-letter replay has run on this instance since it started"));
            return;
        }
        DeadLetterFilter filter = DeadLetterAdmin.filter(query(exchange));
        try {
            answer(exchange, 202, replays.start(filter));
        } catch (ReplayJobs.Busy busy) {
            answer(exchange, 409, error(busy.getMessage()).put("id", busy.runningId));
        }
    }

    /** {@code POST /dead-letters/{id}/replay} */
    public void replayOne(Exchange exchange) {
        noParameters(exchange);
        long id = DeadLetterAdmin.id(exchange.getMessage().getHeader("id", String.class));
        ObjectNode result = admin.replay(DeadLetterFilter.byId(id));
        boolean missing = "not_found".equals(result.get("items").get(0).get("result").asText());
        answer(exchange, missing ? 404 : 200, result);
    }

    public static ObjectNode error(String message) {
        return DeadLetterAdmin.JSON.createObjectNode().put("error", message);
    }

    public static void answer(Exchange exchange, int status, JsonNode body) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(body.toString());
    }

    /**
     * The raw query string, decoded here rather than read from headers, where a parameter could shadow a header.
     *
     * @throws IllegalArgumentException (answered 400) for a parameter given twice: taking either value would be a guess
     *                                  ({@code dryRun=true&dryRun=false} once started a real pass)
     */
    public static Map<String, String> query(Exchange exchange) {
        String raw = exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        if (raw == null) {
            raw = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!name.isEmpty() && values.put(name, value) != null) {
                throw new IllegalArgumentException("parameter " + name + " is given more than once");
            }
        }
        return values;
    }
}
