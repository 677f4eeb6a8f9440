package io.clerkconvexsync.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Message translator from the verified raw body to a {@link ClerkEvent}. Only the envelope is interpreted; {@code data}
 * is kept as the bytes it arrived as, so that it reaches Convex exactly as Clerk signed it.
 */
public final class ClerkEventParser implements Processor {

    private static final List<String> KEPT_HEADERS = List.of("svix-id", "svix-timestamp", "webhook-id", "webhook-timestamp",
            "Content-Type", "User-Agent");

    /** Event types are short dotted names such as organizationMembership.created. */
    private static final int MAX_TYPE_LENGTH = 100;

    /**
     * The runtime's one JSON mapper, for the few trees it still builds (Convex's answer, a YAML route's arguments, the
     * reply). Event data never goes through it: it travels as {@link RawJson}, so no number or string is re-encoded.
     */
    public static final ObjectMapper JSON = JsonMapper.builder().build();

    @Override
    public void process(Exchange exchange) {
        String svixId = exchange.getMessage().getHeader("svix-id", String.class);
        if (svixId == null) {
            svixId = exchange.getMessage().getHeader("webhook-id", String.class);
        }
        parse(svixId, exchange.getMessage().getBody(byte[].class), keptHeaders(exchange.getMessage())).expose(exchange);
    }

    /**
     * Reads the envelope in one streaming pass that also checks the whole body is well-formed JSON; {@code data} is
     * kept as its byte range of the body.
     */
    public ClerkEvent parse(String svixId, byte[] body, Map<String, String> headers) {
        try (JsonParser json = JSON.getFactory().createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new WebhookRejectedException("malformed_event", "the body must be a JSON object (a Clerk event)");
            }
            Envelope envelope = new Envelope();
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "type" -> envelope.type = value == JsonToken.VALUE_STRING ? json.getText() : null;
                    case "timestamp" -> envelope.timestamp = value.isNumeric() ? json.getValueAsLong() : null;
                    case "instance_id" -> envelope.instanceId = value == JsonToken.VALUE_STRING ? json.getText() : null;
                    case "data" -> readData(json, body, envelope);
                    default -> { }
                }
                json.skipChildren(); // read past any value not taken whole above (a no-op for scalars and for data)
            }
            if (json.nextToken() != null) {
                throw new WebhookRejectedException("malformed_json", "the body has content after the JSON object");
            }
            return event(svixId, body, headers, envelope);
        } catch (StreamConstraintsException e) {
            // Jackson's bounds on nesting depth and number or string length: no location to give
            throw new WebhookRejectedException("malformed_json", "the body exceeds the JSON limits (nesting depth,"
                    + " number or text length) no Clerk event comes near");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new WebhookRejectedException("malformed_json", "the body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new WebhookRejectedException("malformed_json", "the body is not valid JSON");
        }
    }

    private static ClerkEvent event(String svixId, byte[] body, Map<String, String> headers, Envelope envelope) {
        String type = envelope.type;
        if (type == null || type.isBlank() || type.length() > MAX_TYPE_LENGTH) {
            throw new WebhookRejectedException("missing_type", "the event has no \"type\"");
        }
        checkIds(type, envelope);
        return new ClerkEvent(svixId, type, envelope.data, envelope.dataId, envelope.timestamp, envelope.instanceId, body,
                headers);
    }

    /**
     * What {@code data.id} is, by the object an event type is about (the part before the dot), for the event families
     * the runtime delivers itself (an extension route's types are its own business): the key of the id in the
     * per-webhook log line, and with {@code missing_} before it the rejection code of an event without one.
     */
    private static final Map<String, String> ID_KEYS = Map.of(
            "user", "user_id",
            "organization", "organization_id",
            "organizationMembership", "membership_id",
            "role", "role_id",
            "subscription", "subscription_id",
            "subscriptionItem", "subscription_item_id",
            "organizationInvitation", "invitation_id");
    /** Of the permission events only the deletion is delivered (roles carry their permissions whole). */
    private static final String PERMISSION_DELETED = "permission.deleted";
    /** The log key of {@code data.id} for any other type. */
    public static final String OTHER_ID_KEY = "object_id";

    /**
     * The name of {@code data.id} for events of this type, e.g. {@code role_id}; {@link #OTHER_ID_KEY} for a type the
     * runtime does not deliver itself.
     */
    public static String idKey(String type) {
        String key = familyIdKey(type);
        return key == null ? OTHER_ID_KEY : key;
    }

    private static String familyIdKey(String type) {
        int dot = type == null ? -1 : type.indexOf('.');
        String key = dot < 0 ? null : ID_KEYS.get(type.substring(0, dot));
        return key == null && PERMISSION_DELETED.equals(type) ? "permission_id" : key;
    }

    /**
     * The ids the product's Convex functions key on: {@code data.id} for every family, and for a membership its
     * organization and user too.
     */
    private static void checkIds(String type, Envelope envelope) {
        String key = familyIdKey(type);
        if (key == null) {
            return;
        }
        require(type, envelope.dataId, "missing_" + key, "data.id");
        if (type.startsWith("organizationMembership.")) {
            require(type, envelope.organizationId, "missing_organization_id", "data.organization.id");
            require(type, envelope.memberUserId, "missing_user_id", "data.public_user_data.user_id");
        }
    }

    private static void require(String type, String id, String code, String field) {
        if (id == null || id.isBlank()) {
            throw new WebhookRejectedException(code, "a " + type + " event needs " + field + " (a non-empty string)");
        }
    }

    /**
     * Keeps {@code data} as the bytes it spans, noting on the way through its {@code id}, and a membership's
     * {@code organization.id} and {@code public_user_data.user_id}.
     */
    private static void readData(JsonParser json, byte[] body, Envelope envelope) throws IOException {
        int start = (int) json.currentTokenLocation().getByteOffset();
        if (json.currentToken() == JsonToken.START_OBJECT) {
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "id" -> envelope.dataId = value == JsonToken.VALUE_STRING ? json.getText() : null;
                    case "organization" -> envelope.organizationId = nestedString(json, "id");
                    case "public_user_data" -> envelope.memberUserId = nestedString(json, "user_id");
                    default -> { }
                }
                json.skipChildren(); // as above: an id that is an object or array is no id, read past whole
            }
        } else {
            json.skipChildren();
        }
        if (json.currentToken().isScalarValue()) {
            // a scalar's end is not tracked by the parser: re-encode it, it is short
            envelope.data = RawJson.of(scalar(json));
        } else {
            int end = (int) json.currentLocation().getByteOffset();
            envelope.data = RawJson.slice(body, start, end - start);
        }
    }

    /**
     * The string field {@code name} of the object the parser is at, read to its end; null, and left to the caller to
     * read past, when the value is no object.
     */
    private static String nestedString(JsonParser json, String name) throws IOException {
        if (json.currentToken() != JsonToken.START_OBJECT) {
            return null; // the caller reads past it
        }
        String found = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            boolean wanted = name.equals(json.currentName());
            if (json.nextToken() == JsonToken.VALUE_STRING && wanted) {
                found = json.getText();
            }
            json.skipChildren();
        }
        return found;
    }

    private static String scalar(JsonParser json) throws IOException {
        return switch (json.currentToken()) {
            case VALUE_STRING -> RawJson.string(json.getText()).toString();
            case VALUE_NULL -> "null";
            default -> json.getText(); // numbers and booleans as written
        };
    }

    /** The envelope fields as the streaming pass finds them. */
    private static final class Envelope {
        String type;
        Long timestamp;
        String instanceId;
        RawJson data;
        String dataId;
        String organizationId;
        String memberUserId;
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
}
