package io.clerkconvexsync.cli;

import com.svix.Webhook;
import io.clerkconvexsync.Application;
import io.clerkconvexsync.config.SyncSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code send-test-event}: what Clerk's "Send test webhook" button does, from this machine: signs a sample Clerk event
 * with the configured signing secret and posts it to a running instance, so it can be tried without a public URL.
 */
public final class SendTestEvent {
    public static final String COMMAND = "send-test-event";
    private static final List<String> TYPES = List.of("user.created", "user.updated", "user.deleted");

    private SendTestEvent() {
    }

    public static int run(String[] args) throws Exception {
        String type = "user.created";
        String url = null;
        for (int i = 1; i < args.length; i++) {
            if ("--url".equals(args[i]) && i + 1 < args.length) {
                url = args[++i];
            } else if (TYPES.contains(args[i])) {
                type = args[i];
            } else {
                System.err.println("usage: java -jar clerk-convex-sync.jar " + COMMAND + " [" + String.join("|", TYPES)
                        + "] [--url http://localhost:8080/clerk-webhook]");
                return 64;
            }
        }
        String secret;
        try (CamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation(Application.PROPERTY_LOCATIONS);
            List<String> secrets = SyncSettings.secretsFrom(context.getPropertiesComponent().resolveProperty(SyncSettings.WEBHOOK_SECRET));
            secret = secrets.get(0);
            if (url == null) {
                url = "http://localhost:" + context.resolvePropertyPlaceholders("{{camel.server.port}}")
                        + context.resolvePropertyPlaceholders("{{clerk.webhook-path}}");
            }
        }
        String body = sample(type);
        String id = "msg_test_" + UUID.randomUUID().toString().replace("-", "");
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("svix-id", id)
                .header("svix-timestamp", Long.toString(timestamp))
                .header("svix-signature", new Webhook(secret).sign(id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        System.out.println("sent " + type + " svix-id " + id + " to " + url);
        System.out.println("HTTP " + response.statusCode() + " " + response.body());
        return response.statusCode() / 100 == 2 ? 0 : 1;
    }

    private static String sample(String type) throws IOException {
        try (InputStream in = SendTestEvent.class.getResourceAsStream("/samples/" + type + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
