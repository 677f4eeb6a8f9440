package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.delivery.ConvexFailure;
import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.reconcile.ClerkApiRoute.ClerkRequest;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clerk's Backend API as a pass reads it, through {@link ClerkApiRoute}: a page of a kind's listing by offset, oldest
 * first; one user or organization by id; the memberships of some users in one organization. A 429 waits for its
 * Retry-After; 5xx and I/O errors are tried again with exponential back-off; both at most
 * {@code reconcile.clerk-attempts} times. Written as a loop rather than a redelivery policy because the wait of a 429
 * comes from Clerk's answer. What it is waiting for is kept for the pass's progress lines.
 */
final class ClerkBackend {
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    /** Clerk takes at most 100 user_id values per memberships request. */
    static final int MAX_USER_IDS = 100;

    private final ProducerTemplate template;
    private final ReconcileSettings settings;
    private final AtomicLong requests = new AtomicLong();
    private volatile String waitingFor;

    ClerkBackend(ProducerTemplate template, ReconcileSettings settings) {
        this.template = template;
        this.settings = settings;
    }

    /** The kind's objects from {@code offset} on, in creation order; fewer than a page size means the listing ends here. */
    List<ClerkObject> page(ReconciledKind kind, int offset) {
        ClerkAnswer answer = get(new ClerkRequest(kind.listingPath(), "limit=" + settings.clerkPageSize() + "&offset="
                + offset + kind.listingQuery()), false);
        try {
            return ClerkObject.page(answer.body());
        } catch (IOException e) {
            throw new ReconcileException("Clerk's " + kind.name() + " list at offset " + offset + " could not be read: "
                    + e.getMessage());
        }
    }

    /**
     * One object of a kind as Clerk has it now ({@code GET /v1/users/{id}}, {@code /v1/organization_roles/{id}}, …),
     * or empty when Clerk answers 404 (it was deleted).
     */
    Optional<ClerkObject> one(ReconciledKind kind, String path) {
        ClerkAnswer answer = get(new ClerkRequest(path, null), true);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        try {
            return Optional.of(ClerkObject.one(answer.body()));
        } catch (IOException e) {
            throw new ReconcileException("Clerk's answer for one of its " + kind.name() + " could not be read: " + e.getMessage());
        }
    }

    /**
     * The items of a payer's subscription ({@code GET /v1/users/{id}/billing/subscription} or the organization's), or
     * empty when Clerk answers 404 (the payer is gone, or has no subscription).
     */
    Optional<List<ClerkObject>> subscriptionItems(String subscriptionPath) {
        ClerkAnswer answer = get(new ClerkRequest(subscriptionPath, null), true);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        try {
            return Optional.of(ClerkObject.arrayOf(answer.body(), "subscription_items"));
        } catch (IOException e) {
            throw new ReconcileException("Clerk's answer for one payer's subscription could not be read: " + e.getMessage());
        }
    }

    /**
     * The memberships of these users (at most {@link #MAX_USER_IDS}) in one organization, or empty when the
     * organization is gone: {@code GET /v1/organizations/{id}} answered 404.
     */
    Optional<List<ClerkObject>> memberships(String organizationId, List<String> userIds) {
        String organization = "/v1/organizations/" + urlPathSegment(organizationId);
        StringBuilder query = new StringBuilder("limit=").append(MAX_USER_IDS);
        userIds.forEach(user -> query.append("&user_id=").append(urlPathSegment(user)));
        ClerkAnswer answer = get(new ClerkRequest(organization + "/memberships", query.toString()), true);
        if (answer.status() == 404) {
            if (get(new ClerkRequest(organization, null), true).status() == 404) {
                return Optional.empty();
            }
            throw new ReconcileException("Clerk answered 404 for the memberships of an organization it still has");
        }
        try {
            return Optional.of(ClerkObject.page(answer.body()));
        } catch (IOException e) {
            throw new ReconcileException("Clerk's memberships of one organization could not be read: " + e.getMessage());
        }
    }

    /** What the pass waits for from Clerk right now, or null. */
    String waitingFor() {
        return waitingFor;
    }

    long requests() {
        return requests.get();
    }

    private ClerkAnswer get(ClerkRequest request, boolean notFoundIsAnAnswer) {
        for (int attempt = 1; ; attempt++) {
            Duration wait = backoff(attempt);
            String problem;
            try {
                requests.incrementAndGet();
                waitingFor = "Clerk's answer to GET " + request.path() + " (attempt " + attempt + ")";
                ClerkAnswer answer = template.requestBody(ClerkApiRoute.ENDPOINT, request, ClerkAnswer.class);
                int status = answer.status();
                if (status == 200 || (status == 404 && notFoundIsAnAnswer)) {
                    waitingFor = null;
                    return answer;
                }
                problem = "HTTP " + status + errorCode(answer.body());
                if (status == 401 || status == 403) {
                    throw new ReconcileException("Clerk refused the secret key (" + problem + "): set CLERK_SECRET_KEY to a "
                            + "secret key of the Clerk instance whose users belong in this Convex deployment");
                }
                if (status == 429) {
                    wait = answer.retryAfter() != null ? answer.retryAfter() : wait;
                } else if (status < 500) {
                    throw new ReconcileException("Clerk answered " + problem + " for " + request.path());
                }
            } catch (CamelExecutionException e) {
                if (e.getCause() instanceof ReconcileException notWorthRetrying) {
                    throw notWorthRetrying; // an answer over reconcile.clerk-max-answer-bytes: the same again
                }
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                problem = ConvexFailure.describe(cause);
            }
            if (attempt >= settings.clerkAttempts()) {
                throw new ReconcileException("Clerk still failing after " + attempt + " attempt(s) for " + request.path()
                        + ": " + problem);
            }
            Duration pause = min(wait, settings.clerkMaxRetryWait());
            waitingFor = pause.toSeconds() + " s before trying GET " + request.path() + " again (" + problem + ")";
            pause(pause);
        }
    }

    private static Duration backoff(int attempt) {
        return FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 16));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReconcileException("interrupted while waiting to retry Clerk");
        }
    }

    /** Clerk's errors come as {@code {"errors":[{"code":…,"message":…}]}}; the code alone is enough to log. */
    private static String errorCode(byte[] body) {
        try {
            JsonNode code = ClerkEventParser.JSON.readTree(body).path("errors").path(0).path("code");
            return code.isTextual() ? " " + code.asText() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Clerk ids are [A-Za-z0-9_]; anything else is percent-encoded rather than trusted into a path or query. */
    static String urlPathSegment(String id) {
        return java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
