package io.clerkconvexsync.store;

import io.clerkconvexsync.Outcome;
import io.clerkconvexsync.intake.ClerkEvent;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

/**
 * Idempotent receiver on svix-id, over a Camel {@link IdempotentRepository} (JDBC in production).
 *
 * <p>Camel's idempotentConsumer EIP keeps a key whenever the exchange completes without an exception. Here a webhook
 * can complete normally (the error handler turned an unreachable Convex into a 503) and must still stay retryable, so
 * the key is kept by {@link Outcome#acknowledged()} instead: only once Convex accepted the event or it was
 * dead-lettered.
 */
public final class IdempotentReceiver {

    private final IdempotentRepository repository;

    public IdempotentReceiver(IdempotentRepository repository) {
        this.repository = repository;
    }

    /** Marks an already processed message as {@link Outcome#DUPLICATE}; Convex is not called again for it. */
    public void detectDuplicate(Exchange exchange) {
        ClerkEvent event = exchange.getProperty(ClerkEvent.PROPERTY, ClerkEvent.class);
        if (repository.contains(event.svixId())) {
            exchange.setProperty(Outcome.PROPERTY, Outcome.DUPLICATE);
        }
    }

    /** Keeps the svix-id once the event is acknowledged; a failed attempt leaves it retryable. */
    public void remember(Exchange exchange) {
        Outcome outcome = exchange.getProperty(Outcome.PROPERTY, Outcome.class);
        if (outcome != null && outcome.acknowledged()) {
            repository.add(exchange.getProperty(ClerkEvent.PROPERTY, ClerkEvent.class).svixId());
        }
    }

    public static boolean isDuplicate(Exchange exchange) {
        return exchange.getProperty(Outcome.PROPERTY, Outcome.class) == Outcome.DUPLICATE;
    }
}
