package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.Application;
import io.clerkconvexsync.support.ClerkStandIn;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.TestRuntime;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RECONCILE_SCHEDULE runs passes on its own, and the metrics tell when the last one completed. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.schedule.webhook.port}}",
        "camel.management.port={{it.schedule.management.port}}",
        "convex.url={{it.schedule.convex.url}}",
        "reconcile.clerk-api-url={{it.schedule.clerk.url}}",
        "reconcile.clerk-secret-key=sk_test_scheduleKey0123456789",
        "reconcile.schedule=0/2 * * * * ?",
        "clerk.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "storage.jdbc-url=jdbc:h2:mem:reconcile-schedule-it;DB_CLOSE_DELAY=-1"})
class ReconcileScheduleIT {
    static final TestRuntime RUNTIME = TestRuntime.prepare("it.schedule");
    static final ConvexStandIn CONVEX = RUNTIME.convex();
    static final ClerkStandIn CLERK = ClerkStandIn.published("sk_test_scheduleKey0123456789", "it.schedule.clerk.url");

    static {
        // ready before Camel starts: the first scheduled pass may come at once
        CLERK.addUsers("user_sched", 3);
        CONVEX.keepUsers();
    }

    @AfterAll
    void stopStandIns() {
        CONVEX.close();
        CLERK.close();
    }

    @Test
    void aScheduledPassBackfillsConvexAndIsRecordedInTheMetrics() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String metrics = "";
        while (System.nanoTime() < deadline) {
            metrics = scrape();
            if (metrics.lines().anyMatch(l -> l.startsWith("reconcile_runs_total{") && l.contains("result=\"complete\"")
                    && !l.endsWith(" 0.0"))) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval of a condition wait bounded by the deadline above
        }
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("reconcile_runs_total{") && l.contains("result=\"complete\"")
                && !l.endsWith(" 0.0")), "a scheduled pass should complete within 30 s:\n" + metrics);
        assertEquals(Set.copyOf(CLERK.ids()), Set.copyOf(CONVEX.users().ids()), "the scheduled pass backfilled Convex");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("reconcile_scheduled ") && l.endsWith(" 1.0")),
                "reconcile_scheduled says a schedule is set");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("reconcile_items_total{") && l.contains("action=\"inserted\"") && l.contains("kind=\"users\"")
                && l.endsWith(" 3.0")), "the inserted users are counted:\n" + metrics);
        assertTrue(metrics.contains("reconcile_last_success_timestamp_seconds "), "the last success is exported");
    }

    private static String scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(RUNTIME.management("/observe/metrics"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "metrics should be served");
        return response.body();
    }
}
