package io.clerkconvexsync.delivery;

import io.clerkconvexsync.config.SyncSettings;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * The redelivery policy's "retry while": another attempt only while the count allows it and it can still end inside
 * the webhook's time budget, so that Svix (which gives up after 15 s) always gets an answer, even when Convex hangs.
 */
public final class RedeliveryBudget implements Predicate {
    private final int maximumRedeliveries;
    private final long initialDelayMs;
    private final double multiplier;
    private final long maximumDelayMs;
    private final long worstAttemptMs;
    private final long budgetMs;

    public RedeliveryBudget(SyncSettings settings) {
        this.maximumRedeliveries = settings.maximumRedeliveries();
        this.initialDelayMs = settings.initialRedeliveryDelay().toMillis();
        this.multiplier = settings.backoffMultiplier();
        this.maximumDelayMs = settings.maximumRedeliveryDelay().toMillis();
        // A fresh connection may need the whole connect timeout before the response timeout starts.
        this.worstAttemptMs = settings.connectTimeout().toMillis() + settings.responseTimeout().toMillis();
        this.budgetMs = settings.requestBudget().toMillis();
    }

    @Override
    public boolean matches(Exchange exchange) {
        int attempts = exchange.getProperty(ConvexDeliveryRoute.ATTEMPTS_PROPERTY, 0, Integer.class);
        return allowsAnother(attempts, exchange.getClock().elapsed());
    }

    /** Whether attempt number {@code attempts + 1} may start, {@code elapsedMs} after the webhook arrived. */
    public boolean allowsAnother(int attempts, long elapsedMs) {
        int redeliveriesDone = attempts - 1;
        if (redeliveriesDone >= maximumRedeliveries) {
            return false;
        }
        return elapsedMs + delayBefore(redeliveriesDone + 1) + worstAttemptMs <= budgetMs;
    }

    /** The delay Camel's exponential back-off waits before redelivery number {@code n} (1-based). */
    long delayBefore(int n) {
        double delay = initialDelayMs * Math.pow(multiplier, n - 1);
        return Math.min(maximumDelayMs, Math.round(delay));
    }
}
