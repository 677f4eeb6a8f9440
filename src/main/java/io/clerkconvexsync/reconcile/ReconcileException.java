package io.clerkconvexsync.reconcile;

/**
 * A reconcile pass cannot go on: Clerk or Convex failed for good (after retries), or refused the credentials. The
 * message says what failed and what to do; it never holds a key or user data.
 */
public final class ReconcileException extends RuntimeException {
    public ReconcileException(String message) {
        super(message, null, false, false);
    }
}
