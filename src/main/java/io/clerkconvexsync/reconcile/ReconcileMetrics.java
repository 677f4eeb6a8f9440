package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.config.ReconcileKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reconcile pass's meters, in the runtime's Prometheus registry: {@code reconcile_runs_total{result}},
 * {@code reconcile_items_total{kind,action}}, {@code reconcile_last_success_timestamp_seconds} and
 * {@code reconcile_scheduled} (1 while RECONCILE_SCHEDULE is set), which the alert on stale passes is gated on.
 */
public final class ReconcileMetrics {
    /** What a pass can end in. */
    static final List<String> RESULTS = List.of("complete", "incomplete");
    /**
     * What happened to items: Convex's upsert answers (a tombstoned item is "tombstoned", one Convex refused for good
     * "refused"), then the sweep's: deleted or kept on Clerk's word, archived (plans), re-read through the payer or
     * left unresolved (subscription items).
     */
    static final List<String> ACTIONS = List.of("inserted", "updated", "unchanged", "stale", "tombstoned", "refused",
            "deleted", "kept", "archived", "reread", "unresolved");

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong lastSuccess;

    /** @param startedAt until a pass succeeds, the age the alert measures counts from the start of the process */
    public ReconcileMetrics(MeterRegistry registry, boolean scheduled, Instant startedAt) {
        this.registry = registry;
        this.lastSuccess = new AtomicLong(startedAt.getEpochSecond());
        RESULTS.forEach(this::runCounter);
        for (ReconcileKind kind : ReconcileKind.values()) {
            ACTIONS.forEach(action -> itemCounter(kind, action));
        }
        Gauge.builder("reconcile.last.success.timestamp", lastSuccess, AtomicLong::get).baseUnit("seconds")
                .description("When the last complete reconcile pass ended (the process start until one has)")
                .register(registry);
        Gauge.builder("reconcile.scheduled", () -> scheduled ? 1 : 0)
                .description("1 when RECONCILE_SCHEDULE is set").register(registry);
    }

    void run(boolean complete, Instant endedAt) {
        runCounter(complete ? "complete" : "incomplete").increment();
        if (complete) {
            lastSuccess.set(endedAt.getEpochSecond());
        }
    }

    void items(ReconcileKind kind, String action, long count) {
        if (count > 0) {
            itemCounter(kind, action).increment(count);
        }
    }

    private Counter runCounter(String result) {
        return counters.computeIfAbsent("runs\n" + result, k -> Counter.builder("reconcile.runs")
                .description("Reconcile passes by result").tag("result", result).register(registry));
    }

    private Counter itemCounter(ReconcileKind kind, String action) {
        return counters.computeIfAbsent("items\n" + kind + "\n" + action, k -> Counter.builder("reconcile.items")
                .description("Clerk objects handled by reconcile passes, by kind and what was done")
                .tag("kind", kind.wireName()).tag("action", action).register(registry));
    }
}
