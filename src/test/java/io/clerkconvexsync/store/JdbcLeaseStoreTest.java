package io.clerkconvexsync.store;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdbcLeaseStoreTest {
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    static final Duration TTL = Duration.ofSeconds(30);
    LeaseStore leases;

    @BeforeEach
    void open() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:leases" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        leases = new JdbcLeaseStore(ds);
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
}
