package io.clerkconvexsync;

import io.clerkconvexsync.store.RetentionRoute;
import io.clerkconvexsync.support.TestRuntime;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retention sweep as the running application schedules it: old processed svix-ids go, recent ones stay. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.retention.webhook.port}}",
        "camel.management.port={{it.retention.management.port}}",
        "convex.url={{it.retention.convex.url}}",
        "clerk.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "storage.jdbc-url=jdbc:h2:mem:retention-it;DB_CLOSE_DELAY=-1",
        "storage.processed-retention=2d",
        "storage.retention-interval=1s"})
class RetentionRouteIT {

    static final TestRuntime RUNTIME = TestRuntime.prepare("it.retention");

    @BeanInject
    CamelContext context;

    @AfterAll
    void stopConvex() {
        RUNTIME.convex().close();
    }

    @Test
    void theScheduledSweepForgetsIdsOlderThanTheRetentionAndKeepsRecentOnes() throws Exception {
        DataSource dataSource = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO clerk_processed_webhook (svix_id, processed_at) VALUES (?, ?)")) {
            for (var aged : Map.of("msg_one_day_old", 1, "msg_three_days_old", 3, "msg_five_days_old", 5).entrySet()) {
                ps.setString(1, aged.getKey());
                ps.setTimestamp(2, Timestamp.from(now.minus(Duration.ofDays(aged.getValue()))));
                ps.executeUpdate();
            }
        }
        NotifyBuilder sweeps = new NotifyBuilder(context).fromRoute(RetentionRoute.ROUTE_ID).whenCompleted(2).create();
        assertTrue(sweeps.matches(30, TimeUnit.SECONDS), "the sweep runs every storage.retention-interval");
        assertEquals(List.of("msg_one_day_old"), ids(dataSource), "ids older than 2 days are gone, the newer one stays");
    }

    private static List<String> ids(DataSource dataSource) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT svix_id FROM clerk_processed_webhook ORDER BY svix_id")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
