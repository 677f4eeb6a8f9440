package io.clerkconvexsync;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.ConvexStandIn.Answer;
import io.clerkconvexsync.support.SignedWebhooks;
import io.clerkconvexsync.support.TestRuntime;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18, finding 13: the same svix-id sent twice at the same moment reaches Convex once, and the second is
 * acknowledged only once the first is known to have succeeded. Convex answers slowly here so every pair overlaps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.pairs.webhook.port}}",
        "camel.management.port={{it.pairs.management.port}}",
        "convex.url={{it.pairs.convex.url}}",
        "clerk.webhook-secret=" + ConcurrentDuplicatesIT.SECRET,
        "storage.jdbc-url=jdbc:h2:mem:concurrent-duplicates-it;DB_CLOSE_DELAY=-1",
        "delivery.maximum-redeliveries=1",
        "delivery.initial-delay-ms=100"})
class ConcurrentDuplicatesIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final TestRuntime RUNTIME = TestRuntime.prepare("it.pairs");
    static final ConvexStandIn CONVEX = RUNTIME.convex();
    static final ObjectMapper JSON = new ObjectMapper();

    final SignedWebhooks clerk = RUNTIME.clerk(SECRET);

    @BeforeEach
    void resetConvex() {
        CONVEX.reset();
    }

    @AfterAll
    void stopConvex() {
        CONVEX.close();
    }

    @Test
    void fiftyConcurrentPairsReachConvexOncePerSvixId() throws Exception {
        CONVEX.fallback(Answer.slowSuccess(300));
        List<String> userIds = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> answers = sendPairs(50, userIds);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> r = answer.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            outcomes.merge(JSON.readTree(r.body()).get("outcome").asText(), 1, Integer::sum);
        }
        for (String userId : userIds) {
            long calls = CONVEX.requests().stream().filter(q -> q.body().contains("\"" + userId + "\"")).count();
            assertEquals(1, calls, userId + " reached Convex " + calls + " times");
        }
        assertEquals(Map.of("delivered", 50, "duplicate", 50), outcomes, "one of each pair delivered, one duplicate");
    }

    @Test
    void theSecondOfAPairIsNotAcknowledgedWhenTheFirstFails() throws Exception {
        CONVEX.fallback(Answer.failure(503, "overloaded")); // transient: the first ends 503 after its redelivery
        List<String> userIds = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> answers = sendPairs(5, userIds);
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> r = answer.get(30, TimeUnit.SECONDS);
            assertEquals(503, r.statusCode(), "nothing of a failing pair is acknowledged: " + r.body());
        }
        for (String userId : userIds) {
            long calls = CONVEX.requests().stream().filter(q -> q.body().contains("\"" + userId + "\"")).count();
            assertEquals(2, calls, userId + ": only the first of the pair calls Convex (attempt and one redelivery)");
        }
        CONVEX.fallback(Answer.success());
        String svixId = SignedWebhooks.newId();
        String body = "{\"type\":\"user.updated\",\"data\":{\"id\":\"user_" + svixId + "\"}}";
        assertEquals(200, clerk.send(svixId, body).statusCode(), "once the claim is given up, a retry is delivered");
    }

    /** Sends {@code pairs} svix-ids twice each, all at once; the answers, and the user id of each pair. */
    private List<CompletableFuture<HttpResponse<String>>> sendPairs(int pairs, List<String> userIds) {
        ExecutorService threads = Executors.newFixedThreadPool(pairs * 2);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            String svixId = SignedWebhooks.newId();
            String userId = "user_" + svixId;
            userIds.add(userId);
            String body = "{\"type\":\"user.updated\",\"data\":{\"id\":\"" + userId + "\"}}";
            for (int twice = 0; twice < 2; twice++) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return clerk.send(svixId, body);
                }, threads));
            }
        }
        go.countDown();
        threads.shutdown();
        return answers;
    }
}
