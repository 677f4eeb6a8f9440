package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.ErrorHandling;
import com.fasterxml.jackson.databind.JsonNode;
import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.intake.ClerkEventParser;
import io.clerkconvexsync.reconcile.ClerkApiRoute.ClerkRequest;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clerk's users, read through {@link ClerkApiRoute}: a page of {@code GET /v1/users} by offset, oldest first, and one
 * user by id. A 429 waits for its Retry-After; 5xx and I/O errors are tried again with exponential back-off; both at
 * most {@code reconcile.clerk-attempts} times. Written as a loop rather than a redelivery policy because the wait of
 * a 429 comes from Clerk's answer.
 */
final class ClerkUsers {
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

    private final ProducerTemplate template;
    private final ReconcileSettings settings;
    private final AtomicLong requests = new AtomicLong();

    ClerkUsers(ProducerTemplate template, ReconcileSettings settings) {
        this.template = template;
        this.settings = settings;
    }

    /** The users from {@code offset} on, in creation order; fewer than a page size means the listing ends here. */
    List<ListedUser> page(int offset) {
        ClerkAnswer answer = get(new ClerkRequest("/v1/users",
                "limit=" + settings.clerkPageSize() + "&offset=" + offset + "&order_by=%2Bcreated_at"), false);
        try {
            return ListedUser.page(answer.body());
        } catch (IOException e) {
            throw new ReconcileException("Clerk's user list at offset " + offset + " could not be read: " + e.getMessage());
        }
    }

    /** The user as Clerk has it now, or empty when Clerk answers 404 (the user was deleted). */
    Optional<ListedUser> user(String id) {
        ClerkAnswer answer = get(new ClerkRequest("/v1/users/" + urlPathSegment(id), null), true);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        try {
            return Optional.of(ListedUser.one(answer.body()));
        } catch (IOException e) {
            throw new ReconcileException("Clerk's answer for one user could not be read: " + e.getMessage());
        }
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
                ClerkAnswer answer = template.requestBody(ClerkApiRoute.ENDPOINT, request, ClerkAnswer.class);
                int status = answer.status();
                if (status == 200 || (status == 404 && notFoundIsAnAnswer)) {
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
                problem = ErrorHandling.describe(cause);
            }
            if (attempt >= settings.clerkAttempts()) {
                throw new ReconcileException("Clerk still failing after " + attempt + " attempt(s) for " + request.path()
                        + ": " + problem);
            }
            pause(min(wait, settings.clerkMaxRetryWait()));
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

    /** Clerk ids are [A-Za-z0-9_]; anything else is percent-encoded rather than trusted into the path. */
    private static String urlPathSegment(String id) {
        return java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
