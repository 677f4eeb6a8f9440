package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.config.ReconcileKind;
import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.reconcile.ReconciledKind.StoredItem;
import io.clerkconvexsync.tracing.WorkSpans;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One reconcile pass over the chosen kinds, in {@link ReconcileKind}'s order (roles, organizations, users, memberships, …),
 * each the same step ({@link ReconciledKind} says where its data lives): list every Clerk object of the kind and
 * upsert them into Convex in batches (the Convex calls overlap the listing), then, only when that listing completed
 * without error, sweep Convex for items Clerk did not list. Each candidate is settled by its kind's confirm step
 * ({@link Confirmation}): deleted only when Clerk confirms it gone in this pass (a lookup's 404; for a membership, its
 * organization's 404 or its absence from the organization's memberships of that user), archived (plans: reversible,
 * so not weighed), or re-read through its payer (subscription items, never deleted); one that Clerk still has (offset paging skips objects when others are
 * deleted during the listing, and misses those created meanwhile) is kept and upserted. Too many confirmed gone,
 * with what their deletion removes in cascade, mean the wrong Clerk instance, not deletions: then nothing of that
 * kind is deleted at all, and the pass stops. A membership whose organization or user this pass deleted is left to
 * Convex's cascade, and weighed with them.
 *
 * <p>A batch Convex refuses for good is split until the refused items are alone; they are reported and skipped, and
 * the pass goes on (they were listed, so the sweep never deletes them). A deletion Convex refuses (the app's hook
 * threw) is reported the same way, and the sweep goes on to the next. More than {@code reconcile.max-refused}
 * refusals stop the pass: that is the function or the hook, not the items.
 *
 * <p>Memory: two pages of Clerk objects (the one being handed over, the next being read), the batches in flight,
 * the set of ids seen of the kind being reconciled, and the items Clerk confirmed gone (at most
 * {@code reconcile.max-deletes} + 1 of them, but for a pass with {@code --allow-mass-delete}).
 */
