package io.clerkconvexsync.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code users} table of the Convex stand-in and the functions a reconcile pass calls, answering as the companion
 * functions in convex/users.ts do: {@code users:upsertManyFromClerk} (ordering guard on updated_at, tombstones of
 * deleted users) with its counts, {@code users:pageExternalIds} with Convex's pagination shape, and
 * {@code users:deleteFromClerk}.
 */
public final class ConvexUsersTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedHashMap<String, JsonNode> rows = new LinkedHashMap<>();
    private final Map<String, Long> tombstones = new HashMap<>();

    /** The value of Convex's {@code {"status":"success","value":…}} for this call, or null when it is not one of ours. */
    synchronized JsonNode call(String path, JsonNode args) {
        return switch (path) {
            case "users:upsertManyFromClerk" -> upsertMany(args.get("users"));
            case "users:pageExternalIds" -> page(args.get("paginationOpts"));
            case "users:deleteFromClerk" -> {
                delete(args.get("userId").asText());
                yield null;
            }
            default -> throw new IllegalArgumentException("no function " + path);
        };
    }

    static boolean handles(String path) {
        return List.of("users:upsertManyFromClerk", "users:pageExternalIds", "users:deleteFromClerk").contains(path);
    }

    public synchronized void put(JsonNode user) {
        rows.put(user.get("id").asText(), user);
    }

    public synchronized void delete(String id) {
        rows.remove(id);
        tombstones.put(id, System.currentTimeMillis());
    }

    public synchronized JsonNode get(String id) {
        return rows.get(id);
    }

    public synchronized List<String> ids() {
        return new ArrayList<>(rows.keySet());
    }

    public synchronized void clear() {
        rows.clear();
        tombstones.clear();
    }

    private ObjectNode upsertMany(JsonNode users) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String action : List.of("inserted", "updated", "unchanged", "stale", "deleted")) {
            counts.put(action, 0);
        }
        for (JsonNode user : users) {
            String id = user.get("id").asText();
            long updatedAt = user.path("updated_at").asLong();
            JsonNode row = rows.get(id);
            String action;
            if (tombstones.containsKey(id) && updatedAt <= tombstones.get(id)) {
                action = "deleted";
            } else if (row == null) {
                action = "inserted";
            } else if (row.path("updated_at").asLong() > updatedAt) {
                action = "stale";
            } else if (row.equals(user)) {
                action = "unchanged";
            } else {
                action = "updated";
            }
            if (action.equals("inserted") || action.equals("updated")) {
                rows.put(id, user);
            }
            counts.merge(action, 1, Integer::sum);
        }
        ObjectNode value = JSON.createObjectNode();
        counts.forEach(value::put);
        return value;
    }

    private ObjectNode page(JsonNode options) {
        int numItems = options.get("numItems").asInt();
        int from = options.get("cursor").isNull() ? 0 : Integer.parseInt(options.get("cursor").asText());
        List<String> ids = new ArrayList<>(rows.keySet());
        int to = Math.min(ids.size(), from + numItems);
        ObjectNode value = JSON.createObjectNode();
        ArrayNode page = value.putArray("page");
        ids.subList(Math.min(from, ids.size()), to).forEach(page::add);
        value.put("isDone", to >= ids.size());
        value.put("continueCursor", Integer.toString(to));
        return value;
    }
}
