package io.clerkconvexsync.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Message translator from the verified raw body to a {@link ClerkEvent}. Only the envelope is interpreted; {@code data}
 * is kept as a JSON tree so that it reaches Convex with the same values it arrived with.
 */
public final class ClerkEventParser implements Processor {

    private static final List<String> KEPT_HEADERS = List.of("svix-id", "svix-timestamp", "webhook-id", "webhook-timestamp",
            "Content-Type", "User-Agent");

    /** Event types are short dotted names such as organizationMembership.created. */
    private static final int MAX_TYPE_LENGTH = 100;

    /** Exact numbers both ways: a float in Clerk's data must not be rounded through a double on its way to Convex. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            // emoji stay as UTF-8, not as escaped surrogate pairs
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    @Override
    public void process(Exchange exchange) {
        String svixId = exchange.getMessage().getHeader("svix-id", String.class);
        if (svixId == null) {
            svixId = exchange.getMessage().getHeader("webhook-id", String.class);
        }
        ClerkEvent event = parse(svixId, exchange.getMessage().getBody(byte[].class), keptHeaders(exchange.getMessage()));
        exchange.setProperty(ClerkEvent.PROPERTY, event);
        exchange.setProperty(ClerkEvent.TYPE_PROPERTY, event.type());
        exchange.setProperty(ClerkEvent.DATA_PROPERTY, event.data());
    }

    public ClerkEvent parse(String svixId, byte[] body, Map<String, String> headers) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new WebhookRejectedException("malformed_json", "the body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new WebhookRejectedException("malformed_json", "the body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new WebhookRejectedException("malformed_event", "the body must be a JSON object (a Clerk event)");
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual() || type.asText().isBlank() || type.asText().length() > MAX_TYPE_LENGTH) {
            throw new WebhookRejectedException("missing_type", "the event has no \"type\"");
        }
        JsonNode data = root.get("data");
        ClerkEvent event = new ClerkEvent(svixId, type.asText(), data, timestamp(root.get("timestamp")),
                text(root.get("instance_id")), body, headers);
        if (event.type().startsWith("user.") && (data == null || !data.isObject() || event.subjectId() == null
                || event.subjectId().isBlank())) {
            throw new WebhookRejectedException("missing_user_id", "a " + event.type() + " event needs data.id");
        }
        return event;
    }

    /** What a dead letter keeps of the request: delivery metadata, never the signature. */
    private static Map<String, String> keptHeaders(Message message) {
        Map<String, String> kept = new TreeMap<>();
        for (String name : KEPT_HEADERS) {
            String value = message.getHeader(name, String.class);
            if (value != null) {
                kept.put(name, value);
            }
        }
        return kept;
    }

    private static Long timestamp(JsonNode node) {
        return node != null && node.isNumber() ? node.asLong() : null;
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