public final class ReconcilePass {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcilePass.class);

    private final String id;
    private final ReconcileOptions options;
    private final ReconcileSettings settings;
    private final Clock clock;
    private final Instant startedAt;
    private final Map<ReconcileKind, KindTally> tallies = new EnumMap<>(ReconcileKind.class);
    private volatile Instant finishedAt;
    private volatile boolean complete;
    private volatile String reason;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicLong refused = new AtomicLong();
    private volatile ClerkBackend clerk;
    private volatile ConvexSide convex;
    private final WorkSpans spans;
    /** Where the cascades of organizations' and users' deletions remove from: memberships. */
    private volatile ReconciledKind memberships;
    /** The organizations and users this pass deleted (in a dry run, would delete): their memberships go with them. */
    private final List<Cascading> cascading = new ArrayList<>();

    /** Ids of a kind whose deletion removes memberships, and the membership's field that names such an item. */
    private record Cascading(Function<StoredItem, String> owner, Set<String> ids) {
    }

    ReconcilePass(String id, ReconcileOptions options, ReconcileSettings settings, Clock clock, WorkSpans spans) {
        this.spans = spans;
        this.id = id;
        this.options = options;
        this.settings = settings;
        this.clock = clock;
        this.startedAt = clock.instant();
        options.kinds().forEach(kind -> tallies.put(kind, new KindTally()));
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
    void run(List<ReconciledKind> kinds, ReconciledKind memberships, ClerkBackend clerk, ConvexSide convex,
             ReconcileMetrics metrics, Consumer<String> progress) {
        this.clerk = clerk;
        this.convex = convex;
        this.memberships = memberships;
        ExecutorService workers = Executors.newFixedThreadPool(settings.concurrentBatches(),
                r -> daemon(r, "reconcile-batch-" + id));
        Batches batches = new Batches(workers, metrics);
        // one trace per pass: a span per kind, and under it one per Clerk page and per Convex batch (ReconcileTrace)
        Span passSpan = ReconcileTrace.pass(spans, id, options);
        try (Scope passScope = WorkSpans.current(passSpan)) {
            for (ReconciledKind kind : kinds) {
                KindTally tally = tallies.get(kind.kind());
                tally.state = "listing";
                Span kindSpan = spans.child("reconcile " + kind.name());
                try (Scope kindScope = WorkSpans.current(kindSpan)) {
                    reconcile(kind, tally, batches, metrics, progress);
                } finally {
                    ReconcileTrace.endKind(kindSpan, kind, tally);
                }
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
            ReconcileTrace.endPass(passSpan, complete, reason);
        }
    }

    /** One kind: Clerk's listing upserted, then (unless --no-delete) the deletion sweep. */
    private void reconcile(ReconciledKind kind, KindTally tally, Batches batches, ReconcileMetrics metrics,
                           Consumer<String> progress) {
        Set<String> seen = list(kind, tally, batches);
        batches.awaitAll();
        goOn();
        progress.accept("reconcile: " + kind.name() + ": " + tally.listed.get() + " listed by Clerk in "
                + tally.clerkPages.get() + " pages, " + tally.upsertedTotal() + " upserted, "
                + tally.refused.get() + " refused by Convex");
        if (options.noDelete()) {
            progress.accept("reconcile: " + kind.name() + ": deletion sweep skipped (--no-delete)");
        } else {
            tally.state = "sweeping";
            sweep(kind, tally, seen, batches, metrics, progress);
            batches.awaitAll();
            goOn();
        }
        tally.state = "done";
    }

    /** Marks the pass ended, once its lock is released: until then it shows as running and no other may start. */
    void finish(ReconcileMetrics metrics) {
        finishedAt = clock.instant();
        metrics.run(complete, finishedAt);
    }

    /** One line on where the pass is, for the progress shown while it runs (also while it waits on Clerk). */
    String progressLine() {
        StringBuilder line = new StringBuilder("reconcile ").append(id).append(": ")
                .append(Duration.between(startedAt, clock.instant()).toSeconds()).append(" s");
        tallies.forEach((kind, tally) -> {
            if (!"waiting".equals(tally.state)) {
                line.append("; ").append(kind.wireName()).append(' ').append(tally.state).append(": ")
                        .append(tally.listed.get()).append(" listed, ").append(tally.upsertedTotal()).append(" upserted");
                if (tally.candidates.get() > 0) {
                    line.append(", ").append(tally.candidates.get()).append(" not listed, ")
                            .append(tally.deleted.get()).append(" deleted");
                }
            }
        });
        ClerkBackend clerk = this.clerk;
        String waiting = clerk == null ? null : clerk.waitingFor();
        if (waiting != null) {
            line.append("; waiting for ").append(waiting);
        }
        return line.toString();
    }

    /**
     * Lists Clerk page by page, oldest first: the next page is read while this one is handed to Convex in batches,
     * so at most two pages are held at once.
     */
    private Set<String> list(ReconciledKind kind, KindTally tally, Batches batches) {
        Set<String> seen = new HashSet<>();
        List<ClerkObject> batch = new ArrayList<>(settings.batchSize());
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> daemon(r, "reconcile-clerk-" + id));
        try {
            Future<List<ClerkObject>> next = reader.submit(ReconcileTrace.clerkPage(spans, kind, 0,
                    () -> clerk.page(kind, 0)));
            for (int offset = 0; ; ) {
                List<ClerkObject> page = await(next);
                goOn();
                tally.clerkPages.incrementAndGet();
                int following = offset + page.size();
                boolean last = page.size() < settings.clerkPageSize();
                if (!last) {
                    next = reader.submit(ReconcileTrace.clerkPage(spans, kind, following,
                            () -> clerk.page(kind, following)));
                }
                for (ClerkObject object : page) {
                    if (seen.add(object.id())) { // offset paging repeats an object when others are created before it
                        tally.listed.incrementAndGet();
                        batch.add(object);
                        if (batch.size() == settings.batchSize()) {
                            batches.upsert(kind, tally, batch);
                            batch = new ArrayList<>(settings.batchSize());
                        }
                    }
                }
                if (last) {
                    break;
                }
                offset = following;
            }
        } finally {
            reader.shutdownNow();
        }
        batches.upsert(kind, tally, batch);
        return seen;
    }

    private static List<ClerkObject> await(Future<List<ClerkObject>> page) {
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

    /**
     * Convex's items that Clerk did not list, page by page: each is confirmed with Clerk at once; what Clerk still has
     * is kept and upserted, what it confirms gone is deleted once the whole kind is weighed ({@link #weigh}).
     */
    private void sweep(ReconciledKind kind, KindTally tally, Set<String> seen, Batches batches, ReconcileMetrics metrics,
                       Consumer<String> progress) {
        Sweep sweep = new Sweep(kind, tally, seen, batches, metrics);
        String cursor = null;
        ConvexSide.IdPage page;
        do {
            goOn();
            page = convex.page(kind, cursor);
            List<StoredItem> notListed = new ArrayList<>();
            for (StoredItem item : page.items()) {
                tally.inConvex.incrementAndGet();
                if (seen.contains(item.id()) || !kind.confirm().concerns(item)) {
                    continue;
                }
                if (kind.kind() == ReconcileKind.MEMBERSHIPS && removedByACascade(item)) {
                    tally.cascaded.incrementAndGet();
                } else {
                    tally.candidates.incrementAndGet();
                    notListed.add(item);
                }
            }
            kind.confirm().settle(notListed, clerk, kind, sweep);
            cursor = page.cursor();
        } while (!page.done());
        sweep.flush();
        progress.accept("reconcile: " + kind.name() + ": Convex has " + tally.inConvex.get() + ", "
                + tally.candidates.get() + " not listed by Clerk, " + sweep.gone.size() + " of them confirmed gone");
        weigh(kind, tally, sweep.gone, true);
        sweep.deleteGone();
    }

    /** A membership whose organization or user this pass deleted (or, in a dry run, would): Convex's cascade removes it. */
    private boolean removedByACascade(StoredItem membership) {
        return cascading.stream().anyMatch(c -> c.ids().contains(c.owner().apply(membership)));
    }

    /**
     * The keeps, deletions, archives and re-reads of one kind's sweep: what Clerk still has is upserted in batches at
     * once, a plan archived at once; what Clerk confirms gone waits until the kind is weighed, then is deleted.
     */
    private final class Sweep implements Confirmation.Settlement {
        private final ReconciledKind kind;
        private final KindTally tally;
        private final Set<String> seen;
        private final Batches batches;
        private final ReconcileMetrics metrics;
        private final List<StoredItem> gone = new ArrayList<>();
        private List<ClerkObject> stillInClerk = new ArrayList<>();

        Sweep(ReconciledKind kind, KindTally tally, Set<String> seen, Batches batches, ReconcileMetrics metrics) {
            this.kind = kind;
            this.tally = tally;
            this.seen = seen;
            this.batches = batches;
            this.metrics = metrics;
        }

        @Override
        public void goOn() {
            ReconcilePass.this.goOn();
        }

        /**
         * A plan to archive, at once: not weighed like a deletion, since an archive takes nothing away (the plan's
         * next listing clears it) and pageExternalIds still gives the plans archived before, every pass. Counted
         * when Convex archived it now, not when it already was.
         */
        @Override
        public void archive(StoredItem item) {
            if (options.dryRun()) {
                return;
            }
            try {
                if ("archived".equals(convex.delete(kind, item).asText())) {
                    tally.archived.incrementAndGet();
                    metrics.items(kind.kind(), "archived", 1);
                }
            } catch (ConvexSide.Refused refusal) {
                refused(kind, tally, item.id(), refusal, metrics);
            }
        }

        @Override
        public void reread(StoredItem item, boolean answered) {
            (answered ? tally.reread : tally.unresolved).incrementAndGet();
            metrics.items(kind.kind(), answered ? "reread" : "unresolved", 1);
        }

        @Override
        public void confirm(StoredItem item, ClerkObject inClerk) {
            if (inClerk != null) {
                tally.kept.incrementAndGet();
                metrics.items(kind.kind(), "kept", 1);
                refresh(inClerk);
            } else {
                gone.add(item);
                // past max-deletes nothing of the kind is deleted: no need to look further (a wrong key stops here)
                weigh(kind, tally, gone, false);
            }
        }

        @Override
        public void refresh(ClerkObject inClerk) {
            if (seen.add(inClerk.id())) {
                stillInClerk.add(inClerk);
            }
            if (stillInClerk.size() == settings.batchSize()) {
                flush();
            }
        }

        void flush() {
            batches.upsert(kind, tally, stillInClerk);
            stillInClerk = new ArrayList<>();
        }

        /** Deletes what Clerk confirmed gone, once weighed; a deletion Convex refuses is reported and skipped. */
        void deleteGone() {
            Set<String> removed = new HashSet<>();
            if (kind.cascadeOwner() != null) {
                cascading.add(new Cascading(kind.cascadeOwner(), removed));
            }
            for (StoredItem item : gone) {
                goOn();
                if (options.dryRun()) {
                    removed.add(item.id()); // the verdict of the real pass, which deletes it
                    continue;
                }
                try {
                    convex.delete(kind, item);
                    removed.add(item.id());
                    tally.deleted.incrementAndGet();
                    metrics.items(kind.kind(), "deleted", 1);
                } catch (ConvexSide.Refused refusal) {
                    refused(kind, tally, item.id(), refusal, metrics);
                }
            }
        }
    }

    /**
     * One item Convex refused for good (an upsert's, a deletion's): reported with Convex's message, counted, and not
     * sent again in this pass. More than {@code reconcile.max-refused} of them stop the pass: that is the function or
     * the app's hook, not the items.
     */
    private void refused(ReconciledKind kind, KindTally tally, String id, ConvexSide.Refused refusal,
                         ReconcileMetrics metrics) {
        tally.refuse(id, refusal.convexMessage(), refusal.hook());
        metrics.items(kind.kind(), "refused", 1);
        if (refused.incrementAndGet() > settings.maxRefused()) {
            throw new ReconcileException("Convex refused more than reconcile.max-refused (" + settings.maxRefused()
                    + ") items, the last " + kind.name() + " " + id + ": " + refusal.getMessage()
                    + (refusal.hook() == null ? "" : ", where the app's " + refusal.hook() + " hook threw")
                    + ". The summary's refusedItems hold Convex's messages");
        }
    }

    /**
     * The wrong-key safety, on what Clerk confirmed gone: a development key against a production deployment lists
     * none of its data, and then every lookup confirms. The weight of a kind's deletions is the items and what
     * Convex's cascade removes with them (an organization's or a user's memberships), against
     * {@code reconcile.max-deletes}; the items' share of what Convex holds of their kind once this pass's upserts are
     * in (Clerk's listing and the items it did not list), and the cascade's of the memberships Convex holds, against
     * {@code reconcile.max-delete-fraction}. The same figures for a dry run, which writes nothing, as for the real
     * pass on the same data. {@code whole}: the sweep is through, else only the count so far is weighed.
     */
    private void weigh(ReconciledKind kind, KindTally tally, List<StoredItem> gone, boolean whole) {
        if (options.allowMassDelete() || gone.isEmpty()) {
            return;
        }
        long count = gone.size();
        if (!whole) {
            if (count > settings.maxDeletes()) {
                throw massDeletion(kind, count + " Convex " + kind.name() + " that Clerk confirms gone (it was asked"
                        + " no further)", "reconcile.max-deletes (" + settings.maxDeletes() + ")");
            }
            return;
        }
        Cascade cascade = cascade(kind, gone);
        long total = tally.listed.get() + tally.candidates.get();
        String limit = null;
        if (count + cascade.removed() > settings.maxDeletes()) {
            limit = "reconcile.max-deletes (" + settings.maxDeletes() + ")";
        } else if (count > settings.maxDeleteFraction() * total) {
            limit = "reconcile.max-delete-fraction (" + settings.maxDeleteFraction() + " of the " + total + " "
                    + kind.name() + " Convex holds with Clerk's " + tally.listed.get() + ")";
        } else if (cascade.removed() > settings.maxDeleteFraction() * cascade.held()) {
            limit = "reconcile.max-delete-fraction (" + settings.maxDeleteFraction() + " of the " + cascade.held()
                    + " memberships Convex holds)";
        }
        if (limit != null) {
            throw massDeletion(kind, count + " Convex " + kind.name() + " that Clerk confirms gone"
                    + (cascade.removed() > 0 ? ", with the " + cascade.removed() + " memberships their deletion removes," : ""),
                    limit);
        }
    }

    private ReconcileException massDeletion(ReconciledKind kind, String what, String limit) {
        return new ReconcileException(what + " are more than " + limit + ": nothing of the " + kind.name()
                + " was deleted. Check that CLERK_SECRET_KEY is the key of the Clerk instance whose data this Convex "
                + "deployment holds (a development key lists none of production's, and Clerk then confirms every one "
                + "gone). If these deletions are meant, run this pass once with " + ReconcileOptions.OVERRIDE_FLAG
                + " (HTTP: POST /reconcile?allowMassDelete=true) or raise the limit.");
    }

    /** What Convex's cascade removes with these items: their memberships, of how many Convex holds. */
    private record Cascade(long removed, long held) {
    }

    private Cascade cascade(ReconciledKind kind, List<StoredItem> gone) {
        Function<StoredItem, String> owner = kind.cascadeOwner();
        if (owner == null || memberships == null) {
            return new Cascade(0, 0);
        }
        Set<String> ids = new HashSet<>();
        gone.forEach(item -> ids.add(item.id()));
        long removed = 0;
        long held = 0;
        String cursor = null;
        ConvexSide.IdPage page;
        do {
            goOn();
            page = convex.pageIfDeployed(memberships, cursor);
            if (page == null) { // an app without memberships (the function is not deployed): nothing to cascade to
                return new Cascade(0, 0);
            }
            for (StoredItem membership : page.items()) {
                held++;
                if (ids.contains(owner.apply(membership))) {
                    removed++;
                }
            }
            cursor = page.cursor();
        } while (!page.done());
        return new Cascade(removed, held);
    }

    /** Throws when a batch failed or the lease was lost: nothing more may be written. */
    private void goOn() {
        String why = failure.get();
        if (why != null) {
            throw new ReconcileException(why);
        }
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

        void upsert(ReconciledKind kind, KindTally tally, List<ClerkObject> batch) {
            if (batch.isEmpty() || options.dryRun()) {
                return;
            }
            slots.acquireUninterruptibly();
            workers.execute(ReconcileTrace.convexBatch(spans, kind, batch.size(), () -> {
                try {
                    if (failure.get() == null) {
                        send(kind, tally, batch, 1);
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e.getMessage());
                } finally {
                    slots.release();
                }
            }));
        }

        /**
         * One batch; when Convex refuses it for good, its halves, until each refused item is alone (a mutation is
         * one transaction: a refused batch wrote nothing, so each half is simply sent again). When Convex leaves it
         * unanswered ({@code attempt} of {@code reconcile.convex-attempts}), its halves again, after a pause: smaller
         * and later, which a Convex slowed by the batches in flight answers in time.
         */
        private void send(ReconciledKind kind, KindTally tally, List<ClerkObject> batch, int attempt) {
            try {
                long[] counts = tally.upserted.add(convex.upsert(kind, batch));
                for (int i = 0; i < counts.length; i++) {
                    String action = UpsertCounts.ACTIONS.get(i);
                    metrics.items(kind.kind(), "deleted".equals(action) ? "tombstoned" : action, counts[i]);
                }
            } catch (ConvexSide.Unavailable unavailable) {
                if (attempt >= settings.convexAttempts()) {
                    throw convex.gaveUp(kind.upsertFunction(), attempt, unavailable);
                }
                if (attempt == 1) { // its halves, if sent again, are these same items
                    tally.resent.addAndGet(batch.size());
                }
                convex.pauseBefore(attempt + 1);
                goOn();
                halves(kind, tally, batch, attempt + 1);
            } catch (ConvexSide.Refused refusal) {
                if (batch.size() > 1) {
                    halves(kind, tally, batch, attempt);
                    return;
                }
                refused(kind, tally, batch.get(0).id(), refusal, metrics);
            }
        }

        private void halves(ReconciledKind kind, KindTally tally, List<ClerkObject> batch, int attempt) {
            int half = Math.max(1, batch.size() / 2);
            send(kind, tally, batch.subList(0, half), attempt);
            if (half < batch.size()) {
                send(kind, tally, batch.subList(half, batch.size()), attempt);
            }
        }

        /** Waits until every batch handed over so far has been answered. */
        void awaitAll() {
            slots.acquireUninterruptibly(capacity);
            slots.release(capacity);
        }
    }

    /** The pass as the CLI prints it and the admin API shows it, one section per kind; while it runs, its progress so far. */
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
        json.put("kinds", ReconcileKind.names(tallies.keySet()));
        json.put("startedAt", startedAt.toString());
        if (finishedAt != null) {
            json.put("finishedAt", finishedAt.toString());
            json.put("seconds", Duration.between(startedAt, finishedAt).toMillis() / 1000.0);
        }
        tallies.forEach((kind, tally) -> json.set(kind.wireName(), tally.toJson(options.dryRun())));
        json.put("refused", refused.get());
        json.put("clerkRequests", clerk == null ? 0 : clerk.requests());
        json.put("convexCalls", convex == null ? 0 : convex.calls());
        return json;
    }

    /**
     * The summary as logged: refused items by id only. Convex's message can quote the item's data, so it goes to
     * the CLI's output and the admin API (behind its token), not to the logs.
     */
    ObjectNode toLoggedJson() {
        ObjectNode json = toJson();
        tallies.keySet().forEach(kind -> json.get(kind.wireName()).withArray("refusedItems")
                .forEach(item -> ((ObjectNode) item).remove("message")));
        return json;
    }
}
