package io.clerkconvexsync.event;

/**
 * What became of one webhook, and so what Svix is answered. 2xx means Convex accepted the event, or it needs no
 * delivery, or it was durably dead-lettered; everything else asks Svix to try again later.
 */
public enum Outcome {
    DELIVERED("delivered", 200),
    DUPLICATE("duplicate", 200),
    UNHANDLED("unhandled", 200),
    DEAD_LETTERED("dead_lettered", 200),
    /** Convex stayed unreachable or overloaded through every redelivery: Svix retries on its own schedule. */
    RETRIED("retried", 503),
    /** Convex refused our credentials or the URL is wrong: an operator must fix configuration; Svix keeps retrying. */
    CONVEX_MISCONFIGURED("retried", 503),
    /** Something inside the runtime failed (for example its database); nothing was acknowledged. */
    FAILED("failed", 503),
    REJECTED("rejected", 400);

    /** Exchange property that carries the outcome between the routes of one webhook. */
    public static final String PROPERTY = "clerkSyncOutcome";

    private final String label;
    private final int httpStatus;

    Outcome(String label, int httpStatus) {
        this.label = label;
        this.httpStatus = httpStatus;
    }

    /** The value of the {@code outcome} tag in metrics and logs. */
    public String label() {
        return label;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Whether Svix may stop sending this message, and so whether its svix-id may be remembered. */
    public boolean acknowledged() {
        return httpStatus < 300;
    }
}
