package io.clerkconvexsync;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.TestRuntime;
import io.clerkconvexsync.support.ConvexStandIn.Answer;
import io.clerkconvexsync.support.SignedWebhooks;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Liveness and readiness on the management port, against the running application: Convex refusing the deploy key
 * turns readiness DOWN with a reason while liveness stays UP, and the next success brings readiness back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.health.webhook.port}}",
        "camel.management.port={{it.health.management.port}}",
        "convex.url={{it.health.convex.url}}",
        "convex.deploy-key=prod:happy-otter-123|c2VjcmV0LWRlcGxveS1rZXk=",
        "clerk.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "storage.jdbc-url=jdbc:h2:mem:health-it;DB_CLOSE_DELAY=-1"})
class HealthIT {

    static final TestRuntime RUNTIME = TestRuntime.prepare("it.health");
    static final int WEBHOOK_PORT = RUNTIME.webhookPort();
    static final int MANAGEMENT_PORT = RUNTIME.managementPort();
    static final ConvexStandIn CONVEX = RUNTIME.convex();
    static final ObjectMapper JSON = new ObjectMapper();


    final SignedWebhooks clerk = new SignedWebhooks("http://127.0.0.1:" + WEBHOOK_PORT + "/clerk-webhook",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    final HttpClient http = HttpClient.newHttpClient();

    @AfterAll
    void stopConvex() {
        CONVEX.close();
    }

    @Test
    void readinessFollowsConvexRefusingTheDeployKeyAndRecovers() throws Exception {
        HttpResponse<String> ready = awaitHealth("ready", r -> r.statusCode() == 200);
        assertEquals(200, ready.statusCode(), "a fresh instance with a writable database is ready: " + ready.body());

        CONVEX.reset();
        CONVEX.script(Answer.failure(403, "BadDeployKey"));
        HttpResponse<String> refused = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.created.json"));
        assertEquals(503, refused.statusCode(), refused.body());

        HttpResponse<String> down = awaitHealth("ready", r -> r.statusCode() == 503);
        assertEquals(503, down.statusCode(), "readiness must be DOWN after Convex refused the deploy key: " + down.body());
        assertEquals("DOWN", JSON.readTree(down.body()).get("status").asText(), down.body());
        assertTrue(down.body().contains("HTTP 403"), "readiness must say why it is DOWN: " + down.body());
        assertTrue(!down.body().contains("c2VjcmV0LWRlcGxveS1rZXk"), "the deploy key must not appear: " + down.body());

        HttpResponse<String> live = get("live");
        assertEquals(200, live.statusCode(), "liveness must stay UP: a restart cannot fix a deploy key: " + live.body());

        CONVEX.reset();
        CONVEX.script(Answer.success());
        HttpResponse<String> delivered = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.updated.json"));
        assertEquals(200, delivered.statusCode(), delivered.body());

        HttpResponse<String> back = awaitHealth("ready", r -> r.statusCode() == 200);
        assertEquals(200, back.statusCode(), "readiness must come back by itself after a success: " + back.body());
    }

    @Test
    void adminApiIsOffWithoutAnAdminToken() throws Exception {
        for (String method : new String[] {"GET", "DELETE"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MANAGEMENT_PORT
                    + "/dead-letters/1")).header("Authorization", "Bearer ").method(method, HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, r.statusCode(), method + ": without ADMIN_TOKEN the admin API does not exist: " + r.body());
        }
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MANAGEMENT_PORT
                + "/dead-letters")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, list.statusCode(), list.body());
    }

    private HttpResponse<String> get(String which) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MANAGEMENT_PORT + "/observe/health/" + which))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls until the condition holds or 10 s pass; returns the last answer either way. */
    private HttpResponse<String> awaitHealth(String which, Predicate<HttpResponse<String>> condition) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        HttpResponse<String> last = get(which);
        while (!condition.test(last) && Instant.now().isBefore(deadline)) {
            last = get(which);
        }
        return last;
    }
}
