package io.clerkconvexsync.event;

/**
 * The sender did something wrong: the webhook is answered 4xx with {@link #code()} and the message, and nothing
 * reaches Convex. Messages are written for the sender and never quote a secret or a signature.
 */
public final class WebhookRejectedException extends RuntimeException {
    private final String code;
    private final int status;

    public WebhookRejectedException(String code, String message) {
        this(code, message, 400);
    }

    /** @param status the 4xx to answer, where 400 says less than it could (415 for a wrong content type) */
    public WebhookRejectedException(String code, String message, int status) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** A short machine-readable reason, e.g. {@code invalid_signature}. */
    public String code() {
        return code;
    }
}
