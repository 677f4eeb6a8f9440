package io.clerkconvexsync.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Named, time-bounded leases in the shared database: one-at-a-time work across instances (a reconcile pass, a
 * retention sweep). A holder that dies stops renewing, and its lease lapses after its time to live, so no lock is
 * ever left behind for good.
 */
public interface LeaseStore {

    /** Who holds a lease, and until when. */
    record Lease(String name, String holder, Instant expiresAt) {
    }

    /**
     * Takes the lease for {@code holder} until {@code now + ttl} when nobody holds it, its holder let it lapse, or
     * {@code holder} already holds it.
     *
     * @return false when another holder has it
     */
    boolean acquire(String name, String holder, Instant now, Duration ttl);

    /** Extends a lease {@code holder} holds; false when it lapsed and was taken by another (stop the work then). */
    boolean renew(String name, String holder, Instant now, Duration ttl);

    /** Gives the lease back at once; does nothing when {@code holder} no longer holds it. */
    void release(String name, String holder);

    /** The lease as it stands, when held and not lapsed at {@code now}. */
    Optional<Lease> current(String name, Instant now);
}
