package io.clerkconvexsync.store;

import io.clerkconvexsync.support.OnBothDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdbcDeadLetterStoreTest extends OnBothDatabases {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    static final Duration STALE = Duration.ofMinutes(5);

    JdbcDeadLetterStore store;

    @BeforeEach
    void open() {
        store = new JdbcDeadLetterStore(database.open());
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

    @Test
    void twoInstancesClaimingTheSameDeadLetterAtOnceLetExactlyOneWin() throws Exception {
        long id = store("msg_race", "user.created", T0);
        JdbcDeadLetterStore other = new JdbcDeadLetterStore(database.open());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> claims = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                JdbcDeadLetterStore instance = i % 2 == 0 ? store : other;
                claims.add(pool.submit(() -> instance.claim(id, T0, STALE)));
            }
            int won = 0;
            for (Future<Boolean> claim : claims) {
                won += claim.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, won, "of eight racing claims from two instances exactly one must win");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void restorePutsBackADeadLetterWithItsHistoryOnceAndSkipsAKnownSvixId() {
        DeadLetter exported = new DeadLetter(0, "msg_restore", "user.updated", "users:upsertFromClerk", "rejected", 400,
                "refused", "detail", "{\"a\":1}", Map.of("svix-id", "msg_restore"), 7, T0, T0.plusSeconds(90));
        List<DeadLetterFailure> history = List.of(
                new DeadLetterFailure(T0, "webhook", "rejected", 400, "refused", 4),
                new DeadLetterFailure(T0.plusSeconds(90), "replay", "transient_error", 503, "unavailable", 3));
        DeadLetterStore.Exported entry = new DeadLetterStore.Exported(exported, history);
        assertEquals(1, store.restoreAll(List.of(entry, entry).iterator()), "an unknown svix-id is restored once");
        assertEquals(0, store.restoreAll(List.of(entry).iterator()), "a known svix-id is skipped");

        DeadLetter restored = store.list().get(0);
        assertEquals(1, store.count(), "restored once");
        assertEquals(List.of(exported.svixId(), exported.attempts(), exported.firstFailedAt(), exported.lastFailedAt(),
                exported.body(), exported.headers(), exported.errorDetail()),
                List.of(restored.svixId(), restored.attempts(), restored.firstFailedAt(), restored.lastFailedAt(),
                        restored.body(), restored.headers(), restored.errorDetail()), "kept as it was exported");
        assertEquals(history, store.history(restored.id()), "its history comes back in order");
    }

    @Test
    void aRestoreThatFailsPartWayStoresNothing() {
        DeadLetter good = new DeadLetter(0, "msg_good", "user.created", null, "rejected", 400, "refused", null, "{}",
                Map.of(), 1, T0, T0);
        DeadLetter tooLong = new DeadLetter(0, "msg_" + "x".repeat(300), "user.created", null, "rejected", 400, "refused",
                null, "{}", Map.of(), 1, T0, T0);
        List<DeadLetterStore.Exported> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 450; i++) { // past a batch, so that some writes have gone out before the failing one
            entries.add(new DeadLetterStore.Exported(new DeadLetter(0, good.svixId() + i, good.eventType(), null,
                    good.errorKind(), 400, "refused", null, "{}", Map.of(), 1, T0, T0), List.of()));
        }
        entries.add(new DeadLetterStore.Exported(tooLong, List.of()));
        org.junit.jupiter.api.Assertions.assertThrows(StoreException.class, () -> store.restoreAll(entries.iterator()));
        assertEquals(0, store.count(), "one transaction: nothing of a failed restore is stored");
    }

    @Test
    void pagesOfSummariesFollowTheIdAndLeaveTheBodiesUnread() {
        List<Long> stored = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            stored.add(store("msg_page" + i, i % 2 == 0 ? "user.created" : "user.deleted", T0.plusSeconds(i)));
        }
        List<DeadLetter> first = store.summaries(DeadLetterFilter.ALL, 0, 3);
        List<DeadLetter> second = store.summaries(DeadLetterFilter.ALL, first.get(2).id(), 3);
        List<DeadLetter> third = store.summaries(DeadLetterFilter.ALL, second.get(2).id(), 3);
        assertEquals(stored, java.util.stream.Stream.of(first, second, third).flatMap(List::stream).map(DeadLetter::id)
                .toList(), "three pages hold each dead letter once, in order");
        assertEquals(null, first.get(0).body(), "a summary does not read the body");
        DeadLetterFilter created = new DeadLetterFilter(Optional.empty(), Optional.of("user.created"), Optional.empty(),
                Optional.empty(), Optional.empty());
        assertEquals(List.of(stored.get(2), stored.get(4)), store.summaries(created, stored.get(0), 2).stream()
                .map(DeadLetter::id).toList(), "filters and pages together");
        assertEquals(4, store.count(created));
    }

    @Test
    void forEachHandsOverEveryRowWithItsHistoryInIdOrder() throws Exception {
        List<Long> stored = new java.util.ArrayList<>();
        for (int i = 0; i < 450; i++) { // more than a fetch
            stored.add(store("msg_each" + i, "user.created", T0.plusSeconds(i)));
        }
        List<Long> seen = new java.util.ArrayList<>();
        store.forEach(DeadLetterFilter.ALL, true, (d, history) -> {
            seen.add(d.id());
            assertEquals("{}", d.body(), "a full row has its body");
            assertEquals(1, history.size(), "and its history");
        });
        assertEquals(stored, seen);
    }

    private List<Long> ids(DeadLetterFilter filter) {
        return store.list(filter).stream().map(DeadLetter::id).toList();
    }
}
