package io.clerkconvexsync.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * {@code GET /v1/users/{id}} one User or 404 {@code {"errors":[{"code":"resource_not_found",…}]}};
 * {@code GET /v1/organizations} and {@code GET /v1/organization_memberships} (same paging) answer
 * {@code {"data":[…],"total_count":n}}, {@code GET /v1/organizations/{id}} one organization or 404, and
 * {@code GET /v1/organizations/{id}/memberships?user_id=…} (repeatable) that organization's memberships of those users
 * (404 when the organization is gone); a wrong bearer key 401, and scripted 429 (with Retry-After) or 5xx answers.
 * Roles ({@code /v1/organization_roles}, one by id), invitations ({@code /v1/organization_invitations} filtered by
 * {@code status}, one through {@code /v1/organizations/{org}/invitations/{id}}), plans ({@code /v1/billing/plans}) and
 * subscription items ({@code /v1/billing/subscription_items}, free-plan items only with {@code include_free=true};
 * both billing listings newest first and without order_by) and a payer's subscription
 * ({@code /v1/{users|organizations}/{id}/billing/subscription}) answer in the shapes of the samples in
 * payloads/backend/. Any method other than GET is answered 405 and recorded like every request.
 */
public final class ClerkStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as Clerk received it (every method, GET or not), and when (System.nanoTime()). */
    public record Request(String method, String path, String query, String authorization, long atNanos) {
    }

    private final HttpServer server;
    private final String secretKey;
    private final LinkedHashMap<String, ObjectNode> users = new LinkedHashMap<>();
    private final LinkedHashMap<String, ObjectNode> organizations = new LinkedHashMap<>();
    private final LinkedHashMap<String, ObjectNode> memberships = new LinkedHashMap<>();
    private final LinkedHashMap<String, ObjectNode> roles = new LinkedHashMap<>();
    private final LinkedHashMap<String, ObjectNode> invitations = new LinkedHashMap<>();
    private final LinkedHashMap<String, ObjectNode> plans = new LinkedHashMap<>();
    private final LinkedHashMap<String, ObjectNode> subscriptionItems = new LinkedHashMap<>();
    private final java.util.Set<String> unlisted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Integer> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private volatile int retryAfterSeconds = 1;
    private volatile int failListingFromOffset = -1;
    private volatile IntConsumer beforeListing = offset -> { };
    private volatile IntConsumer afterListing = offset -> { };
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

    /** An Organization object as Clerk's Backend API lists it (with include_members_count). */
    public static ObjectNode organization(String id, String name, long updatedAt) {
        ObjectNode organization = JSON.createObjectNode();
        organization.put("object", "organization").put("id", id).put("name", name)
                .put("slug", name.toLowerCase().replace(' ', '-')).put("image_url", "https://img.clerk.com/" + id)
                .put("has_image", false).put("members_count", 1).put("max_allowed_memberships", 5)
                .put("admin_delete_enabled", true).set("public_metadata", JSON.createObjectNode());
        organization.put("created_by", "user_creator").put("created_at", 1_700_000_000_000L + updatedAt)
                .put("updated_at", updatedAt);
        return reparsed(organization);
    }

    /** An OrganizationMembership object, with its organization nested whole and the user's public data. */
    public static ObjectNode membership(String id, ObjectNode organization, String userId, String role, long updatedAt) {
        ObjectNode membership = JSON.createObjectNode();
        membership.put("object", "organization_membership").put("id", id).put("role", role)
                .put("role_name", role.substring(role.indexOf(':') + 1)).set("permissions", JSON.createArrayNode());
        membership.set("public_metadata", JSON.createObjectNode());
        membership.set("organization", organization);
        membership.putObject("public_user_data").put("user_id", userId).put("identifier", userId + "@example.com")
                .put("first_name", "First").putNull("last_name").put("image_url", "https://img.clerk.com/" + userId)
                .put("has_image", false);
        membership.put("created_at", 1_700_000_000_000L + updatedAt).put("updated_at", updatedAt);
        return reparsed(membership);
    }

    /** Adds organizations {@code prefix}0 … {@code prefix}(n-1), in creation order after those already here. */
    public synchronized List<ObjectNode> addOrganizations(String prefix, int n) {
        List<ObjectNode> added = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode organization = organization(prefix + i, "Org " + prefix + i, 1000 + created++);
            organizations.put(organization.get("id").asText(), organization);
            added.add(organization);
        }
        return added;
    }

    /** Adds a membership of {@code userId} in this organization (which must be here), in creation order. */
    public synchronized ObjectNode addMembership(String id, String organizationId, String userId, String role) {
        ObjectNode membership = membership(id, organizations.get(organizationId), userId, role, 1000 + created++);
        memberships.put(id, membership);
        return membership;
    }

    public synchronized ObjectNode organization(String id) {
        return organizations.get(id);
    }

    public synchronized ObjectNode membership(String id) {
        return memberships.get(id);
    }

    /** Deletes an organization and, as Clerk does, its memberships. */
    public synchronized void removeOrganization(String id) {
        organizations.remove(id);
        memberships.values().removeIf(m -> id.equals(m.path("organization").path("id").asText()));
    }

    public synchronized void removeMembership(String id) {
        memberships.remove(id);
    }

    public synchronized List<String> organizationIds() {
        return new ArrayList<>(organizations.keySet());
    }

    public synchronized List<String> membershipIds() {
        return new ArrayList<>(memberships.keySet());
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

    /**
     * Runs once a listing page is read, before it is sent, with its offset: objects created then (as webhooks come
     * in) are missed by a listing whose last page this is.
     */
    public void afterListing(IntConsumer hook) {
        afterListing = hook;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** No users, no scripted failures, no requests recorded. */
    public synchronized void clear() {
        reset();
        users.clear();
        organizations.clear();
        memberships.clear();
        roles.clear();
        invitations.clear();
        plans.clear();
        subscriptionItems.clear();
        unlisted.clear();
    }

    public void reset() {
        requests.clear();
        failures.clear();
        rateLimited.set(0);
        failListingFromOffset = -1;
        beforeListing = offset -> { };
        afterListing = offset -> { };
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        requests.add(new Request(exchange.getRequestMethod(), path, query, auth, System.nanoTime()));
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
        } else if (handledAsRoleInvitationOrBilling(exchange, path, query)) {
            return;
        } else if ("/v1/users".equals(path)) {
            list(exchange, params(query), users, false);
        } else if ("/v1/organizations".equals(path)) {
            list(exchange, params(query), organizations, true);
        } else if ("/v1/organization_memberships".equals(path)) {
            list(exchange, params(query), memberships, true);
        } else if (path.startsWith("/v1/users/")) {
            one(exchange, get(path.substring("/v1/users/".length())));
        } else if (path.matches("/v1/organizations/[^/]+")) {
            one(exchange, organization(path.substring("/v1/organizations/".length())));
        } else if (path.matches("/v1/organizations/[^/]+/memberships")) {
            members(exchange, path.split("/")[3], query);
        } else {
            error(exchange, 404, "resource_not_found", "not found");
        }
    }

    private void list(HttpExchange exchange, Map<String, String> params, Map<String, ObjectNode> objects,
                      boolean wrapped) throws IOException {
        list(exchange, params, objects, wrapped, true, o -> true);
    }

    /**
     * A listing page. {@code oldestFirst}: the listing takes order_by=+created_at (and the stand-in insists on it);
     * otherwise it is a billing listing, which takes no order_by and lists newest first.
     */
    private void list(HttpExchange exchange, Map<String, String> params, Map<String, ObjectNode> objects,
                      boolean wrapped, boolean oldestFirst, java.util.function.Predicate<ObjectNode> listed)
            throws IOException {
        int limit = Integer.parseInt(params.getOrDefault("limit", "10"));
        int offset = Integer.parseInt(params.getOrDefault("offset", "0"));
        if (limit < 1 || limit > 500 || (oldestFirst ? !"+created_at".equals(params.get("order_by"))
                : params.containsKey("order_by"))) {
            error(exchange, 422, "form_param_value_invalid", oldestFirst
                    ? "limit must be 1..500 and order_by +created_at here" : "limit must be 1..500; no order_by here");
            return;
        }
        beforeListing.accept(offset);
        if (failListingFromOffset >= 0 && offset >= failListingFromOffset) {
            error(exchange, 500, "internal_clerk_error", "Something went wrong");
            return;
        }
        StringBuilder page = new StringBuilder("[");
        int total;
        synchronized (this) {
            List<ObjectNode> all = new ArrayList<>(objects.values().stream()
                    .filter(o -> !unlisted.contains(o.path("id").asText())).filter(listed).toList());
            if (!oldestFirst) {
                java.util.Collections.reverse(all);
            }
            total = all.size();
            for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
                page.append(i > offset ? "," : "").append(all.get(i));
            }
        }
        page.append(']');
        afterListing.accept(offset);
        send(exchange, 200, wrapped ? "{\"data\":" + page + ",\"total_count\":" + total + "}" : page.toString());
    }

    private static void one(HttpExchange exchange, ObjectNode object) throws IOException {
        if (object == null) {
            error(exchange, 404, "resource_not_found", "not found");
        } else {
            send(exchange, 200, object.toString());
        }
    }

    /** {@code GET /v1/organizations/{id}/memberships?user_id=a&user_id=b}: at most 100 user ids, as Clerk takes. */
    private void members(HttpExchange exchange, String organizationId, String query) throws IOException {
        List<String> userIds = new ArrayList<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("user_id=")) {
                    userIds.add(URLDecoder.decode(pair.substring("user_id=".length()), StandardCharsets.UTF_8));
                }
            }
        }
        if (userIds.size() > 100) {
            error(exchange, 422, "form_param_value_invalid", "at most 100 user_id values");
            return;
        }
        StringBuilder data = new StringBuilder("[");
        int count = 0;
        synchronized (this) {
            if (!organizations.containsKey(organizationId)) {
                error(exchange, 404, "resource_not_found", "not found");
                return;
            }
            for (ObjectNode membership : memberships.values()) {
                if (organizationId.equals(membership.path("organization").path("id").asText())
                        && (userIds.isEmpty() || userIds.contains(membership.path("public_user_data").path("user_id").asText()))) {
                    data.append(count++ > 0 ? "," : "").append(membership);
                }
            }
        }
        send(exchange, 200, "{\"data\":" + data.append(']') + ",\"total_count\":" + count + "}");
    }

    // --- roles, invitations and billing, in the Backend API's shapes (the samples in payloads/backend/)

    /** A Role as {@code GET /v1/organization_roles} lists it: the sample's first role under another id and key. */
    public static ObjectNode role(String id, String key, long updatedAt) {
        ObjectNode role = sample("organization_roles.json").get("data").get(0).deepCopy();
        role.put("id", id).put("key", key).put("name", key.substring(key.indexOf(':') + 1))
                .put("created_at", 1_700_000_000_000L + updatedAt).put("updated_at", updatedAt);
        return reparsed(role);
    }

    /** An invitation as {@code GET /v1/organization_invitations} lists it (with public_organization_data). */
    public static ObjectNode invitation(String id, String organizationId, String status, long updatedAt) {
        ObjectNode invitation = sample("organization_invitations.json").get("data").get(0).deepCopy();
        invitation.put("id", id).put("organization_id", organizationId).put("status", status)
                .put("email_address", id + "@example.com")
                .put("created_at", 1_700_000_000_000L + updatedAt).put("updated_at", updatedAt);
        ((ObjectNode) invitation.get("public_organization_data")).put("id", organizationId);
        return reparsed(invitation);
    }

    /** A CommercePlan with its features, as {@code GET /v1/billing/plans} lists it. */
    public static ObjectNode plan(String id, String slug) {
        ObjectNode plan = sample("billing_plans.json").get("data").get(0).deepCopy();
        plan.put("id", id).put("slug", slug).put("name", slug);
        return reparsed(plan);
    }

    /**
     * A CommerceSubscriptionItem as {@code GET /v1/billing/subscription_items} lists it, paid by a user or (when
     * {@code organizationId} is not null) an organization.
     */
    public static ObjectNode subscriptionItem(String id, String userId, String organizationId, String status,
                                              ObjectNode plan, long updatedAt) {
        ObjectNode item = sample("billing_subscription_items.json").get("data").get(0).deepCopy();
        item.put("id", id).put("status", status).put("plan_id", plan.get("id").asText()).set("plan", plan);
        ObjectNode payer = (ObjectNode) item.get("payer");
        payer.put("id", "cpayer_" + (organizationId != null ? organizationId : userId));
        if (organizationId != null) {
            payer.putNull("user_id").putNull("first_name").putNull("last_name").putNull("email")
                    .put("organization_id", organizationId).put("organization_name", "Org " + organizationId);
        } else {
            payer.put("user_id", userId).putNull("organization_id").putNull("organization_name");
        }
        item.put("payer_id", payer.get("id").asText());
        item.put("created_at", 1_700_000_000_000L + updatedAt).put("updated_at", updatedAt);
        if ("ended".equals(status)) {
            item.put("ended_at", updatedAt);
        }
        return reparsed(item);
    }

    /** Adds or replaces a role, invitation, plan or subscription item ({@code kind} as in {@link #ids(String)}). */
    public synchronized void put(String kind, ObjectNode object) {
        table(kind).put(object.get("id").asText(), object);
    }

    public synchronized ObjectNode get(String kind, String id) {
        return table(kind).get(id);
    }

    /** Clerk's listings leave this object out (offset paging skipped it), though Clerk still has it. */
    public void hideFromListing(String id) {
        unlisted.add(id);
    }

    /** The ids Clerk has of {@code roles}, {@code invitations}, {@code plans} or {@code subscriptionItems}. */
    public synchronized List<String> ids(String kind) {
        return new ArrayList<>(table(kind).keySet());
    }

    private Map<String, ObjectNode> table(String kind) {
        return switch (kind) {
            case "roles" -> roles;
            case "invitations" -> invitations;
            case "plans" -> plans;
            case "subscriptionItems" -> subscriptionItems;
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** The routes of roles, invitations and billing; false when the path is none of theirs. */
    private boolean handledAsRoleInvitationOrBilling(HttpExchange exchange, String path, String query) throws IOException {
        if ("/v1/organization_roles".equals(path)) {
            list(exchange, params(query), roles, true);
        } else if (path.matches("/v1/organization_roles/[^/]+")) {
            one(exchange, get("roles", path.substring("/v1/organization_roles/".length())));
        } else if ("/v1/organization_invitations".equals(path)) {
            List<String> statuses = values(query, "status");
            list(exchange, params(query), invitations, true, true,
                    i -> statuses.isEmpty() || statuses.contains(i.path("status").asText()));
        } else if (path.matches("/v1/organizations/[^/]+/invitations/[^/]+")) {
            String[] parts = path.split("/");
            ObjectNode invitation = get("invitations", parts[5]);
            one(exchange, invitation != null && parts[3].equals(invitation.path("organization_id").asText()) ? invitation : null);
        } else if ("/v1/billing/plans".equals(path)) {
            list(exchange, params(query), plans, true, false, p -> true);
        } else if ("/v1/billing/subscription_items".equals(path)) {
            boolean includeFree = "true".equals(params(query).get("include_free"));
            list(exchange, params(query), subscriptionItems, true, false,
                    i -> includeFree || i.path("plan").path("fee").path("amount").asLong() > 0);
        } else if (path.matches("/v1/(users|organizations)/[^/]+/billing/subscription")) {
            String[] parts = path.split("/");
            subscription(exchange, parts[2].equals("users") ? "user_id" : "organization_id", parts[3]);
        } else {
            return false;
        }
        return true;
    }

    /** {@code GET /v1/users/{id}/billing/subscription}: the payer's subscription with all its items, or 404. */
    private void subscription(HttpExchange exchange, String payerField, String payerId) throws IOException {
        ObjectNode subscription = sample("user_billing_subscription.json");
        ArrayNode items = subscription.putArray("subscription_items");
        synchronized (this) {
            subscriptionItems.values().stream().filter(i -> payerId.equals(i.path("payer").path(payerField).asText()))
                    .forEach(items::add);
        }
        if (items.isEmpty()) {
            error(exchange, 404, "resource_not_found", "not found");
            return;
        }
        subscription.put("id", "csub_" + payerId).put("payer_id", items.get(0).path("payer_id").asText());
        send(exchange, 200, subscription.toString());
    }

    /** Every value of a repeated query key ({@code status=a&status=b}). */
    private static List<String> values(String query, String key) {
        List<String> values = new ArrayList<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith(key + "=")) {
                    values.add(URLDecoder.decode(pair.substring(key.length() + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    /** A sample answer of the Backend API, from src/test/resources/payloads/backend/. */
    private static ObjectNode sample(String name) {
        try {
            return (ObjectNode) JSON.readTree(java.nio.file.Path.of("src/test/resources/payloads/backend", name).toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
