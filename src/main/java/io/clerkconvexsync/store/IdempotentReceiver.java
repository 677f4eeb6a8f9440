package io.clerkconvexsync.store;

import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.Outcome;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Idempotent receiver on svix-id, over a Camel {@link IdempotentRepository} (JDBC in production), with a claim per
 * svix-id in flight on this instance.
 *
 * <p>Camel's idempotentConsumer EIP keeps a key whenever the exchange completes without an exception. Here a webhook
 * can complete normally (the error handler turned an unreachable Convex into a 503) and must still stay retryable, so
 * the key is kept by {@link Outcome#acknowledged()} instead: only once Convex accepted the event or it was
 * dead-lettered.
 *
 * <p>The claim: the first webhook of a svix-id claims it before the store is asked; the same svix-id arriving while
 * it is in flight does not call Convex, but waits (at most the request budget) for the first's outcome: a duplicate
 * once the first was acknowledged, otherwise 503 so Svix retries it. Camel's idempotentConsumer has this in-flight
 * check (its repository's {@code add} before the delivery), but it acknowledges the second at once, before the first
 * is known to have succeeded. The claim is held in memory, not in the store: across instances the store is asked
 * once per webhook as before, and the README says what that promises.
 */
public final class IdempotentReceiver {
    /** Exchange property holding the claim of the exchange that owns its svix-id. */
    static final String CLAIM = "clerkSyncClaim";

    private final IdempotentRepository repository;
    private final Duration claimWait;
    /** The svix-ids in flight here; each completes with whether its webhook was acknowledged. */
    private final Map<String, CompletableFuture<Boolean>> claims = new ConcurrentHashMap<>();

    /** @param claimWait how long the same svix-id waits for the first in flight (delivery.request-budget-ms) */
    public IdempotentReceiver(IdempotentRepository repository, Duration claimWait) {
        this.repository = repository;
        this.claimWait = claimWait;
    }

    /**
     * Claims the svix-id, or marks the webhook {@link Outcome#DUPLICATE} when it was processed already or by the
     * claim's holder meanwhile, or {@link Outcome#RETRIED} when the holder did not succeed; Convex is not called then.
     */
    public void detectDuplicate(Exchange exchange) {
        String svixId = exchange.getProperty(ClerkEvent.PROPERTY, ClerkEvent.class).svixId();
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> holder = claims.putIfAbsent(svixId, mine);
        if (holder != null) {
            exchange.setProperty(Outcome.PROPERTY, acknowledged(holder) ? Outcome.DUPLICATE : Outcome.RETRIED);
            return;
        }
        exchange.setProperty(CLAIM, mine);
        if (repository.contains(svixId)) {
            exchange.setProperty(Outcome.PROPERTY, Outcome.DUPLICATE);
        }
    }

    /**
     * Keeps the svix-id once the event is acknowledged (a failed attempt leaves it retryable), then gives up the
     * claim, telling those waiting on it what came of it.
     */
    public void remember(Exchange exchange) {
        @SuppressWarnings("unchecked")
        CompletableFuture<Boolean> claim = exchange.getProperty(CLAIM, CompletableFuture.class);
        if (claim == null) {
            return; // rejected before the claim, or waited on another's: nothing of its own to keep
        }
        String svixId = exchange.getProperty(ClerkEvent.PROPERTY, ClerkEvent.class).svixId();
        Outcome outcome = exchange.getProperty(Outcome.PROPERTY, Outcome.class);
        boolean acknowledged = outcome != null && outcome.acknowledged();
        try {
            if (acknowledged && outcome != Outcome.DUPLICATE) {
                repository.add(svixId);
            }
        } catch (RuntimeException e) {
            acknowledged = false;
            throw e;
        } finally {
            claims.remove(svixId, claim);
            claim.complete(acknowledged);
        }
    }

    private boolean acknowledged(CompletableFuture<Boolean> holder) {
        try {
            return holder.get(claimWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A duplicate: processed already, or in flight here (answered by what came of the first). */
    public static boolean isDuplicate(Exchange exchange) {
        Outcome outcome = exchange.getProperty(Outcome.PROPERTY, Outcome.class);
        return outcome == Outcome.DUPLICATE || (outcome == Outcome.RETRIED && exchange.getProperty(CLAIM) == null);
    }
}
