package io.clerkconvexsync.store;

import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdbcDeadLetterStoreTest {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    static final Duration STALE = Duration.ofMinutes(5);

    final JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:dead-letter-store;DB_CLOSE_DELAY=-1", "sa", "");
    final JdbcDeadLetterStore store = new JdbcDeadLetterStore(pool);

    @AfterEach
    void drop() throws Exception {
        try (var c = pool.getConnection(); var s = c.createStatement()) {
            s.execute("DROP TABLE clerk_dead_letter");
            s.execute("DROP TABLE clerk_dead_letter_failure");
        }
        pool.dispose();
    }

    long store(String svixId, String type, Instant at) {
        return store.record(new DeadLetter(0, svixId, type, "users:upsertFromClerk", "function_error", 200, "refused",
                null, "{}", Map.of(), 1, at, at));
    }

    @Test
    void oneClaimAtATimeUntilReleasedOrStale() {
        long id = store("msg_claim", "user.created", T0);
        assertTrue(store.claim(id, T0, STALE), "a free dead letter can be claimed");
        assertFalse(store.claim(id, T0.plusSeconds(10), STALE), "a second replayer must not get it");
        assertTrue(store.claim(id, T0.plus(STALE).plusSeconds(1), STALE), "a claim older than the stale time is taken over");
        store.release(id);
        assertTrue(store.claim(id, T0.plus(STALE).plusSeconds(2), STALE), "released: free again");
        assertFalse(store.claim(id + 1, T0, STALE), "an unknown id cannot be claimed");
    }

    @Test
    void failedReplaysCountAttemptsAndKeepTheRefusalAsTheError() {
        long id = store("msg_history", "user.created", T0);
        store.noteFailedReplay(id, new DeadLetterFailure(T0.plusSeconds(60), "replay", "transient_error", 503,
                "Convex is unavailable", 4));
        DeadLetter d = store.find(id).orElseThrow();
        assertEquals(5, d.attempts());
        assertEquals("function_error", d.errorKind(), "the stored error stays Convex's refusal");
        assertEquals(T0.plusSeconds(60), d.lastFailedAt());
        List<DeadLetterFailure> history = store.history(id);
        assertEquals(List.of("webhook", "replay"), history.stream().map(DeadLetterFailure::source).toList());
        assertEquals(503, history.get(1).httpStatus());

        assertTrue(store.delete(id));
        assertFalse(store.delete(id), "deleted once");
        long again = store("msg_history", "user.created", T0);
        assertEquals(1, store.history(again).size(), "a deleted dead letter leaves no history behind");
    }

    @Test
    void filtersByTypeErrorKindAndTimeOfLastFailure() {
        long created = store("msg_a", "user.created", T0);
        long deleted = store("msg_b", "user.deleted", T0.plusSeconds(3600));
        assertEquals(List.of(created), ids(new DeadLetterFilter(Optional.empty(), Optional.of("user.created"),
                Optional.empty(), Optional.empty(), Optional.empty())));
        assertEquals(List.of(deleted), ids(new DeadLetterFilter(Optional.empty(), Optional.empty(), Optional.of("function_error"),
                Optional.of(T0.plusSeconds(1)), Optional.empty())));
        assertEquals(List.of(created), ids(new DeadLetterFilter(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(T0.plusSeconds(1)))), "until is exclusive of later failures");
        assertEquals(List.of(), ids(new DeadLetterFilter(Optional.empty(), Optional.empty(), Optional.of("rejected"),
                Optional.empty(), Optional.empty())));
        assertEquals(List.of(created, deleted), ids(DeadLetterFilter.ALL));
    }

    private List<Long> ids(DeadLetterFilter filter) {
        return store.list(filter).stream().map(DeadLetter::id).toList();
    }
}
