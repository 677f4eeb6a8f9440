package io.clerkconvexsync.intake;

/**
 * The sender did something wrong: the webhook is answered 4xx with {@link #code()} and the message, and nothing
 * reaches Convex. Messages are written for the sender and never quote a secret or a signature.
 */
public final class WebhookRejectedException extends RuntimeException {
    private final String code;

    public WebhookRejectedException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** A short machine-readable reason, e.g. {@code invalid_signature}. */
    public String code() {
        return code;
    }
}
