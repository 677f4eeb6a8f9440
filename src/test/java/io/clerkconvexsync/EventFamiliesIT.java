package io.clerkconvexsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.cli.Cli;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.DeadLetterStore;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.ConvexStandIn.Answer;
import io.clerkconvexsync.support.SignedWebhooks;
import io.clerkconvexsync.support.TestRuntime;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every event type the runtime delivers itself (users, organizations, memberships), end to end over real sockets:
 * svix-signed webhooks in, the Convex stand-in answering with Convex's real shapes. The expected requests are the
 * checked-in contract the Convex package tests against; that each type's first delivery sends exactly its pinned
 * request is checked for all of them by WebhookToConvexIT#sendsExactlyTheBodiesInTheContractFixture.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{families.webhook.port}}",
        "camel.management.port={{families.management.port}}",
        "convex.url={{families.convex.url}}",
        "convex.deploy-key=prod:happy-otter-123|c2VjcmV0LWRlcGxveS1rZXk=",
        "clerk.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "storage.jdbc-url=jdbc:h2:mem:families-it;DB_CLOSE_DELAY=-1"})
class EventFamiliesIT {

    static final TestRuntime RUNTIME = TestRuntime.prepare("families");
    static final ConvexStandIn CONVEX = RUNTIME.convex();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeanInject
    CamelContext context;

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    final SignedWebhooks clerk = RUNTIME.clerk(SECRET);

    @BeforeEach
    void resetConvex() {
        CONVEX.reset();
    }

    @AfterAll
    void stopConvex() {
        CONVEX.close();
    }

    /** The contract's webhook entries: the payload file and the exact request Convex must receive for it. */
    static Stream<Arguments> events() {
        try {
            List<Arguments> events = new ArrayList<>();
            for (JsonNode entry : JSON.readTree(Files.readString(Path.of("contract/convex-requests.json")))) {
                if (entry.has("event")) {
                    events.add(Arguments.of(entry.get("event").asText(), entry.get("request")));
                }
            }
            return events.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The six organization and membership types, beside the users' own tests in WebhookToConvexIT. */
    static Stream<Arguments> organizationEvents() {
        return events().filter(a -> ((String) a.get()[0]).startsWith("organization"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("organizationEvents")
    void dropsADuplicate(String event, JsonNode request) throws Exception {
        String id = SignedWebhooks.newId();
        String body = SignedWebhooks.payload(event);
        assertEquals(200, clerk.send(id, body).statusCode());
        HttpResponse<String> again = clerk.send(id, body);

        assertEquals(200, again.statusCode(), again.body());
        assertEquals("duplicate", JSON.readTree(again.body()).get("outcome").asText());
        assertEquals(1, CONVEX.requests().size(), event + ": a duplicate must not reach Convex");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("organizationEvents")
    void redeliversATransientFailure(String event, JsonNode request) throws Exception {
        CONVEX.script(Answer.failure(503, "Overloaded"), Answer.failure(429, "TooManyConcurrentRequests"));
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload(event));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("delivered", JSON.readTree(response.body()).get("outcome").asText());
        assertEquals(3, CONVEX.requests().size(), event + ": two redeliveries, then success");
        for (ConvexStandIn.Request call : CONVEX.requests()) {
            assertEquals(request, JSON.readTree(call.body()), event + ": every redelivery sends the pinned request");
        }
    }

    /** Users included: a deployment without the functions is the same failure whichever function is missing. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void deadLettersAtOnceWhenTheDeploymentLacksTheFunction(String event, JsonNode request) throws Exception {
        String function = request.get("path").asText();
        // Convex's own servers answer a function error with 560, the open-source backend with 200: both shapes
        CONVEX.fallback(Answer.missingFunction(event.contains("deleted") ? 560 : 200, function));
        String id = SignedWebhooks.newId();
        String body = SignedWebhooks.payload(event);
        HttpResponse<String> response = clerk.send(id, body);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("dead_lettered", JSON.readTree(response.body()).get("outcome").asText());
        assertEquals(1, CONVEX.requests().size(), event + ": a missing function is not redelivered");
        DeadLetter letter = deadLetters().list().stream().filter(d -> id.equals(d.svixId())).findFirst()
                .orElseThrow(() -> new AssertionError(event + ": no dead letter for " + id));
        assertEquals(function, letter.function());
        assertEquals("function_missing", letter.errorKind());
        assertEquals(body, letter.body(), "the body is kept for the replay once the functions are deployed");
        assertTrue(letter.error().contains("Convex has no function " + function), letter.error());
        assertTrue(letter.error().contains("packages/convex-clerk-sync") && letter.error().contains("npx convex deploy"),
                "the reason says how to install the functions: " + letter.error());

        String metrics = clerk.post(HttpRequest.newBuilder(URI.create(RUNTIME.management("/observe/metrics"))).GET()).body();
        assertTrue(metrics.contains("convex_calls_total{function=\"" + function + "\",result=\"function_missing\"}"),
                "the call is counted as function_missing");
    }

    @ParameterizedTest(name = "{0} without {1}")
    @CsvSource({
            "organization.created.json,id,missing_organization_id",
            "organization.updated.json,id,missing_organization_id",
            "organization.deleted.json,id,missing_organization_id",
            "organizationMembership.created.json,id,missing_membership_id",
            "organizationMembership.updated.json,id,missing_membership_id",
            "organizationMembership.deleted.json,id,missing_membership_id",
            "organizationMembership.created.json,organization.id,missing_organization_id",
            "organizationMembership.updated.json,organization,missing_organization_id",
            "organizationMembership.deleted.json,organization.id,missing_organization_id",
            "organizationMembership.created.json,public_user_data.user_id,missing_user_id",
            "organizationMembership.updated.json,public_user_data,missing_user_id",
            "organizationMembership.deleted.json,public_user_data.user_id,missing_user_id"})
    void answersAMalformedEvent400(String event, String field, String reason) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(SignedWebhooks.payload(event));
        ObjectNode holder = (ObjectNode) body.get("data");
        String[] path = field.split("\\.");
        for (int i = 0; i < path.length - 1; i++) {
            holder = (ObjectNode) holder.get(path[i]);
        }
        holder.remove(path[path.length - 1]);
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), JSON.writeValueAsString(body));

        assertEquals(400, response.statusCode(), response.body());
        JsonNode answer = JSON.readTree(response.body());
        assertEquals(reason, answer.get("error").asText(), response.body());
        assertTrue(answer.toString().contains("data." + field), "the reason names the field: " + answer);
        assertEquals(0, CONVEX.requests().size(), "nothing reaches Convex");
    }

    /** The CLI's samples of the new types, signed with the configured secret, reach the right functions. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("organizationEvents")
    void sendTestEventSendsEachNewType(String event, JsonNode request) throws Exception {
        String type = event.substring(0, event.length() - ".json".length());
        // the CLI reads the secret as the runtime does; a system property is the override it honours besides the env
        System.setProperty("clerk.webhook-secret", SECRET);
        try {
            assertEquals(0, Cli.execute("send-test-event", type, "--url", clerk.url()), type + ": answered 2xx");
        } finally {
            System.clearProperty("clerk.webhook-secret");
        }
        assertEquals(1, CONVEX.requests().size(), type + ": the sample should reach Convex");
        assertEquals(request, JSON.readTree(CONVEX.requests().get(0).body()), type + ": the sample goes to its function");
    }

    private DeadLetterStore deadLetters() {
        return context.getRegistry().lookupByNameAndType("deadLetterStore", DeadLetterStore.class);
    }
}
