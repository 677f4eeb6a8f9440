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
 * One table of the Convex stand-in ({@code users}, {@code organizations}, {@code memberships}, {@code roles},
 * {@code invitations}, {@code plans} or {@code subscriptionItems}) and the functions a
 * reconcile pass calls on it, answering as the Convex package's functions do: {@code <kind>:upsertManyFromClerk}
 * (ordering guard on updated_at, tombstones of deleted items) with its counts, {@code <kind>:pageExternalIds} with
 * Convex's pagination shape (memberships as {@code {id, organizationId, userId}}, invitations as
 * {@code {id, organizationId}}, subscription items as {@code {id, status, userId?, organizationId?}}), and
 * {@code <kind>:deleteFromClerk} (plans: {@code plans:archiveFromClerk}; subscription items: neither).
 * {@link #refuse} makes it refuse every batch that holds an item, as a function error does.
 */
public final class ConvexTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String kind;
    private final String deleteArgument;
    private final LinkedHashMap<String, JsonNode> rows = new LinkedHashMap<>();
    private final Map<String, Long> tombstones = new HashMap<>();
    private final Map<String, String> refusals = new HashMap<>();
    private final Map<String, JsonNode> deletionRefusals = new HashMap<>();

    private ConvexTable(String kind, String deleteArgument) {
        this.kind = kind;
        this.deleteArgument = deleteArgument;
    }

    static ConvexTable users() {
        return new ConvexTable("users", "userId");
    }

    static ConvexTable organizations() {
        return new ConvexTable("organizations", "organizationId");
    }

    static ConvexTable memberships() {
        return new ConvexTable("memberships", "membership");
    }

    static ConvexTable roles() {
        return new ConvexTable("roles", "roleId");
    }

    static ConvexTable invitations() {
        return new ConvexTable("invitations", "invitationId");
    }

    /**
     * Plans: archiveFromClerk marks a plan archived ("archived", or "unchanged" when it was), an upsert from Clerk's
     * listing clears it; pages still give archived plans, as the package's do.
     */
    static ConvexTable plans() {
        return new ConvexTable("plans", "planId");
    }

    /** Subscription items: never deleted; pages give {id, status, userId?, organizationId?} from the item's payer. */
    static ConvexTable subscriptionItems() {
        return new ConvexTable("subscriptionItems", null);
    }

    /** Convex's error for a call refused, with the message a function would throw, and a ConvexError's data. */
    static final class Refusal extends RuntimeException {
        final JsonNode data;

        Refusal(String message) {
            this(message, null);
        }

        Refusal(String message, JsonNode data) {
            super(message);
            this.data = data;
        }
    }

    /** The value of Convex's {@code {"status":"success","value":…}} for this call. */
    synchronized JsonNode call(String function, JsonNode args) {
        return switch (function) {
            case "upsertManyFromClerk" -> upsertMany(args.get(kind));
            case "pageExternalIds" -> page(args.get("paginationOpts"));
            case "deleteFromClerk" -> {
                if (deleteArgument == null || "plans".equals(kind)) {
                    throw new IllegalArgumentException("no function " + kind + ":deleteFromClerk: never deleted");
                }
                JsonNode target = args.get(deleteArgument);
                JsonNode refusal = deletionRefusals.get(target.isObject() ? target.get("id").asText() : target.asText());
                if (refusal != null) { // the mutation is one transaction: nothing is deleted
                    throw new Refusal("ConvexError: " + refusal, refusal);
                }
                boolean existed = rows.containsKey(target.isObject() ? target.get("id").asText() : target.asText());
                delete(target.isObject() ? target.get("id").asText() : target.asText());
                yield JSON.getNodeFactory().textNode(existed ? "deleted" : "absent");
            }
            case "archiveFromClerk" -> {
                JsonNode row = rows.get(args.get(deleteArgument).asText());
                boolean already = row != null && row.path("archived").asBoolean();
                if (row != null) {
                    ((ObjectNode) row).put("archived", true);
                }
                yield JSON.getNodeFactory().textNode(row == null ? "absent" : already ? "unchanged" : "archived");
            }
            default -> throw new IllegalArgumentException("no function " + kind + ":" + function);
        };
    }

    String kind() {
        return kind;
    }

    public synchronized void put(JsonNode row) {
        rows.put(row.get("id").asText(), row);
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

    /** Every batch holding this id is refused with this message (Convex's function error). */
    public synchronized void refuse(String id, String message) {
        refusals.put(id, message);
    }

    /**
     * Its deletion is refused as the package refuses it when the app's hook throws: a ConvexError whose data is
     * {@code {"code":"HookFailed","message":…,"hook":hook,"externalId":id}} (packages/convex-clerk-sync's engine).
     */
    public synchronized void refuseDeletion(String id, String hook, String message) {
        deletionRefusals.put(id, JSON.createObjectNode().put("code", "HookFailed")
                .put("message", "The app's hook " + hook + " failed for " + id + ": " + message)
                .put("hook", hook).put("externalId", id));
    }

    /** Removes the rows whose {@code organization.id} is this one (the package's cascade of an organization's deletion). */
    synchronized void deleteOfOrganization(String organizationId) {
        new ArrayList<>(rows.values()).stream()
                .filter(row -> organizationId.equals(row.path("organization").path("id").asText()))
                .forEach(row -> rows.remove(row.get("id").asText()));
    }

    public synchronized void clear() {
        rows.clear();
        tombstones.clear();
        refusals.clear();
        deletionRefusals.clear();
    }

    private ObjectNode upsertMany(JsonNode items) {
        for (JsonNode item : items) {
            String refusal = refusals.get(item.get("id").asText());
            if (refusal != null) {
                throw new Refusal(refusal);
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String action : List.of("inserted", "updated", "unchanged", "stale", "deleted")) {
            counts.put(action, 0);
        }
        for (JsonNode item : items) {
            String id = item.get("id").asText();
            long updatedAt = item.path("updated_at").asLong();
            JsonNode row = rows.get(id);
            String action;
            if (tombstones.containsKey(id) && updatedAt <= tombstones.get(id)) {
                action = "deleted";
            } else if (row == null) {
                action = "inserted";
            } else if (row.path("updated_at").asLong() > updatedAt) {
                action = "stale";
            } else if (row.equals(item)) {
                action = "unchanged";
            } else {
                action = "updated";
            }
            if (action.equals("inserted") || action.equals("updated")) {
                rows.put(id, item);
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
        List<JsonNode> all = new ArrayList<>(rows.values());
        int to = Math.min(all.size(), from + numItems);
        ObjectNode value = JSON.createObjectNode();
        ArrayNode page = value.putArray("page");
        for (JsonNode row : all.subList(Math.min(from, all.size()), to)) {
            if ("invitations".equals(kind)) {
                page.addObject().put("id", row.get("id").asText())
                        .put("organizationId", row.path("organization_id").asText());
            } else if ("subscriptionItems".equals(kind)) {
                ObjectNode entry = page.addObject().put("id", row.get("id").asText())
                        .put("status", row.path("status").asText());
                JsonNode payer = row.path("payer");
                if (payer.path("user_id").isTextual()) {
                    entry.put("userId", payer.get("user_id").asText());
                }
                if (payer.path("organization_id").isTextual()) {
                    entry.put("organizationId", payer.get("organization_id").asText());
                }
            } else if ("memberships".equals(kind)) {
                page.addObject().put("id", row.get("id").asText())
                        .put("organizationId", row.path("organization").path("id").asText())
                        .put("userId", row.path("public_user_data").path("user_id").asText());
            } else {
                page.add(row.get("id").asText());
            }
        }
        value.put("isDone", to >= all.size());
        value.put("continueCursor", Integer.toString(to));
        return value;
    }
}
