package io.clerkconvexsync.support;

import com.svix.Webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Sends webhooks the way Svix does, signed with svix-java's own {@link Webhook#sign} (never with the code under test),
 * over a real socket to the runtime's listener.
 */
public final class SignedWebhooks {
    private final String url;
    private final String secret;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public SignedWebhooks(String url, String secret) {
        this.url = url;
        this.secret = secret;
    }

    public static String newId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    public static String payload(String name) {
        try (InputStream in = SignedWebhooks.class.getResourceAsStream("/payloads/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sign(String secret, String id, long timestamp, String body) {
        try {
            return new Webhook(secret).sign(id, timestamp, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A correctly signed POST, sent now. */
    public HttpResponse<String> send(String id, String body) {
        long now = Instant.now().getEpochSecond();
        return send(id, now, sign(secret, id, now, body), body);
    }

    public HttpResponse<String> send(String id, long timestamp, String signature, String body) {
        return post(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("svix-id", id)
                .header("svix-timestamp", Long.toString(timestamp))
                .header("svix-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> post(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return url;
    }
}
