package io.clerkconvexsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clerkconvexsync.Application;
import io.clerkconvexsync.support.ClerkStandIn;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.TestRuntime;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin door of reconcile as an operator's client meets it: parameters it does not know are refused rather than
 * ignored (a lower-case {@code ?dryrun=true} once ran a real pass), {@code kinds} chooses what a pass covers, the
 * answers echo the options the pass runs with, and the token counts only in the Authorization header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.recadmin.webhook.port}}",
        "camel.management.port={{it.recadmin.management.port}}",
        "convex.url={{it.recadmin.convex.url}}",
        "reconcile.clerk-api-url={{it.recadmin.clerk.url}}",
        "reconcile.clerk-secret-key=" + ReconcileAdminIT.CLERK_KEY,
        "clerk.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "admin.token=" + ReconcileAdminIT.TOKEN,
        "storage.jdbc-url=jdbc:h2:mem:reconcile-admin-it;DB_CLOSE_DELAY=-1",
        "reconcile.clerk-max-answer-bytes=65536",
        "reconcile.clerk-attempts=3",
        "reconcile.clerk-max-retry-wait-seconds=1"})
class ReconcileAdminIT {
    static final String TOKEN = "adm_recadmin0123456789abcdef";
    static final String CLERK_KEY = "sk_test_recadminKey0123456789";
    static final TestRuntime RUNTIME = TestRuntime.prepare("it.recadmin");
    static final ConvexStandIn CONVEX = RUNTIME.convex();
    static final ClerkStandIn CLERK = ClerkStandIn.published(CLERK_KEY, "it.recadmin.clerk.url");
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void emptyBothSides() {
        CONVEX.reset();
        CONVEX.keepUsers();
        CLERK.clear();
    }

    @AfterAll
    void stopStandIns() {
        CONVEX.close();
        CLERK.close();
    }

    @Test
    void anUnknownParameterIsRefusedByNameAndRunsNothing() throws Exception {
        HttpResponse<String> refused = send("POST", "/reconcile?dryrun=true&noDelete=true", bearer(TOKEN));
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("unknown parameter dryrun"), "names it: " + refused.body());
        assertTrue(refused.body().contains("dryRun, noDelete, allowMassDelete, kinds"), "and what is known: " + refused.body());
        assertEquals(0, CLERK.requests().size(), "no pass ran");
    }

    @Test
    void aBadKindsValueIsRefused() throws Exception {
        for (String kinds : new String[] {"user", "users,teams", ""}) {
            HttpResponse<String> refused = send("POST", "/reconcile?kinds=" + URLEncoder.encode(kinds, StandardCharsets.UTF_8),
                    bearer(TOKEN));
            assertEquals(400, refused.statusCode(), kinds + ": " + refused.body());
            assertTrue(refused.body().contains("kinds must be a comma-separated list of organizations,users,memberships"),
                    refused.body());
        }
        assertEquals(0, CLERK.requests().size(), "no pass ran");
    }

    @Test
    void theAnswerAndTheStatusEchoTheOptionsThePassRunsWith() throws Exception {
        CLERK.addUsers("user_echo", 2);
        HttpResponse<String> started = send("POST", "/reconcile?dryRun=true&kinds=users", bearer(TOKEN));
        assertEquals(202, started.statusCode(), started.body());
        JsonNode options = JSON.readTree(started.body()).get("options");
        assertEquals(JSON.readTree("{\"dryRun\":true,\"noDelete\":false,\"allowMassDelete\":false,\"kinds\":[\"users\"]}"),
                options, started.body());
        JsonNode done = awaitDone(JSON.readTree(started.body()).get("id").asText());
        assertEquals(options, done.get("options"), "GET /reconcile shows the same options: " + done);
        assertTrue(done.get("complete").asBoolean(), done.toString());
        assertEquals(0, CONVEX.requests().stream().filter(r -> r.body().contains("upsertManyFromClerk")).count(),
                "a dry run writes nothing");

        HttpResponse<String> defaults = send("POST", "/reconcile?noDelete&allowMassDelete=false", bearer(TOKEN));
        assertEquals(202, defaults.statusCode(), defaults.body());
        assertEquals(JSON.readTree("{\"dryRun\":false,\"noDelete\":true,\"allowMassDelete\":false,\"kinds\":[\"users\"]}"),
                JSON.readTree(defaults.body()).get("options"), "unset kinds are the configured ones: " + defaults.body());
        awaitDone(JSON.readTree(defaults.body()).get("id").asText());
    }

    @Test
    void theTokenCountsOnlyInTheAuthorizationHeader() throws Exception {
        String inQuery = "Authorization=" + URLEncoder.encode("Bearer " + TOKEN, StandardCharsets.UTF_8);
        assertEquals(401, send("POST", "/reconcile?" + inQuery, null).statusCode(), "token in the query string");
        assertEquals(401, send("GET", "/reconcile?" + inQuery, null).statusCode(), "token in the query string");
        assertEquals(401, send("GET", "/dead-letters?" + inQuery, null).statusCode(), "token in the query string");
        HttpRequest form = HttpRequest.newBuilder(URI.create(RUNTIME.management("/reconcile")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(inQuery)).timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> formAnswer = http.send(form, HttpResponse.BodyHandlers.ofString());
        assertEquals(401, formAnswer.statusCode(), "token in a form body: " + formAnswer.body());
        assertEquals(0, CLERK.requests().size(), "no pass ran");
        assertEquals(200, send("GET", "/dead-letters", bearer(TOKEN)).statusCode(), "the header still works");
    }

    @Test
    void aClerkAnswerOverTheBoundFailsThePassWithItsReasonAndIsNotAskedAgain() throws Exception {
        var user = ClerkStandIn.user("user_big", "Big", 1_700_000_000_000L);
        user.with("public_metadata").put("blob", "x".repeat(100_000));
        CLERK.put(user);
        HttpResponse<String> started = send("POST", "/reconcile", bearer(TOKEN));
        assertEquals(202, started.statusCode(), started.body());
        JsonNode done = awaitDone(JSON.readTree(started.body()).get("id").asText());
        assertEquals(false, done.get("complete").asBoolean(), done.toString());
        assertTrue(done.get("reason").asText().contains("Clerk's answer to GET /v1/users is larger than "
                + "reconcile.clerk-max-answer-bytes (65536 bytes)"), done.toString());
        assertEquals(1, CLERK.requests().size(), "not retried: " + CLERK.requests());
        assertEquals(200, send("GET", "/observe/health", null).statusCode(), "the runtime is healthy");
    }

    private JsonNode awaitDone(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode pass = JSON.readTree(send("GET", "/reconcile", bearer(TOKEN)).body());
            assertEquals(id, pass.get("id").asText(), "GET /reconcile shows the current pass");
            if (!"running".equals(pass.get("state").asText())) {
                return pass;
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling interval of a condition wait under the deadline above
        }
        throw new AssertionError("pass " + id + " did not finish within 30 s");
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(RUNTIME.management(path)))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
