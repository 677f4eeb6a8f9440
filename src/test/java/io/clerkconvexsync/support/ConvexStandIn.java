package io.clerkconvexsync.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real local HTTP server standing in for a Convex deployment. It answers {@code POST /api/mutation} with Convex's
 * real response shapes: by default {@code 200 {"status":"success","value":null}}, or whatever a test scripted next.
 * After {@link #keepUsers()}, the reconcile functions of users, organizations, memberships, roles, invitations, plans
 * and subscription items run against a {@link ConvexTable} each instead (scripted answers still come first).
 */
public final class ConvexStandIn implements AutoCloseable {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** One scripted answer. */
    public record Answer(int status, String body, boolean hangs, boolean drops, long delayMs) {
        public Answer(int status, String body, boolean hangs, boolean drops) {
            this(status, body, hangs, drops, 0);
        }

        /** A success that takes its time, yet comes within the runtime's response timeout. */
        public static Answer slowSuccess(long delayMs) {
            return new Answer(200, success().body(), false, false, delayMs);
        }

        public static Answer success() {
            return new Answer(200, "{\"status\":\"success\",\"value\":null}", false, false);
        }

        /** A function error, as Convex reports it with HTTP 200 (or 560). */
        public static Answer functionError(int status) {
            return new Answer(status, "{\"status\":\"error\",\"errorMessage\":\"[Request ID: 3f2a] Server Error\\n"
                    + "ArgumentValidationError: Object is missing the required field `first_name`.\",\"logLines\":[]}",
                    false, false);
        }

        /**
         * The deployment has no such function (or it is internal and the key is no admin key): convex-backend's
         * missing_or_internal_error text, with HTTP 200 (or 560) like any function error.
         */
        public static Answer missingFunction(int status, String function) {
            return new Answer(status, "{\"status\":\"error\",\"errorMessage\":\"[Request ID: 0961c53d50a6a123] Server Error\\n"
                    + "Could not find public function for '" + function + "'. Did you forget to run `npx convex dev` or"
                    + " `npx convex deploy`?\"}", false, false);
        }

        /** Any other failure: {code, message} with a 4xx/5xx status. */
        public static Answer failure(int status, String code) {
            return new Answer(status, "{\"code\":\"" + code + "\",\"message\":\"" + code + " from the stand-in\"}", false, false);
        }

        /** Accepts the request and never answers (until the stand-in closes). */
        public static Answer hang() {
            return new Answer(0, null, true, false);
        }

        /** Closes the connection without an answer. */
        public static Answer drop() {
            return new Answer(0, null, false, true);
        }
    }

    /** One request as Convex received it. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Answer fallback = Answer.success();
    private final ConvexTable users = ConvexTable.users();
    private final ConvexTable organizations = ConvexTable.organizations();
    private final ConvexTable memberships = ConvexTable.memberships();
    private final Map<String, ConvexTable> kindTables = Map.of("roles", ConvexTable.roles(),
            "invitations", ConvexTable.invitations(), "plans", ConvexTable.plans(),
            "subscriptionItems", ConvexTable.subscriptionItems());
    private volatile boolean keepUsers;
    private volatile boolean cascadeLater;
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> lateAnswers = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long lateAnswerMs;

    public ConvexStandIn() throws IOException {
        server = LocalHttpServer.start(this::handle);
    }

    public String url() {
        return LocalHttpServer.url(server);
    }

    /** Answers the next requests with these, in order, then with the fallback. */
    public void script(Answer... answers) {
        script.addAll(List.of(answers));
    }

    /** What every request gets once the script is used up. */
    public void fallback(Answer answer) {
        this.fallback = answer;
    }

    /**
     * From now on (until {@link #reset()}), upsertManyFromClerk, pageExternalIds and deleteFromClerk of users,
     * organizations and memberships use the tables; returns the users'.
     */
    public ConvexTable keepUsers() {
        keepUsers = true;
        return users;
    }

    public ConvexTable users() {
        return users;
    }

    public ConvexTable organizations() {
        return organizations;
    }

    public ConvexTable memberships() {
        return memberships;
    }

    /** The table of {@code roles}, {@code invitations}, {@code plans} or {@code subscriptionItems}. */
    public ConvexTable table(String kind) {
        return kindTables.get(kind);
    }

    /**
     * The next {@code count} calls of {@code function} (a table's, {@code users:upsertManyFromClerk}) are carried out
     * at once, then answered {@code delayMs} late: a slow Convex whose commit the caller may give up waiting for.
     */
    public void answerLate(String function, int count, long delayMs) {
        lateAnswerMs = delayMs;
        lateAnswers.put(function, new java.util.concurrent.atomic.AtomicInteger(count));
    }

    /**
     * An organization's deletion leaves its memberships for now, as the package's cascade does past its first step
     * (the rest is scheduled).
     */
    public void cascadeLater() {
        cascadeLater = true;
    }

    public void reset() {
        kindTables.values().forEach(ConvexTable::clear);
        keepUsers = false;
        cascadeLater = false;
        lateAnswers.clear();
        users.clear();
        organizations.clear();
        memberships.clear();
        script.clear();
        requests.clear();
        fallback = Answer.success();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery(),
                Map.copyOf(exchange.getRequestHeaders()), body));
        Answer answer = script.poll();
        if (answer == null && keepUsers) {
            answer = tableAnswer(body);
            var late = answer == null ? null : lateAnswers.get(JSON.readTree(body).path("path").asText());
            if (late != null && late.getAndDecrement() > 0) {
                answer = new Answer(answer.status(), answer.body(), false, false, lateAnswerMs);
            }
        }
        if (answer == null) {
            answer = fallback;
        }
        if (answer.hangs()) {
            try {
                closing.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        if (answer.delayMs() > 0 && awaitClosing(answer.delayMs())) {
            exchange.close();
            return;
        }
        if (answer.drops()) {
            exchange.close();
            return;
        }
        byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    /** Convex's answer from a table, or null when the request is not for one of their functions. */
    private Answer tableAnswer(String body) {
        try {
            var request = JSON.readTree(body);
            String[] path = request.path("path").asText().split(":", 2);
            ConvexTable table = path.length < 2 ? null : switch (path[0]) {
                case "users" -> users;
                case "organizations" -> organizations;
                case "memberships" -> memberships;
                default -> kindTables.get(path[0]);
            };
            if (table == null || !List.of("upsertManyFromClerk", "pageExternalIds", "deleteFromClerk", "archiveFromClerk")
                    .contains(path[1])) {
                return null;
            }
            var value = table.call(path[1], request.get("args"));
            if (table == organizations && path[1].equals("deleteFromClerk") && !cascadeLater) {
                memberships.deleteOfOrganization(request.get("args").get("organizationId").asText());
            }
            var reply = JSON.createObjectNode().put("status", "success");
            reply.set("value", value);
            return new Answer(200, reply.toString(), false, false);
        } catch (ConvexTable.Refusal e) {
            var reply = JSON.createObjectNode().put("status", "error")
                    .put("errorMessage", "[Request ID: 7d1c] Server Error\nUncaught " + (e.data == null ? "Error: " : "")
                            + e.getMessage());
            if (e.data != null) {
                reply.set("errorData", e.data); // a ConvexError's data, which Convex keeps even where it redacts the message
            }
            return new Answer(200, reply.toString(), false, false);
        } catch (IOException | RuntimeException e) {
            return new Answer(200, JSON.createObjectNode().put("status", "error")
                    .put("errorMessage", "stand-in: " + e).toString(), false, false);
        }
    }

    /** Waits up to the given time, as a slow Convex would; true when the stand-in is closing meanwhile. */
    private boolean awaitClosing(long millis) {
        try {
            return closing.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
