package io.clerkconvexsync.reconcile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.clerkconvexsync.RawJson;
import io.clerkconvexsync.intake.ClerkEventParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One Clerk User object as Clerk's Backend API returned it: its id, and its JSON kept as the bytes it arrived as (the
 * same shape as a webhook's {@code data}), so Convex receives exactly what Clerk sent.
 */
public record ListedUser(String id, RawJson json) {

    /**
     * A page of {@code GET /v1/users}: a bare JSON array of User objects, read in one streaming pass that keeps each
     * object as its byte range of the page.
     *
     * @throws IOException when the page is not such an array, or a user has no id
     */
    static List<ListedUser> page(byte[] body) throws IOException {
        try (JsonParser json = ClerkEventParser.JSON.getFactory().createParser(body)) {
            if (json.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("Clerk's user list is not a JSON array");
            }
            List<ListedUser> users = new ArrayList<>();
            while (json.nextToken() == JsonToken.START_OBJECT) {
                users.add(read(json, body));
            }
            if (json.currentToken() != JsonToken.END_ARRAY) {
                throw new IOException("Clerk's user list holds something other than User objects");
            }
            return users;
        }
    }

    /** One User object, as {@code GET /v1/users/{id}} answers it. */
    static ListedUser one(byte[] body) throws IOException {
        try (JsonParser json = ClerkEventParser.JSON.getFactory().createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("Clerk's user is not a JSON object");
            }
            return read(json, body);
        }
    }

    private static ListedUser read(JsonParser json, byte[] body) throws IOException {
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
            throw new IOException("a Clerk user without an id");
        }
        int end = (int) json.currentLocation().getByteOffset();
        return new ListedUser(id, RawJson.slice(body, start, end - start));
    }
}
