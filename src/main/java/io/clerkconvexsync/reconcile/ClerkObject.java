package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.event.RawJson;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One object of Clerk's Backend API (a user, an organization, a membership) as Clerk returned it: its id, and its
 * JSON kept as the bytes it arrived as (the same shape as a webhook's {@code data}), so Convex receives exactly what
 * Clerk sent.
 */
public record ClerkObject(String id, RawJson json) {

    /**
     * A page of a listing, read in one streaming pass that keeps each object as its byte range of the page. Clerk
     * answers {@code GET /v1/users} with a bare JSON array, and the organization listings with
     * {@code {"data":[…],"total_count":n}}: both are read.
     *
     * @throws IOException when the page is neither, or an object has no id
     */
    static List<ClerkObject> page(byte[] body) throws IOException {
        try (JsonParser json = ClerkEventParser.JSON.getFactory().createParser(body)) {
            JsonToken first = json.nextToken();
            if (first == JsonToken.START_OBJECT && !toArray(json, "data")) {
                throw new IOException("Clerk's listing has no data array");
            } else if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                throw new IOException("Clerk's listing is not a JSON array or {\"data\":[…]}");
            }
            return objects(json, body);
        }
    }

    /**
     * The objects of one array field of a Clerk object, each kept as its bytes: the {@code subscription_items} of
     * {@code GET /v1/users/{id}/billing/subscription}.
     *
     * @throws IOException when the answer is not an object with that array, or an item has no id
     */
    static List<ClerkObject> arrayOf(byte[] body, String field) throws IOException {
        try (JsonParser json = ClerkEventParser.JSON.getFactory().createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT || !toArray(json, field)) {
                throw new IOException("Clerk's answer has no " + field + " array");
            }
            return objects(json, body);
        }
    }

    private static List<ClerkObject> objects(JsonParser json, byte[] body) throws IOException {
        List<ClerkObject> objects = new ArrayList<>();
        while (json.nextToken() == JsonToken.START_OBJECT) {
            objects.add(read(json, body));
        }
        if (json.currentToken() != JsonToken.END_ARRAY) {
            throw new IOException("Clerk's listing holds something other than objects");
        }
        return objects;
    }

    /** Moves to the start of the array {@code field} of an object; false when it has none. */
    private static boolean toArray(JsonParser json, String field) throws IOException {
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            boolean isData = field.equals(json.currentName());
            if (json.nextToken() == JsonToken.START_ARRAY && isData) {
                return true;
            }
            json.skipChildren();
        }
        return false;
    }

    /** One object, as {@code GET /v1/users/{id}} or {@code GET /v1/organizations/{id}} answers it. */
    static ClerkObject one(byte[] body) throws IOException {
        try (JsonParser json = ClerkEventParser.JSON.getFactory().createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("Clerk's answer is not a JSON object");
            }
            return read(json, body);
        }
    }

    private static ClerkObject read(JsonParser json, byte[] body) throws IOException {
        int start = (int) json.currentTokenLocation().getByteOffset();
        String id = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            boolean isId = "id".equals(json.currentName());
            if (json.nextToken() == JsonToken.VALUE_STRING && isId) {
                id = json.getText();
            }
            json.skipChildren();
        }
        if (id == null || id.isBlank()) {
            throw new IOException("a Clerk object without an id");
        }
        int end = (int) json.currentLocation().getByteOffset();
        return new ClerkObject(id, RawJson.slice(body, start, end - start));
    }
}
