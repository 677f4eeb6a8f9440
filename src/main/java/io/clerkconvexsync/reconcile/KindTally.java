package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.event.ClerkEventParser;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one kind's step of a pass did so far: its section of the summary. Batches run concurrently, so the counts are
 * atomic.
 */
final class KindTally {
    /** Refused items described in the summary at most; the count goes on beyond. */
    static final int MAX_REFUSALS_SHOWN = 100;

    final AtomicLong clerkPages = new AtomicLong();
    final AtomicLong listed = new AtomicLong();
    final AtomicLong inConvex = new AtomicLong();
    final AtomicLong candidates = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong kept = new AtomicLong();
    final AtomicLong archived = new AtomicLong();
    final AtomicLong reread = new AtomicLong();
    final AtomicLong unresolved = new AtomicLong();
    /** Items not listed whose organization or user this pass deleted: Convex's cascade removes them, not the sweep. */
    final AtomicLong cascaded = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    /**
     * Items sent again after Convex left their batch unanswered (or answered it unavailable). An attempt left
     * unanswered may have written them: Convex's answer
     * to the one the pass accepted then calls them unchanged. Each item is counted once, from that answer.
     */
    final AtomicLong resent = new AtomicLong();
    final UpsertCounts upserted = new UpsertCounts();
    private final List<Refusal> refusals = new ArrayList<>();
    volatile String state = "waiting";

    /** One item Convex refused for good, with Convex's message and the app's hook that threw (or null). */
    record Refusal(String id, String message, String hook) {
    }

    void refuse(String id, String message, String hook) {
        refused.incrementAndGet();
        synchronized (refusals) {
            if (refusals.size() < MAX_REFUSALS_SHOWN) {
                refusals.add(new Refusal(id, message, hook));
            }
        }
    }

    long upsertedTotal() {
        return UpsertCounts.ACTIONS.stream().mapToLong(upserted::get).sum();
    }

    ObjectNode toJson(boolean dryRun) {
        ObjectNode json = ClerkEventParser.JSON.createObjectNode();
        json.put("state", state);
        json.put("clerkPages", clerkPages.get());
        json.put("listed", listed.get());
        json.set("upserted", upserted.toJson());
        json.put("inConvex", inConvex.get());
        json.put("candidates", candidates.get());
        json.put("deleted", deleted.get());
        json.put("kept", kept.get());
        json.put("archived", archived.get());
        json.put("reread", reread.get());
        json.put("unresolved", unresolved.get());
        json.put("cascaded", cascaded.get());
        json.put("resent", resent.get());
        if (dryRun) {
            json.put("wouldUpsert", listed.get() + kept.get());
            json.put("wouldDelete", candidates.get() - kept.get());
        }
        json.put("refused", refused.get());
        ArrayNode items = json.putArray("refusedItems");
        synchronized (refusals) {
            for (Refusal r : refusals) {
                ObjectNode item = items.addObject().put("id", r.id());
                if (r.hook() != null) {
                    item.put("hook", r.hook());
                }
                item.put("message", r.message());
            }
        }
        return json;
    }
}
