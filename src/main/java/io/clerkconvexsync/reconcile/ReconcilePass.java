package io.clerkconvexsync.reconcile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.intake.ClerkEventParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One reconcile pass: list every Clerk user and upsert them into Convex in batches (the Convex calls overlap the
 * listing), then, only when the listing completed without error, sweep Convex for users Clerk did not list. A
 * candidate is deleted only when Clerk answers 404 for it in this pass; one that Clerk still has (offset paging skips
 * users when others are deleted during the listing) is kept and upserted. Too many candidates mean the wrong Clerk
 * instance, not deletions: then nothing is deleted at all.
 *
 * <p>Memory: two pages of Clerk users (the one being handed over, the next being read), the batches in flight, and
 * the set of ids seen.
 */
public final class ReconcilePass {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcilePass.class);

    private final String id;
    private final ReconcileOptions options;
    private final ReconcileSettings settings;
    private final Clock clock;
    private final Instant startedAt;
    private volatile Instant finishedAt;
    private volatile boolean complete;
    private volatile String reason;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicLong clerkPages = new AtomicLong();
    private final AtomicLong clerkUsers = new AtomicLong();
    private final AtomicLong convexUsers = new AtomicLong();
    private final AtomicLong candidates = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong kept = new AtomicLong();
    private final UpsertCounts upserted = new UpsertCounts();
    private volatile ClerkUsers clerk;
    private volatile ConvexUsers convex;

    ReconcilePass(String id, ReconcileOptions options, ReconcileSettings settings, Clock clock) {
        this.id = id;
        this.options = options;
        this.settings = settings;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public String id() {
        return id;
    }

    public ReconcileOptions options() {
        return options;
    }

    public boolean running() {
        return finishedAt == null;
    }

    public boolean complete() {
        return complete;
    }

    /** Stops the pass at its next step (its lease was lost to another instance). */
    void abort(String why) {
        failure.compareAndSet(null, why);
    }

    /** Runs the pass in this thread; the summary tells how it ended once {@link #finish} is called. */
    void run(ClerkUsers clerk, ConvexUsers convex, ReconcileMetrics metrics, Consumer<String> progress) {
        this.clerk = clerk;
        this.convex = convex;
        ExecutorService workers = Executors.newFixedThreadPool(settings.concurrentBatches(),
                r -> daemon(r, "reconcile-batch-" + id));
        Batches batches = new Batches(workers, metrics);
        try {
            Set<String> seen = list(batches, progress);
            batches.awaitAll();
            goOn();
            if (options.noDelete()) {
                progress.accept("reconcile: deletion sweep skipped (--no-delete)");
            } else {
                sweep(seen, batches, metrics, progress);
                batches.awaitAll();
                goOn();
            }
            complete = true;
        } catch (ReconcileException e) {
            reason = e.getMessage();
        } catch (RuntimeException e) {
            reason = "the pass failed inside the runtime: " + e;
            LOG.error("Reconcile pass {} failed inside the runtime", id, e);
        } finally {
            batches.awaitAll(); // no Convex call may outlive the pass (and its lock)
            workers.shutdownNow();
            if (reason == null && failure.get() != null) {
                reason = failure.get();
                complete = false;
            }
        }
    }

    /** Marks the pass ended, once its lock is released: until then it shows as running and no other may start. */
    void finish(ReconcileMetrics metrics) {
        finishedAt = clock.instant();
        metrics.run(complete, finishedAt);
    }

    /**
     * Lists Clerk page by page, oldest first: the next page is read while this one is handed to Convex in batches,
     * so at most two pages are held at once.
     */
    private Set<String> list(Batches batches, Consumer<String> progress) {
        Set<String> seen = new HashSet<>();
        List<ListedUser> batch = new ArrayList<>(settings.batchSize());
        long started = System.nanoTime();
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> daemon(r, "reconcile-clerk-" + id));
        try {
            Future<List<ListedUser>> next = reader.submit(() -> clerk.page(0));
            for (int offset = 0; ; ) {
                List<ListedUser> page = await(next);
                goOn();
                clerkPages.incrementAndGet();
                int following = offset + page.size();
                boolean last = page.size() < settings.clerkPageSize();
                if (!last) {
                    next = reader.submit(() -> clerk.page(following));
                }
                for (ListedUser user : page) {
                    if (seen.add(user.id())) { // offset paging repeats a user when others are created before it
                        clerkUsers.incrementAndGet();
                        batch.add(user);
                        if (batch.size() == settings.batchSize()) {
                            batches.upsert(batch);
                            batch = new ArrayList<>(settings.batchSize());
                        }
                    }
                }
                double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
                progress.accept(String.format("reconcile: Clerk page %d, %d users listed, %d upserted, %.0f users/s",
                        clerkPages.get(), clerkUsers.get(), upsertedTotal(), clerkUsers.get() / seconds));
                if (last) {
                    break;
                }
                offset = following;
            }
        } finally {
            reader.shutdownNow();
        }
        batches.upsert(batch);
        return seen;
    }

    private static List<ListedUser> await(Future<List<ListedUser>> page) {
        try {
            return page.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new ReconcileException(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReconcileException("interrupted while listing Clerk");
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Convex's users that Clerk did not list: deleted when Clerk answers 404 for them, else kept and upserted. */
    private void sweep(Set<String> seen, Batches batches, ReconcileMetrics metrics, Consumer<String> progress) {
        List<String> missing = new ArrayList<>();
        String cursor = null;
        ConvexUsers.IdPage page;
        do {
            goOn();
            page = convex.page(cursor);
            for (String externalId : page.ids()) {
                convexUsers.incrementAndGet();
                // past max-deletes the pass will delete nothing: count the rest, but keep no more ids in memory
                if (!seen.contains(externalId) && candidates.incrementAndGet() <= keepAtMost()) {
                    missing.add(externalId);
                }
            }
            cursor = page.cursor();
        } while (!page.done());
        progress.accept("reconcile: Convex has " + convexUsers.get() + " users, " + candidates.get() + " not listed by Clerk");
        refuseMassDeletion(candidates.get());

        List<ListedUser> stillInClerk = new ArrayList<>();
        for (String userId : missing) {
            goOn();
            var user = clerk.user(userId);
            if (user.isPresent()) {
                kept.incrementAndGet();
                metrics.users("kept", 1);
                stillInClerk.add(user.get());
                if (stillInClerk.size() == settings.batchSize()) {
                    batches.upsert(stillInClerk);
                    stillInClerk = new ArrayList<>();
                }
            } else if (!options.dryRun()) {
                convex.delete(userId);
                deleted.incrementAndGet();
                metrics.users("deleted", 1);
            }
        }
        batches.upsert(stillInClerk);
    }

    private long keepAtMost() {
        return options.allowMassDelete() ? Long.MAX_VALUE : settings.maxDeletes() + 1L;
    }

    /** The wrong-key safety: a development key against a production deployment lists none of its users. */
    private void refuseMassDeletion(long count) {
        if (options.allowMassDelete()) {
            return;
        }
        long total = convexUsers.get();
        String limit = null;
        if (count > settings.maxDeletes()) {
            limit = "reconcile.max-deletes (" + settings.maxDeletes() + ")";
        } else if (count > settings.maxDeleteFraction() * total) {
            limit = "reconcile.max-delete-fraction (" + settings.maxDeleteFraction() + " of " + total + " Convex users)";
        }
        if (limit != null) {
            throw new ReconcileException(count + " Convex users are not in Clerk's listing, more than " + limit
                    + ": nothing was deleted. Check that CLERK_SECRET_KEY is the key of the Clerk instance whose users "
                    + "this Convex deployment holds (a development key lists none of production's users). If these "
                    + "deletions are meant, run this pass once with " + ReconcileOptions.OVERRIDE_FLAG
                    + " (HTTP: POST /reconcile?allowMassDelete=true) or raise the limit.");
        }
    }

    /** Throws when a batch failed or the lease was lost: nothing more may be written. */
    private void goOn() {
        String why = failure.get();
        if (why != null) {
            throw new ReconcileException(why);
        }
    }

    private long upsertedTotal() {
        return UpsertCounts.ACTIONS.stream().mapToLong(upserted::get).sum();
    }

    /** Batches sent to Convex on a few worker threads, at most two per worker waiting, so memory stays bounded. */
    private final class Batches {
        private final ExecutorService workers;
        private final ReconcileMetrics metrics;
        private final Semaphore slots;
        private final int capacity;

        Batches(ExecutorService workers, ReconcileMetrics metrics) {
            this.workers = workers;
            this.metrics = metrics;
            this.capacity = settings.concurrentBatches() * 2;
            this.slots = new Semaphore(capacity);
        }

        void upsert(List<ListedUser> batch) {
            if (batch.isEmpty() || options.dryRun()) {
                return;
            }
            slots.acquireUninterruptibly();
            workers.execute(() -> {
                try {
                    if (failure.get() == null) {
                        long[] counts = upserted.add(convex.upsert(batch));
                        for (int i = 0; i < counts.length; i++) {
                            String action = UpsertCounts.ACTIONS.get(i);
                            metrics.users("deleted".equals(action) ? "tombstoned" : action, counts[i]);
                        }
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e.getMessage());
                } finally {
                    slots.release();
                }
            });
        }

        /** Waits until every batch handed over so far has been answered. */
        void awaitAll() {
            slots.acquireUninterruptibly(capacity);
            slots.release(capacity);
        }
    }

    /** The pass as the CLI prints it and the admin API shows it; while it runs, its progress so far. */
    public ObjectNode toJson() {
        ObjectNode json = ClerkEventParser.JSON.createObjectNode();
        json.put("id", id);
        json.put("state", running() ? "running" : complete ? "complete" : "incomplete");
        json.put("complete", complete);
        if (reason != null) {
            json.put("reason", reason);
        }
        json.put("dryRun", options.dryRun());
        json.put("noDelete", options.noDelete());
        json.put("startedAt", startedAt.toString());
        if (finishedAt != null) {
            json.put("finishedAt", finishedAt.toString());
            json.put("seconds", Duration.between(startedAt, finishedAt).toMillis() / 1000.0);
        }
        json.put("clerkPages", clerkPages.get());
        json.put("clerkUsers", clerkUsers.get());
        json.set("upserted", upserted.toJson());
        json.put("convexUsers", convexUsers.get());
        json.put("candidates", candidates.get());
        json.put("deleted", deleted.get());
        if (options.dryRun()) {
            json.put("wouldUpsert", clerkUsers.get() + kept.get());
            json.put("wouldDelete", candidates.get() - kept.get());
        }
        json.put("kept", kept.get());
        json.put("clerkRequests", clerk == null ? 0 : clerk.requests());
        json.put("convexCalls", convex == null ? 0 : convex.calls());
        return json;
    }
}
