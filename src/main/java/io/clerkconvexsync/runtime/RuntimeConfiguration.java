package io.clerkconvexsync.runtime;

import io.clerkconvexsync.admin.AdminApiRoute;
import io.clerkconvexsync.admin.AdminGuard;
import io.clerkconvexsync.admin.AdminHttp;
import io.clerkconvexsync.admin.DeadLetterAdmin;
import io.clerkconvexsync.admin.DeadLetterReplayer;
import io.clerkconvexsync.admin.PortBoundEngine;
import io.clerkconvexsync.admin.ReplayJobs;
import io.clerkconvexsync.config.ExtensionRouteSettings;
import io.clerkconvexsync.config.FamilyFunctionSettings;
import io.clerkconvexsync.config.H2Network;
import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.config.ListenerSettings;
import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.config.StorageSettings;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.delivery.ConvexCallPreparer;
import io.clerkconvexsync.delivery.DeadLetterChannel;
import io.clerkconvexsync.intake.OutcomeRecorder;
import io.clerkconvexsync.intake.SvixSignatureVerifier;
import io.clerkconvexsync.intake.WebhookReply;
import io.clerkconvexsync.listener.ListenerGuard;
import io.clerkconvexsync.ops.ConvexContact;
import io.clerkconvexsync.ops.ConvexReadinessCheck;
import io.clerkconvexsync.ops.DatabaseReadinessCheck;
import io.clerkconvexsync.ops.WebhookMetrics;
import io.clerkconvexsync.reconcile.ReconcileMetrics;
import io.clerkconvexsync.reconcile.Reconciler;
import io.clerkconvexsync.routing.EventFamilyTranslator;
import io.clerkconvexsync.routing.EventTypeRouter;
import io.clerkconvexsync.routing.ExtensionRoutes;
import io.clerkconvexsync.store.IdempotentReceiver;
import io.clerkconvexsync.store.JdbcDeadLetterStore;
import io.clerkconvexsync.store.JdbcLeaseStore;
import io.clerkconvexsync.store.JdbcProcessedWebhooks;
import io.clerkconvexsync.store.ProcessedRetention;
import io.clerkconvexsync.store.RetentionRoute;
import io.clerkconvexsync.store.StoreDatabase;
import io.clerkconvexsync.tracing.OpenTelemetryTracing;
import io.clerkconvexsync.tracing.TracingSettings;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Builds every bean once, from validated {@link SyncSettings} and {@link StorageSettings}. A missing or malformed
 * setting stops startup here, before any port is opened, with a message that names it.
 */
public final class RuntimeConfiguration implements CamelConfiguration {

    /** Tests bind a fixed clock under this name before startup; production uses the system clock. */
    public static final String CLOCK = "clock";
    /** The dead-letter operations both doors use (HTTP admin API, CLI replay). */
    public static final String DEAD_LETTER_ADMIN = "deadLetterAdmin";

    @Override
    public void configure(CamelContext context) throws Exception {
        SyncSettings settings = SyncSettings.load(context.getPropertiesComponent()::resolveProperty);
        FamilyFunctionSettings familyFunctions = FamilyFunctionSettings.load(context.getPropertiesComponent()::resolveProperty);
        ListenerSettings listeners = ListenerSettings.load(context.getPropertiesComponent()::resolveProperty);
        listeners.checkPortsFree();
        StorageSettings storage = StorageSettings.load(context.getPropertiesComponent()::resolveProperty);
        TracingSettings tracing = TracingSettings.load(context.getPropertiesComponent()::resolveProperty);
        H2Network.keepLocal();
        Registry registry = context.getRegistry();
        Clock clock = registry.lookupByNameAndType(CLOCK, Clock.class);
        if (clock == null) {
            clock = Clock.systemUTC();
            registry.bind(CLOCK, clock);
        }
        registry.bind("syncSettings", settings);
        registry.bind("familyFunctionSettings", familyFunctions);
        registry.bind("storageSettings", storage);

        HikariDataSource dataSource = StoreDatabase.open(storage);
        registry.bind("dataSource", dataSource);
        closeOnStop(context, dataSource);
        DataSource commits = dataSource;
        Optional<HikariDataSource> groupCommitPool = StoreDatabase.openGroupCommitPool(storage);
        if (groupCommitPool.isPresent()) {
            commits = groupCommitPool.get();
            closeOnStop(context, groupCommitPool.get());
        }
        JdbcProcessedWebhooks processed = new JdbcProcessedWebhooks(dataSource, commits, clock);
        registry.bind("processedWebhooks", processed);
        registry.bind("idempotentReceiver", new IdempotentReceiver(processed, settings.requestBudget()));
        JdbcLeaseStore leases = new JdbcLeaseStore(dataSource);
        registry.bind("leaseStore", leases);
        registry.bind(RetentionRoute.BEAN, new ProcessedRetention(dataSource, leases, clock, storage,
                "retention-" + UUID.randomUUID()));

        MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        OpenTelemetryTracing.install(context, tracing, meters);
        if (listeners.webhookEnabled() || listeners.managementEnabled()) {
            ListenerGuard.install(context, listeners, meters);
        }
        WebhookMetrics metrics = new WebhookMetrics(meters);
        registry.bind("webhookMetrics", metrics);
        registry.bind("outcomeRecorder", new OutcomeRecorder(metrics));
        registry.bind("svixSignatureVerifier",
                new SvixSignatureVerifier(settings.webhookSecrets(), settings.timestampTolerance(), clock));
        registry.bind("webhookReply", new WebhookReply());
        registry.bind(EventTypeRouter.FAMILIES, EventFamilyTranslator.families(settings, familyFunctions));
        registry.bind("extensionRoutes", new ExtensionRoutes());
        Optional<Path> extensions = ExtensionRouteSettings.load(context.getPropertiesComponent()::resolveProperty)
                .directory();
        if (extensions.isPresent()) {
            ExtensionRoutes.load(context, extensions.get());
        }
        ConvexContact contact = new ConvexContact(clock);
        registry.bind("convexCallPreparer", new ConvexCallPreparer(settings, metrics, contact));
        JdbcDeadLetterStore deadLetters = new JdbcDeadLetterStore(dataSource);
        registry.bind("deadLetterStore", deadLetters);
        registry.bind("deadLetterChannel", new DeadLetterChannel(deadLetters, metrics, clock));
        metrics.watchDeadLetters(deadLetters);
        DeadLetterAdmin admin = new DeadLetterAdmin(deadLetters, new DeadLetterReplayer(context, deadLetters, metrics, clock));
        registry.bind(DEAD_LETTER_ADMIN, admin);
        configureAdminApi(context, admin, listeners, clock);

        ReconcileSettings reconcile = ReconcileSettings.load(context.getPropertiesComponent()::resolveProperty);
        registry.bind("reconcileSettings", reconcile);
        Reconciler reconciler = new Reconciler(context, reconcile, settings, leases,
                new ReconcileMetrics(meters, reconcile.schedule().isPresent(), clock.instant()), clock);
        registry.bind(Reconciler.BEAN, reconciler);
        context.addService(reconciler, true, true);

        // Health checks bound here are picked up by Camel's health-check registry and served at /observe/health/ready
        registry.bind("databaseReadiness", new DatabaseReadinessCheck(dataSource, clock));
        registry.bind("convexReadiness", new ConvexReadinessCheck(contact, settings.convexUnreachableAfter(),
                settings.convexRefusalWindow(), clock));

        // Clerk's requests (reconcile) too: no automatic retries, redirects or cookies of HttpClient's own; the Clerk
        // endpoint sets its own timeouts
        for (String scheme : new TreeSet<>(List.of(settings.convexUrl().getScheme(), reconcile.clerkApiUrl().getScheme()))) {
            configureHttpClient(context.getComponent(scheme, HttpComponent.class), settings);
        }
    }

