package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.event.ClerkEventParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What Convex did with one kind's items in a pass, as {@code upsertManyFromClerk} reports it per batch:
 * inserted, updated, unchanged, stale (older than what Convex has), deleted (tombstoned: deleted in Clerk meanwhile).
 * Batches run concurrently, so the totals are atomic.
 */
final class UpsertCounts {
    static final List<String> ACTIONS = List.of("inserted", "updated", "unchanged", "stale", "deleted");

    private final AtomicLongArray counts = new AtomicLongArray(ACTIONS.size());

    /** Adds one batch's answer, the {@code value} of Convex's reply. */
    long[] add(JsonNode value) {
        long[] batch = new long[ACTIONS.size()];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = value.path(ACTIONS.get(i)).asLong(0);
            counts.addAndGet(i, batch[i]);
        }
        return batch;
    }

    long get(String action) {
        return counts.get(ACTIONS.indexOf(action));
    }

    ObjectNode toJson() {
        ObjectNode json = ClerkEventParser.JSON.createObjectNode();
        for (int i = 0; i < ACTIONS.size(); i++) {
            json.put(ACTIONS.get(i), counts.get(i));
        }
        return json;
    }
}
