package io.clerkconvexsync;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.clerkconvexsync.support.ConvexStandIn;
import io.clerkconvexsync.support.SignedWebhooks;
import io.clerkconvexsync.support.TestRuntime;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 21, finding 3: requests that Vert.x's router refuses before any route runs (HTTP/1.1 without Host, {@code OPTIONS
 * *}, {@code CONNECT}, a target without '/'), each carrying a 200 KB body on a keep-alive connection. Their bytes must be
 * given back when their answer is sent, so that signed webhooks still get in; they are counted under their own reason
 * (not as header timeouts) and logged throttled, never as one ERROR line each. The header timeout is 2 s here, so a
 * connection left to it would show within the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "file:application.properties", properties = {
        "camel.server.port={{it.refused.webhook.port}}",
        "camel.management.port={{it.refused.management.port}}",
        "convex.url={{it.refused.convex.url}}",
        "clerk.webhook-secret=" + RouterRefusedRequestsIT.SECRET,
        "storage.jdbc-url=jdbc:h2:mem:router-refused-it;DB_CLOSE_DELAY=-1",
        "listener.header-timeout=2s"})
class RouterRefusedRequestsIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final TestRuntime RUNTIME = TestRuntime.prepare("it.refused");
    static final ConvexStandIn CONVEX = RUNTIME.convex();
    static final int CONNECTIONS = 25;
    static final int WEBHOOKS = 27;
    static final int BODY = 200_000;
    /** The request heads, by the status Vert.x gives them; the body follows each. */
    static final String[] HEADS = {
            "POST /clerk-webhook HTTP/1.1\r\nContent-Type: application/json\r\n",   // no Host: 400
            "OPTIONS * HTTP/1.1\r\nHost: x\r\n",                                   // 404
            "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n",     // 404
            "POST clerk-webhook HTTP/1.1\r\nHost: x\r\n"};                          // no leading '/': 404

    final SignedWebhooks clerk = RUNTIME.clerk(SECRET);

    @AfterAll
    void stopConvex() {
        CONVEX.close();
    }

    @Test
    void routerRefusedRequestsGiveTheirBodyBytesBackAndAreCountedAsWhatTheyAre() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root().addAppender(log);
        ExecutorService attackers = Executors.newFixedThreadPool(CONNECTIONS);
        List<Socket> sockets = new ArrayList<>();
        try {
            CountDownLatch answered = new CountDownLatch(CONNECTIONS);
            List<CompletableFuture<String>> statuses = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket socket = new Socket("127.0.0.1", RUNTIME.webhookPort());
                sockets.add(socket);
                String head = HEADS[i % HEADS.length];
                statuses.add(CompletableFuture.supplyAsync(() -> sendAndHold(socket, head, answered), attackers));
            }
            assertTrue(answered.await(30, TimeUnit.SECONDS), "every refused request is answered");

            // meanwhile, with all 25 connections still open on the client's side
            int delivered = 0;
            List<String> notDelivered = new ArrayList<>();
            for (int i = 0; i < WEBHOOKS; i++) {
                String svixId = SignedWebhooks.newId();
                HttpResponse<String> r = clerk.send(svixId, "{\"type\":\"user.updated\",\"data\":{\"id\":\"user_" + i + "\"}}");
                if (r.statusCode() == 200 && r.body().contains("\"delivered\"")) {
                    delivered++;
                } else {
                    notDelivered.add(r.statusCode() + " " + r.body());
                }
            }
            assertEquals(WEBHOOKS, delivered, "signed webhooks held out by refused requests' bytes: " + notDelivered);

            List<String> answers = new ArrayList<>();
            for (CompletableFuture<String> status : statuses) {
                answers.add(status.get(30, TimeUnit.SECONDS));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                String expected = i % HEADS.length == 0 ? "400" : "404";
                assertTrue(answers.get(i).startsWith(expected + " closed"),
                        HEADS[i % HEADS.length].lines().findFirst().orElseThrow() + " answered " + expected
                                + " and then closed by the server: " + answers.get(i));
            }
            assertEquals(0, gauge("listener_body_bytes"), "no body bytes held once they are answered");
            assertEquals(7, counter("bad_request"), "the requests without Host");
            assertEquals(18, counter("target_not_a_path"), "OPTIONS *, CONNECT and targets without '/'");
            assertEquals(0, counter("header_timeout"), "none of them is a header timeout");
        } finally {
            attackers.shutdownNow();
            for (Socket socket : sockets) {
                socket.close();
            }
            root().detachAppender(log);
        }
        List<String> errors = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of(), errors, "no ERROR line for requests refused by the router");
        for (String reason : new String[] {"bad_request", "target_not_a_path"}) {
            long lines = log.list.stream().filter(e -> e.getFormattedMessage().contains("reason=" + reason)).count();
            assertEquals(1, lines, reason + " is logged throttled, once in these seconds");
        }
    }

    /**
     * Sends one request with a 200 KB body and keeps the connection; its status, then "closed" once the server closed
     * it (within 20 s) or "open".
     */
    private static String sendAndHold(Socket socket, String head, CountDownLatch answered) {
        try {
            byte[] body = new byte[BODY];
            Arrays.fill(body, (byte) 'x');
            OutputStream out = socket.getOutputStream();
            out.write((head + "Content-Length: " + BODY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
                line.write(b);
            }
            answered.countDown();
            String status = line.toString(StandardCharsets.US_ASCII).split(" ").length > 1
                    ? line.toString(StandardCharsets.US_ASCII).split(" ")[1] : "none";
            try {
                while (in.read() >= 0) {
                    // the rest of the answer
                }
                return status + " closed";
            } catch (java.net.SocketTimeoutException stillOpen) {
                return status + " open";
            }
        } catch (IOException e) {
            answered.countDown();
            return "failed " + e;
        }
    }

    private static double counter(String reason) throws Exception {
        Matcher m = Pattern.compile("(?m)^listener_rejections_total\\{reason=\"" + reason + "\"} (\\S+)$").matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static double gauge(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static String metrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(RUNTIME.management("/observe/metrics")))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
