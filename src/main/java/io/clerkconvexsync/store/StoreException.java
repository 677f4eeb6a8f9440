package io.clerkconvexsync.store;

/** The runtime's database could not be read or written; the webhook is answered 503 so Svix tries again. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
