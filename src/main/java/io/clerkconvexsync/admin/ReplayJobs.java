package io.clerkconvexsync.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.store.DeadLetterFilter;
import io.clerkconvexsync.store.DeadLetterStore;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

/**
 * Replays of many dead letters for the admin API, run in the background: {@code POST /dead-letters/replay} answers
 * 202 with the job at once and {@code GET /dead-letters/replay} shows its progress, as {@code POST /reconcile} does.
 * Answering only when done would outlast the management server's idle timeout (30 s: 4,000 replays at 15 ms each
 * took longer) and end in a closed connection with no answer. One job at a time per instance; the claims in the store
 * keep it apart from replays elsewhere. A service of the Camel context: its thread stops with it.
 */
public final class ReplayJobs extends ServiceSupport {
    /** Not delivered ones listed in the job by id, at most; the rest are counted. */
    static final int LISTED = 100;
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ReplayJobs.class);

    private final CamelContext context;
    private final DeadLetterAdmin admin;
    private final Clock clock;
    private volatile Job latest;
    private ExecutorService thread;

    public ReplayJobs(CamelContext context, DeadLetterAdmin admin, Clock clock) {
        this.context = context;
        this.admin = admin;
        this.clock = clock;
    }

    /** A replay job is running here already: answered 409 with its id. */
    public static final class Busy extends RuntimeException {
        final String runningId;

        Busy(String runningId) {
            super("dead-letter replay " + runningId + " is running on this instance; GET /dead-letters/replay shows it",
                    null, false, false);
            this.runningId = runningId;
        }
    }

    /** Starts replaying what the filter matches, in the background. */
    public synchronized ObjectNode start(DeadLetterFilter filter) {
        Job running = latest;
        if (running != null && running.finishedAt == null) {
            throw new Busy(running.id);
        }
        // The job covers what matches now and nothing stored later (webhooks go on dead-lettering meanwhile): up to
        // the highest id now, and never more than counted now (see the README on rows that commit late).
        DeadLetterStore.Matching matching = admin.matching(filter);
        Job job = new Job("rpl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16),
                matching.count(), clock.instant());
        latest = job;
        thread.execute(() -> run(job, filter.upTo(matching.highestId())));
        return job.toJson();
    }

    /** The job running here, or the last one that ran since this instance started. */
    public Optional<ObjectNode> latest() {
        Job job = latest;
        return job == null ? Optional.empty() : Optional.of(job.toJson());
    }

    private void run(Job job, DeadLetterFilter filter) {
        LOG.info("Dead-letter replay {} started: {} dead letter(s) match", job.id, job.matched);
        Instant[] lastReport = {clock.instant()};
        try {
            admin.replay(filter, job::covers, result -> {
                job.add(result);
                Instant now = clock.instant();
                if (Duration.between(lastReport[0], now).compareTo(PROGRESS_EVERY) >= 0) {
                    lastReport[0] = now;
                    LOG.info("Dead-letter replay {}: {}", job.id, job.progress());
                }
            });
            job.finish(clock.instant(), null);
            LOG.info("Dead-letter replay {} complete: {}", job.id, job.progress());
        } catch (RuntimeException e) {
            job.finish(clock.instant(), e.getClass().getSimpleName() + ": " + e.getMessage());
            LOG.warn("Dead-letter replay {} stopped: {} ({})", job.id, job.error, job.progress());
        }
    }

    @Override
    protected void doStart() {
        thread = context.getExecutorServiceManager().newSingleThreadExecutor(this, "dead-letter-replay");
    }

    @Override
    protected void doStop() {
        context.getExecutorServiceManager().shutdownNow(thread);
    }

    /** One job's state; written by its thread, read by GET (synchronized: a few fields that must agree). */
    private static final class Job {
        final String id;
        final long matched;
        final Instant startedAt;
        final Map<String, Long> results = new TreeMap<>();
        final ArrayNode notDelivered = DeadLetterAdmin.JSON.createArrayNode();
        long done;
        Instant finishedAt;
        String error;

        Job(String id, long matched, Instant startedAt) {
            this.id = id;
            this.matched = matched;
            this.startedAt = startedAt;
        }

        /** Whether another one may be replayed: {@code done} never passes {@code matched}. */
        synchronized boolean covers() {
            return done < matched;
        }

        synchronized void add(ReplayResult r) {
            done++;
            results.merge(r.result(), 1L, Long::sum);
            if (!r.delivered() && notDelivered.size() < LISTED) {
                notDelivered.addObject().put("id", r.id()).put("svixId", r.svixId()).put("result", r.result());
            }
        }

        synchronized void finish(Instant at, String failure) {
            finishedAt = at;
            error = failure;
        }

        synchronized String progress() {
            return done + " of " + matched + " done " + results;
        }

        synchronized ObjectNode toJson() {
            ObjectNode node = DeadLetterAdmin.JSON.createObjectNode();
            node.put("id", id);
            node.put("state", finishedAt == null ? "running" : error == null ? "complete" : "failed");
            node.put("status", "GET /dead-letters/replay");
            node.put("matched", matched); // when it started: the job covers these, none added meanwhile
            node.put("done", done);
            node.put("delivered", results.getOrDefault("delivered", 0L));
            ObjectNode counts = node.putObject("results");
            results.forEach(counts::put);
            node.set("notDelivered", notDelivered.deepCopy());
            node.put("startedAt", startedAt.toString());
            node.put("finishedAt", finishedAt == null ? null : finishedAt.toString());
            if (error != null) {
                node.put("error", error);
            }
            return node;
        }
    }
}
