package io.clerkconvexsync.store;

import io.clerkconvexsync.support.OnBothDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdbcLeaseStoreTest extends OnBothDatabases {
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    static final Duration TTL = Duration.ofSeconds(30);

    LeaseStore leases;

    @BeforeEach
    void open() {
        leases = new JdbcLeaseStore(database.open());
    }

    @Test
    void secondHolderIsRefusedWhileTheLeaseIsHeld() {
        assertTrue(leases.acquire("reconcile", "a", T0, TTL), "a free lease is taken");
        assertFalse(leases.acquire("reconcile", "b", T0.plusSeconds(10), TTL), "a held lease is refused to another holder");
        assertTrue(leases.acquire("reconcile", "a", T0.plusSeconds(10), TTL), "the holder may take it again");
        assertEquals("a", leases.current("reconcile", T0.plusSeconds(10)).orElseThrow().holder());
    }

    @Test
    void lapsedLeaseIsTakenOverAndTheOldHolderCannotRenewIt() {
        assertTrue(leases.acquire("reconcile", "dead", T0, TTL));
        assertTrue(leases.acquire("reconcile", "b", T0.plusSeconds(31), TTL), "a lease past its time to live lapses");
        assertFalse(leases.renew("reconcile", "dead", T0.plusSeconds(32), TTL), "the old holder learns it lost the lease");
        assertTrue(leases.renew("reconcile", "b", T0.plusSeconds(32), TTL));
    }

    @Test
    void releaseFreesTheLeaseOnlyForItsHolder() {
        assertTrue(leases.acquire("reconcile", "a", T0, TTL));
        leases.release("reconcile", "b");
        assertTrue(leases.current("reconcile", T0).isPresent(), "another holder cannot release it");
        leases.release("reconcile", "a");
        assertTrue(leases.current("reconcile", T0).isEmpty());
        assertTrue(leases.acquire("reconcile", "b", T0, TTL));
    }

    @Test
    void ofTwoInstancesRacingForAFreeLeaseExactlyOneGetsIt() throws Exception {
        LeaseStore other = new JdbcLeaseStore(database.open());
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> leases.acquire("sweep", "a", T0, TTL));
            var b = pool.submit(() -> other.acquire("sweep", "b", T0, TTL));
            boolean gotA = a.get(30, java.util.concurrent.TimeUnit.SECONDS);
            boolean gotB = b.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(gotA ^ gotB, "exactly one of two racing instances takes a free lease (a=" + gotA + ", b=" + gotB + ")");
            assertEquals(gotA ? "a" : "b", leases.current("sweep", T0).orElseThrow().holder(), "the winner holds it");
        } finally {
            pool.shutdownNow();
        }
    }
}
