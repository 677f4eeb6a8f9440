package io.clerkconvexsync.admin;

import io.clerkconvexsync.event.Outcome;

/**
 * What came of replaying one dead letter.
 *
 * @param id     the dead letter's id
 * @param svixId its svix-id, null when it was not found
 * @param result {@code delivered} (and removed from the store), {@code dead_lettered} (Convex refused it again),
 *               {@code retried} (Convex unavailable or refusing the deploy key), {@code failed} (the runtime's own
 *               failure), {@code unhandled} (no route claims its type any more), {@code busy} (another replay holds
 *               it), {@code not_found}
 */
public record ReplayResult(long id, String svixId, String result) {

    public static ReplayResult of(long id, String svixId, Outcome outcome) {
        return new ReplayResult(id, svixId, outcome.label()); // a refused deploy key is "retried", like for Svix
    }

    public boolean delivered() {
        return "delivered".equals(result);
    }
}
