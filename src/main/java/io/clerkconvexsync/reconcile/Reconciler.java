package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.config.ReconcileKind;
import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.store.LeaseStore;
import io.clerkconvexsync.tracing.WorkSpans;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts reconcile passes, the same way for its three doors (CLI, admin API, schedule): at most one at a time across
 * every instance, through a lease in the shared database that the running pass renews and that lapses when its
 * instance dies. Remembers the current or last pass of this process for {@code GET /reconcile}. A service of the Camel
 * context: its threads start and stop with it.
 */
public final class Reconciler extends ServiceSupport {
    public static final String BEAN = "reconciler";
    static final String LEASE = "reconcile";

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final CamelContext context;
    private final ReconcileSettings settings;
    private final SyncSettings sync;
    private final LeaseStore leases;
    private final ReconcileMetrics metrics;
    private final Clock clock;
    private volatile ReconcilePass latest;
    private ProducerTemplate template;
    private ScheduledExecutorService threads;

    /** The settings passes start from, e.g. the configured kinds. */
    public ReconcileSettings settings() {
        return settings;
    }

    public Reconciler(CamelContext context, ReconcileSettings settings, SyncSettings sync, LeaseStore leases,
                      ReconcileMetrics metrics, Clock clock) {
        this.context = context;
        this.settings = settings;
        this.sync = sync;
        this.leases = leases;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Another pass holds the lock (here or on another instance): answered 409, or exit code 1. */
    public static final class Busy extends RuntimeException {
        private final String runningId;

        Busy(String message, String runningId) {
            super(message, null, false, false);
            this.runningId = runningId;
        }

        /** The id of the pass running on this instance, when it is here. */
        public Optional<String> runningId() {
            return Optional.ofNullable(runningId);
        }
    }

    /** Runs a pass in the calling thread (CLI, schedule), reporting progress lines to {@code progress}. */
    public ReconcilePass run(ReconcileOptions options, Consumer<String> progress) {
        ReconcilePass pass = begin(options);
        execute(pass, progress);
        return pass;
    }

    /** Starts a pass in the background (admin API) and returns it at once. */
    public ReconcilePass start(ReconcileOptions options) {
        ReconcilePass pass = begin(options);
        threads.execute(() -> execute(pass, LOG::info));
        return pass;
    }

    /** The pass running on this instance, or the last one that ran here. */
    public Optional<ReconcilePass> latest() {
        return Optional.ofNullable(latest);
    }

    private synchronized ReconcilePass begin(ReconcileOptions options) {
        settings.secretKey(); // a configuration error, before any lock is taken
        ReconcilePass here = latest;
        if (here != null && here.running()) {
            throw new Busy("reconcile pass " + here.id() + " is running on this instance", here.id());
        }
        String id = "rec_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        if (!leases.acquire(LEASE, holder(id), clock.instant(), settings.leaseTtl())) {
            String holder = leases.current(LEASE, clock.instant()).map(l -> l.holder() + " until " + l.expiresAt())
                    .orElse("another instance");
            throw new Busy("another reconcile pass holds the lock (" + holder + "); try again when it has finished", null);
        }
        ReconcilePass pass = new ReconcilePass(id, options, settings, clock, WorkSpans.of(context));
        latest = pass;
        return pass;
    }

    private void execute(ReconcilePass pass, Consumer<String> progress) {
        String holder = holder(pass.id());
        Duration ttl = settings.leaseTtl();
        long every = Math.max(1, ttl.toMillis() / 3);
        ScheduledFuture<?> renewal = threads.scheduleAtFixedRate(() -> {
            try {
                if (!leases.renew(LEASE, holder, clock.instant(), ttl)) {
                    pass.abort("the reconcile lock was lost to another instance (this one stalled longer than "
                            + "reconcile.lease-seconds); stopped");
                }
            } catch (RuntimeException e) {
                pass.abort("the reconcile lock could not be renewed: " + e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        LOG.info("Reconcile pass {} started over {}{}{}", pass.id(), ReconcileKind.names(pass.options().kinds()),
                pass.options().dryRun() ? " (dry run)" : "", pass.options().noDelete() ? " (no deletion sweep)" : "");
        long interval = settings.progressInterval().toMillis();
        // a line at least this often, also while the pass waits on a 429's Retry-After or a Clerk that does not answer
        ScheduledFuture<?> heartbeat = threads.scheduleAtFixedRate(() -> progress.accept(pass.progressLine()),
                interval, interval, TimeUnit.MILLISECONDS);
        try {
            pass.run(ReconciledKind.of(pass.options().kinds(), settings, sync),
                    ReconciledKind.of(ReconcileKind.MEMBERSHIPS, settings, sync), new ClerkBackend(template, settings),
                    new ConvexSide(template, settings), metrics, progress);
        } finally {
            heartbeat.cancel(false);
            renewal.cancel(false);
            try {
                leases.release(LEASE, holder);
            } catch (RuntimeException e) {
                LOG.warn("Could not release the reconcile lock; it lapses in {} s: {}", ttl.toSeconds(), e.getMessage());
            }
            pass.finish(metrics);
        }
        if (pass.complete()) {
            LOG.info("Reconcile pass {} complete: {}", pass.id(), pass.toLoggedJson());
        } else {
            LOG.warn("Reconcile pass {} did not complete: {}", pass.id(), pass.toLoggedJson());
        }
    }

    private static String holder(String passId) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return passId + "@" + host + "/" + ProcessHandle.current().pid();
    }

    /** Camel's own pool (the lease's renewal, progress lines, passes started over HTTP) and the template, once Camel starts. */
    @Override
    protected void doStart() {
        template = context.createProducerTemplate();
        threads = context.getExecutorServiceManager().newScheduledThreadPool(this, "reconcile", 3);
    }

    @Override
    protected void doStop() throws Exception {
        context.getExecutorServiceManager().shutdownNow(threads);
        template.close();
    }
}
