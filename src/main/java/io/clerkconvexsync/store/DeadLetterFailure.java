package io.clerkconvexsync.store;

import java.time.Instant;

/**
 * One failed attempt at delivering a dead letter, kept as its error history: the webhook that put it in the store,
 * then every replay that did not get it through.
 *
 * @param failedAt   when it failed
 * @param source     {@code webhook} or {@code replay}
 * @param errorKind  the failure's class ({@code function_error}, {@code rejected}, {@code transient_error}, …)
 * @param httpStatus Convex's HTTP status, 0 without an answer
 * @param error      what went wrong, in the runtime's words
 * @param attempts   Convex calls made in that try
 */
public record DeadLetterFailure(Instant failedAt, String source, String errorKind, int httpStatus, String error,
                                int attempts) {
}
