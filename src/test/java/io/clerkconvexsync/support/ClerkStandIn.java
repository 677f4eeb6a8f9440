package io.clerkconvexsync.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A real local HTTP server standing in for Clerk's Backend API, with its shapes: {@code GET /v1/users?limit&offset&
 * order_by=+created_at} answers a bare JSON array of User objects (offset paging over the users in creation order),
 * {@code GET /v1/users/{id}} one User or 404 {@code {"errors":[{"code":"resource_not_found",…}]}}, a wrong bearer
 * key 401, and scripted 429 (with Retry-After) or 5xx answers.
 */
public final class ClerkStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as Clerk received it, and when (System.nanoTime()). */
    public record Request(String path, String query, String authorization, long atNanos) {
    }

    private final HttpServer server;
    private final String secretKey;
    private final LinkedHashMap<String, ObjectNode> users = new LinkedHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Integer> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private volatile int retryAfterSeconds = 1;
    private volatile int failListingFromOffset = -1;
    private volatile IntConsumer beforeListing = offset -> { };
    private int created;

    public ClerkStandIn(String secretKey) throws IOException {
        this.secretKey = secretKey;
        server = LocalHttpServer.start(this::handle);
    }

    /** A stand-in whose URL is published as the system property {@code urlProperty}, for @CamelMainTest properties. */
    public static ClerkStandIn published(String secretKey, String urlProperty) {
        try {
            ClerkStandIn clerk = new ClerkStandIn(secretKey);
            System.setProperty(urlProperty, clerk.url());
            return clerk;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String url() {
        return LocalHttpServer.url(server);
    }

    /** A User object as Clerk's Backend API returns it (the shape of a webhook's data). */
    public static ObjectNode user(String id, String firstName, long updatedAt) {
        ObjectNode user = JSON.createObjectNode();
        user.put("object", "user").put("id", id).putNull("external_id")
                .put("primary_email_address_id", "idn_" + id).putNull("username")
                .put("first_name", firstName).put("last_name", "Doe").put("image_url", "https://img.clerk.com/" + id)
                .put("has_image", false).set("public_metadata", JSON.createObjectNode());
        user.putArray("email_addresses").addObject().put("id", "idn_" + id).put("object", "email_address")
                .put("email_address", id.toLowerCase() + "@example.com");
        user.put("created_at", 1_700_000_000_000L + updatedAt).put("updated_at", updatedAt).putNull("last_sign_in_at");
        return reparsed(user);
    }

    /** Adds users {@code prefix}0 … {@code prefix}(n-1), in creation order after those already here. */
    public synchronized List<ObjectNode> addUsers(String prefix, int n) {
        List<ObjectNode> added = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode user = user(prefix + i, "User" + i, 1000 + created++);
            users.put(user.get("id").asText(), user);
            added.add(user);
        }
        return added;
    }

    public synchronized void put(ObjectNode user) {
        users.put(user.get("id").asText(), user);
    }

    public synchronized void remove(String id) {
        users.remove(id);
    }

    public synchronized List<String> ids() {
        return new ArrayList<>(users.keySet());
    }

    public synchronized ObjectNode get(String id) {
        return users.get(id);
    }

    /** The next {@code count} requests are answered 429 with {@code Retry-After: seconds}. */
    public void rateLimit(int count, int seconds) {
        retryAfterSeconds = seconds;
        rateLimited.set(count);
    }

    /** Every listing request from this offset on is answered 500 (Clerk failing mid-listing). */
    public void failListingFrom(int offset) {
        failListingFromOffset = offset;
    }

    /** The next requests are answered with these statuses (Clerk's error shape), in order. */
    public void fail(Integer... statuses) {
        failures.addAll(List.of(statuses));
    }

    /** Runs before each listing request is answered, with its offset (e.g. to delete a user mid-listing). */
    public void beforeListing(IntConsumer hook) {
        beforeListing = hook;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** No users, no scripted failures, no requests recorded. */
    public synchronized void clear() {
        reset();
        users.clear();
    }

    public void reset() {
        requests.clear();
        failures.clear();
        rateLimited.set(0);
        failListingFromOffset = -1;
        beforeListing = offset -> { };
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        requests.add(new Request(path, query, auth, System.nanoTime()));
        exchange.getRequestBody().readAllBytes();
        if (!("Bearer " + secretKey).equals(auth)) {
            error(exchange, 401, "authentication_invalid", "Invalid authentication");
            return;
        }
        if (rateLimited.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            exchange.getResponseHeaders().add("Retry-After", Integer.toString(retryAfterSeconds));
            error(exchange, 429, "too_many_requests", "Too many requests");
            return;
        }
        if (!failures.isEmpty()) {
            error(exchange, failures.remove(0), "internal_clerk_error", "Something went wrong");
            return;
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            error(exchange, 405, "method_not_allowed", "Method not allowed");
        } else if ("/v1/users".equals(path)) {
            list(exchange, params(query));
        } else if (path.startsWith("/v1/users/")) {
            ObjectNode user = get(path.substring("/v1/users/".length()));
            if (user == null) {
                error(exchange, 404, "resource_not_found", "not found");
            } else {
                send(exchange, 200, user.toString());
            }
        } else {
            error(exchange, 404, "resource_not_found", "not found");
        }
    }

    private void list(HttpExchange exchange, Map<String, String> params) throws IOException {
        int limit = Integer.parseInt(params.getOrDefault("limit", "10"));
        int offset = Integer.parseInt(params.getOrDefault("offset", "0"));
        if (limit < 1 || limit > 500 || !"+created_at".equals(params.get("order_by"))) {
            error(exchange, 422, "form_param_value_invalid", "limit must be 1..500 and order_by +created_at here");
            return;
        }
        beforeListing.accept(offset);
        if (failListingFromOffset >= 0 && offset >= failListingFromOffset) {
            error(exchange, 500, "internal_clerk_error", "Something went wrong");
            return;
        }
        StringBuilder page = new StringBuilder("[");
        synchronized (this) {
            List<ObjectNode> all = new ArrayList<>(users.values());
            for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
                page.append(i > offset ? "," : "").append(all.get(i));
            }
        }
        send(exchange, 200, page.append(']').toString());
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    /** As a JSON reader builds it (an int where it fits), so that it equals what Convex's side parses. */
    static ObjectNode reparsed(ObjectNode node) {
        try {
            return (ObjectNode) JSON.readTree(node.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        send(exchange, status, "{\"errors\":[{\"message\":\"" + message + "\",\"long_message\":\"" + message
                + "\",\"code\":\"" + code + "\"}],\"clerk_trace_id\":\"trace_standin\"}");
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
