package io.clerkconvexsync.ops;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Readiness DOWN while Convex refuses our deploy key or URL (until a success or {@code refusalWindow} passes), or while
 * it has answered nothing for longer than {@code unreachableAfter}. Both states expire when no call has shown them
 * again recently, so an instance that receives no traffic because it is not ready does not stay DOWN forever.
 */
public final class ConvexReadinessCheck extends AbstractHealthCheck {

    private final ConvexContact contact;
    private final Duration unreachableAfter;
    private final Duration refusalWindow;
    private final Clock clock;

    public ConvexReadinessCheck(ConvexContact contact, Duration unreachableAfter, Duration refusalWindow, Clock clock) {
        super("clerk-convex-sync", "convex");
        this.contact = contact;
        this.unreachableAfter = unreachableAfter;
        this.refusalWindow = refusalWindow;
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        return false; // restarting the runtime cannot fix Convex or its deploy key
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String reason = reason(clock.instant());
        if (reason == null) {
            builder.up();
        } else {
            builder.down().message(reason);
        }
    }

    /** Why the runtime is not ready to deliver to Convex, or null when it is. */
    String reason(Instant now) {
        ConvexContact.Refusal refusal = contact.lastRefusal();
        if (refusal != null && Duration.between(refusal.at(), now).compareTo(refusalWindow) < 0) {
            return "Convex refused the deploy key or URL (HTTP " + refusal.httpStatus() + ") "
                    + Duration.between(refusal.at(), now).toSeconds() + " s ago and no call has succeeded since";
        }
        Instant since = contact.unreachableSince();
        Instant last = contact.lastUnreachable();
        if (since != null && Duration.between(since, last).compareTo(unreachableAfter) >= 0
                && Duration.between(last, now).compareTo(unreachableAfter) < 0) {
            return "Convex has been unreachable for " + Duration.between(since, now).toSeconds()
                    + " s (I/O errors, timeouts or transient statuses only, no success)";
        }
        return null;
    }
}
