package io.clerkconvexsync.store;

import io.clerkconvexsync.config.StorageSettings;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import java.time.Duration;

/**
 * Runs {@link ProcessedRetention} every storage.retention-interval, on Camel's timer. The first sweep waits a little
 * after startup (at most a minute) so that it never competes with the first webhooks for connections.
 */
public final class RetentionRoute extends RouteBuilder {
    public static final String ROUTE_ID = "storage-retention";
    public static final String BEAN = "processedRetention";
    private static final Duration FIRST_SWEEP_AFTER = Duration.ofMinutes(1);

    @Override
    public void configure() {
        ProcessedRetention retention = getContext().getRegistry().lookupByNameAndType(BEAN, ProcessedRetention.class);
        StorageSettings settings = getContext().getRegistry().lookupByNameAndType("storageSettings", StorageSettings.class);
        if (retention == null || settings == null) {
            return; // a context without the runtime's beans (a tool's)
        }
        long period = settings.retentionInterval().toMillis();
        long delay = Math.min(period, FIRST_SWEEP_AFTER.toMillis());
        from("timer:" + ROUTE_ID + "?delay=" + delay + "&period=" + period).routeId(ROUTE_ID)
                .bean(retention, "sweep")
                .filter(body().isGreaterThan(0))
                    .log(LoggingLevel.INFO, "Retention: forgot ${body} processed svix-id(s) older than "
                            + "storage.processed-retention");
    }
}