    /** Closes the pool when Camel stops: services stop in the reverse order of their adding, after the routes. */
    private static void closeOnStop(CamelContext context, HikariDataSource pool) throws Exception {
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                pool.close();
            }
        }, true, true);
    }

    /**
     * The admin API's beans and its platform-http component on the management port, only when ADMIN_TOKEN is set:
     * without them {@link AdminApiRoute} adds no route. The token lives in the guard alone, as a digest.
     */
    private static void configureAdminApi(CamelContext context, DeadLetterAdmin admin, ListenerSettings listeners,
                                          Clock clock) throws Exception {
        var token = SyncSettings.adminToken(context.getPropertiesComponent()::resolveProperty);
        if (token.isEmpty()) {
            return;
        }
        // The runtime proper (webhook listener on) would otherwise fail in Camel with an unclear error; the
        // dead-letters replay command turns both listeners off on purpose and never serves the API.
        if (listeners.webhookEnabled() && !listeners.managementEnabled()) {
            throw new InvalidSettingException("ADMIN_TOKEN", "is set but camel.management.enabled is false: the admin API"
                    + " is served on the management port; turn management on or leave ADMIN_TOKEN empty");
        }
        PlatformHttpComponent managementHttp = new PlatformHttpComponent();
        managementHttp.setEngine(new PortBoundEngine(listeners.managementPort()));
        // The webhook listener's component is told its port as well: beside a second platform-http component the
        // stock engine's discovery of the server port picks the management server.
        int webhookPort = listeners.webhookPort();
        if (webhookPort > 0) {
            context.getComponent("platform-http", PlatformHttpComponent.class).setEngine(new PortBoundEngine(webhookPort));
        }
        context.addComponent(AdminApiRoute.COMPONENT, managementHttp);
        context.getRegistry().bind(AdminApiRoute.GUARD, new AdminGuard(token.get()));
        ReplayJobs replays = new ReplayJobs(context, admin, clock);
        context.addService(replays, true, true);
        context.getRegistry().bind(AdminApiRoute.HTTP, new AdminHttp(admin, replays));
    }

    /** Pooled keep-alive connections to Convex, with bounded waits so a hung Convex cannot hold a webhook. */
    private static void configureHttpClient(HttpComponent http, SyncSettings settings) {
        int connectMs = (int) settings.connectTimeout().toMillis();
        int responseMs = (int) settings.responseTimeout().toMillis();
        http.setConnectTimeout(connectMs);
        http.setConnectionRequestTimeout(connectMs);
        http.setResponseTimeout(responseMs);
        http.setSoTimeout(responseMs);
        http.setMaxTotalConnections(settings.maxConnections());
        http.setConnectionsPerRoute(settings.maxConnections());
        // The redelivery policy owns retries; HttpClient would otherwise repeat a POST on 429/503 on its own.
        http.setAutomaticRetriesDisabled(true);
        http.setCookieManagementDisabled(true);
        http.setRedirectHandlingDisabled(true);
        // Convex answers a few dozen bytes of JSON: asking for gzip only adds a decoding step to every call.
        http.setContentCompressionDisabled(true);
    }
}
