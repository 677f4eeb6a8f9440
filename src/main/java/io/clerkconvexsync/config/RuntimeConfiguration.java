package io.clerkconvexsync.config;

import io.clerkconvexsync.delivery.ConvexCallPreparer;
import io.clerkconvexsync.delivery.DeadLetterChannel;
import io.clerkconvexsync.intake.SvixSignatureVerifier;
import io.clerkconvexsync.intake.WebhookReply;
import io.clerkconvexsync.ops.ConvexContact;
import io.clerkconvexsync.ops.ConvexReadinessCheck;
import io.clerkconvexsync.ops.DatabaseReadinessCheck;
import io.clerkconvexsync.ops.OutcomeRecorder;
import io.clerkconvexsync.ops.WebhookMetrics;
import io.clerkconvexsync.routing.ExtensionRoutes;
import io.clerkconvexsync.routing.UserEventTranslator;
import io.clerkconvexsync.store.EmbeddedDatabase;
import io.clerkconvexsync.store.IdempotentReceiver;
import io.clerkconvexsync.store.JdbcDeadLetterStore;
import io.clerkconvexsync.store.JdbcProcessedWebhooks;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import com.zaxxer.hikari.HikariDataSource;

import java.time.Clock;

/**
 * Builds every bean once, from validated {@link SyncSettings}. A missing or malformed setting stops startup here,
 * before any port is opened, with a message that names it.
 */
public final class RuntimeConfiguration implements CamelConfiguration {

    /** Tests bind a fixed clock under this name before startup; production uses the system clock. */
    public static final String CLOCK = "clock";

    @Override
    public void configure(CamelContext context) throws Exception {
        SyncSettings settings = SyncSettings.load(context.getPropertiesComponent()::resolveProperty);
        Registry registry = context.getRegistry();
        Clock clock = registry.lookupByNameAndType(CLOCK, Clock.class);
        if (clock == null) {
            clock = Clock.systemUTC();
            registry.bind(CLOCK, clock);
        }
        registry.bind("syncSettings", settings);

        HikariDataSource dataSource = EmbeddedDatabase.open(settings);
        registry.bind("dataSource", dataSource);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                dataSource.close();
            }
        }, true, true);
        JdbcProcessedWebhooks processed = new JdbcProcessedWebhooks(dataSource, clock);
        registry.bind("processedWebhooks", processed);
        registry.bind("idempotentReceiver", new IdempotentReceiver(processed));

        WebhookMetrics metrics = new WebhookMetrics(registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class));
        registry.bind("webhookMetrics", metrics);
        registry.bind("outcomeRecorder", new OutcomeRecorder(metrics));
        registry.bind("svixSignatureVerifier",
                new SvixSignatureVerifier(settings.webhookSecrets(), settings.timestampTolerance(), clock));
        registry.bind("webhookReply", new WebhookReply());
        registry.bind("userEventTranslator", new UserEventTranslator(settings));
        registry.bind("extensionRoutes", new ExtensionRoutes());
        ConvexContact contact = new ConvexContact(clock);
        registry.bind("convexCallPreparer", new ConvexCallPreparer(settings, metrics, contact));
        JdbcDeadLetterStore deadLetters = new JdbcDeadLetterStore(dataSource);
        registry.bind("deadLetterChannel", new DeadLetterChannel(deadLetters, metrics, clock));
        metrics.watchDeadLetters(deadLetters);

        // Health checks bound here are picked up by Camel's health-check registry and served at /observe/health/ready
        registry.bind("databaseReadiness", new DatabaseReadinessCheck(dataSource, clock));
        registry.bind("convexReadiness", new ConvexReadinessCheck(contact, settings.convexUnreachableAfter(),
                settings.convexRefusalWindow(), clock));

        configureHttpClient(context.getComponent(settings.convexUrl().getScheme(), HttpComponent.class), settings);
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
    }
}
