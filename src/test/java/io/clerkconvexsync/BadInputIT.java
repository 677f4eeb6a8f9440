package io.clerkconvexsync;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a sender can get wrong, over the real listener: each is answered 4xx with the right reason (never a 5xx that
 * Svix would retry for a day), counted by reason, and the listener's own bounds answer before anything is read.
 * CONVEX_URL is configured with a trailing slash here, as a user may paste it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.bad.webhook.port}}",
        "camel.management.port={{it.bad.management.port}}",
        "convex.url={{it.bad.convex.url}}/",
        "clerk.webhook-secret=" + BadInputIT.SECRET,
        "storage.jdbc-url=jdbc:h2:mem:bad-input-it;DB_CLOSE_DELAY=-1",
        "listener.body-budget-bytes=300000"})
class BadInputIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final TestRuntime RUNTIME = TestRuntime.prepare("it.bad");
    static final ConvexStandIn CONVEX = RUNTIME.convex();
    static final ObjectMapper JSON = new ObjectMapper();

    final SignedWebhooks clerk = RUNTIME.clerk(SECRET);
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void resetConvex() {
        CONVEX.reset();
    }

    @AfterAll
    void stopConvex() {
        CONVEX.close();
    }

    @Test
    void aTrailingSlashInConvexUrlStillCallsApiMutation() throws Exception {
        CONVEX.script(Answer.success());
        HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.created.json"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("/api/mutation", CONVEX.requests().get(0).path(), "no double slash before api/mutation");
    }

    @Test
    void jsonNestedTooDeepIsMalformedJsonNot503() throws Exception {
        String body = "{\"type\":\"user.created\",\"data\":{\"id\":\"user_1\",\"x\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}}";
        assertRejected(clerk.send(SignedWebhooks.newId(), body), 400, "malformed_json");
    }

    @Test
    void aHundredThousandDigitNumberIsMalformedJsonNot503() throws Exception {
        String body = "{\"type\":\"user.created\",\"data\":{\"id\":\"user_1\",\"n\":" + "1".repeat(100_000) + "}}";
        assertRejected(clerk.send(SignedWebhooks.newId(), body), 400, "malformed_json");
    }

    @Test
    void aRepeatedSvixHeaderIsDuplicateHeaders() throws Exception {
        String id = SignedWebhooks.newId();
        String body = SignedWebhooks.payload("user.created.json");
        long now = Instant.now().getEpochSecond();
        String signature = SignedWebhooks.sign(SECRET, id, now, body);
        HttpResponse<String> response = clerk.post(HttpRequest.newBuilder(URI.create(clerk.url()))
                .header("Content-Type", "application/json").header("svix-id", id)
                .header("svix-timestamp", Long.toString(now))
                .header("svix-signature", signature).header("svix-signature", "v1,AAAA")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertRejected(response, 400, "duplicate_headers");
        assertTrue(CONVEX.requests().isEmpty(), "nothing reaches Convex");
    }

    @Test
    void aFormBodyIsUnsupportedMediaTypeNotEmptyBody() throws Exception {
        String id = SignedWebhooks.newId();
        long now = Instant.now().getEpochSecond();
        String body = "type=user.created&data=x";
        HttpResponse<String> response = clerk.post(HttpRequest.newBuilder(URI.create(clerk.url()))
                .header("Content-Type", "application/x-www-form-urlencoded").header("svix-id", id)
                .header("svix-timestamp", Long.toString(now)).header("svix-signature", SignedWebhooks.sign(SECRET, id, now, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertRejected(response, 415, "unsupported_media_type");
    }

    @Test
    void rejectionsAreCountedByReason() throws Exception {
        double before = rejections("invalid_signature");
        clerk.send(SignedWebhooks.newId(), Instant.now().getEpochSecond(), "v1,AAAA", "{}");
        assertEquals(before + 1, rejections("invalid_signature"), "clerk_webhook_rejections_total{reason} counts it");
    }

    @Test
    void aBodyOverTheLimitIsAnswered413BeforeItIsRead() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RUNTIME.webhookPort())) {
            socket.setSoTimeout(5_000);
            // only the headers are sent: the answer must come without the 10 MB body
            socket.getOutputStream().write(("POST /clerk-webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 10000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", answer, "answered at once, unread");
        }
    }

    @Test
    void bodiesBeyondTheBudgetAre503AtOnceAndTheBudgetComesBack() throws Exception {
        try (Socket first = new Socket("127.0.0.1", RUNTIME.webhookPort());
                Socket second = new Socket("127.0.0.1", RUNTIME.webhookPort())) {
            // two bodies, all but their last byte sent, leaving less than 16 KiB of the 300,000-byte budget: the bytes
            // received are held while they are read
            OutputStream a = holdAllButOneByte(first, 145_000);
            OutputStream b = holdAllButOneByte(second, 145_000);
            HttpResponse<String> shed = awaitStatus(503);
            JsonNode answer = JSON.readTree(shed.body());
            assertEquals("overloaded", answer.get("error").asText(), shed.body());
            assertEquals("retried", answer.get("outcome").asText(), shed.body());
            for (Socket holder : List.of(first, second)) {
                OutputStream out = holder == first ? a : b;
                out.write('}'); // the last byte: the held request ends (rejected unsigned), its bytes are released
                out.flush();
                holder.setSoTimeout(5_000);
                assertEquals("HTTP/1.1 400", new String(holder.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
            }
        }
        HttpResponse<String> after = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.created.json"));
        assertEquals(200, after.statusCode(), "the budget is free again: " + after.body());
    }

    @Test
    void aBodyWhoseBytesNoLongerFitIsAnswered503AndTheRestDropped() throws Exception {
        try (Socket late = new Socket("127.0.0.1", RUNTIME.webhookPort());
                Socket holder = new Socket("127.0.0.1", RUNTIME.webhookPort())) {
            late.getOutputStream().write(head(100_000)); // let in: nothing is held yet
            late.getOutputStream().flush();
            OutputStream held = holdAllButOneByte(holder, 240_000);
            awaitHeldBytes(200_000);
            late.getOutputStream().write(new byte[100_000]); // only part of it fits what the holder leaves
            late.getOutputStream().flush();
            late.setSoTimeout(5_000);
            String answer = new String(late.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 503") && answer.contains("\"error\":\"overloaded\""), answer);
            held.write('}');
            held.flush();
            holder.setSoTimeout(5_000);
            assertEquals("HTTP/1.1 400", new String(holder.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
        }
        awaitHeldBytes(0);
    }

    /** Waits until listener_body_bytes is {@code bytes} (0) or at least {@code bytes} (more than 0). */
    private void awaitHeldBytes(long bytes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        double held;
        do {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(RUNTIME.management("/observe/metrics"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            held = metrics.lines().filter(l -> l.startsWith("listener_body_bytes ")).mapToDouble(
                    l -> Double.parseDouble(l.substring("listener_body_bytes ".length()))).findFirst().orElse(-1);
            if (bytes == 0 ? held == 0 : held >= bytes) {
                return;
            }
            Thread.sleep(20); // polling interval for the listener to read what was sent
        } while (System.nanoTime() < deadline);
        throw new AssertionError("listener_body_bytes stayed " + held + ", expected " + (bytes == 0 ? "0" : ">= " + bytes));
    }

    @Test
    void headersWithoutABodyHoldNoBudget() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) { // 3 x 100,000 declared: this test's whole budget, had they reserved it
                Socket socket = new Socket("127.0.0.1", RUNTIME.webhookPort());
                idle.add(socket);
                socket.getOutputStream().write(head(100_000));
                socket.getOutputStream().flush();
            }
            HttpResponse<String> response = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.created.json"));
            assertEquals(200, response.statusCode(), "declared lengths with no byte sent hold nothing: " + response.body());
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    private static OutputStream holdAllButOneByte(Socket socket, int length) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(head(length));
        byte[] body = new byte[length - 1];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        out.write(body);
        out.flush();
        return out;
    }

    private static byte[] head(int contentLength) {
        return ("POST /clerk-webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends small signed webhooks until one is answered {@code status} (the holder's headers may still be in flight). */
    private HttpResponse<String> awaitStatus(int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        HttpResponse<String> last;
        do {
            last = clerk.send(SignedWebhooks.newId(), SignedWebhooks.payload("user.created.json"));
            if (last.statusCode() == status) {
                return last;
            }
            Thread.sleep(50); // polling interval until the holder's reservation is in place
        } while (System.nanoTime() < deadline);
        String metrics = http.send(HttpRequest.newBuilder(URI.create(RUNTIME.management("/observe/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        throw new AssertionError("never answered " + status + "; last: " + last.statusCode() + " " + last.body() + " "
                + metrics.lines().filter(l -> l.startsWith("listener_body_bytes ")).toList());
    }

    private static void assertRejected(HttpResponse<String> response, int status, String reason) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("rejected", body.get("outcome").asText(), response.body());
        assertEquals(reason, body.get("error").asText(), response.body());
    }

    private double rejections(String reason) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(RUNTIME.management("/observe/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String prefix = "clerk_webhook_rejections_total{reason=\"" + reason + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + "in " + metrics));
    }
}
