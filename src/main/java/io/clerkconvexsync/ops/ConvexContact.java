package io.clerkconvexsync.ops;

import java.time.Clock;
import java.time.Instant;

/**
 * What the last Convex calls said about Convex itself, for readiness: when it last answered normally, since when it
 * has only failed without an answer (I/O errors, timeouts, 408/429/5xx), and when it last refused our configuration.
 */
public final class ConvexContact {

    /** Convex refused the deploy key (401/403) or the URL (404, 3xx) at {@code at}. */
    public record Refusal(Instant at, int httpStatus) {
    }

    private final Clock clock;
    private Instant lastAnswer;
    private Instant unreachableSince;
    private Instant lastUnreachable;
    private Refusal lastRefusal;

    public ConvexContact(Clock clock) {
        this.clock = clock;
    }

    /** Convex answered and took our credentials: success, or a function error or rejection of this one payload. */
    public synchronized void answered() {
        lastAnswer = clock.instant();
        unreachableSince = null;
        lastRefusal = null;
    }

    /** No usable answer: an I/O error, a timeout or a transient status. */
    public synchronized void unreachable() {
        Instant now = clock.instant();
        if (unreachableSince == null) {
            unreachableSince = now;
        }
        lastUnreachable = now;
    }

    /** Convex refused the deploy key or the URL; every event fails the same way until someone fixes it. */
    public synchronized void refused(int httpStatus) {
        lastRefusal = new Refusal(clock.instant(), httpStatus);
        // Convex did answer, so it is reachable.
        unreachableSince = null;
    }

    public synchronized Refusal lastRefusal() {
        return lastRefusal;
    }

    /** Start of the current run of failures without an answer, or null when the last call got one. */
    public synchronized Instant unreachableSince() {
        return unreachableSince;
    }

    public synchronized Instant lastUnreachable() {
        return lastUnreachable;
    }

    public synchronized Instant lastAnswer() {
        return lastAnswer;
    }
}
