package io.clerkconvexsync.store;

import java.time.Instant;
import java.util.Map;

/**
 * An event Convex refused for good, kept with everything needed to understand and replay it.
 *
 * @param id            the store's id (0 before it is stored)
 * @param svixId        the webhook's svix-id; one dead letter per svix-id
 * @param eventType     Clerk's event type
 * @param function      the Convex function that refused it
 * @param errorKind     {@code function_error} or {@code rejected}
 * @param httpStatus    Convex's HTTP status
 * @param error         what went wrong, in the runtime's words
 * @param errorDetail   Convex's own error text (may quote user data: shown on request, never logged)
 * @param body          the webhook body as received
 * @param headers       the webhook headers kept (never the signature)
 * @param attempts      how many times Convex was called for it
 * @param firstFailedAt when it first failed for good
 * @param lastFailedAt  when it last failed
 * @param traceId       the trace of the webhook that made it (W3C, hex), or null when it was not traced
 * @param spanId        that webhook's request span in it, or null
 */
public record DeadLetter(long id, String svixId, String eventType, String function, String errorKind, int httpStatus,
                         String error, String errorDetail, String body, Map<String, String> headers, int attempts,
                         Instant firstFailedAt, Instant lastFailedAt, String traceId, String spanId) {
    /** The exchange property that holds the id of the dead letter a webhook became (traces mark it on its span). */
    public static final String ID_PROPERTY = "clerkSyncDeadLetterId";


    /** A dead letter of a webhook that was not traced. */
    public DeadLetter(long id, String svixId, String eventType, String function, String errorKind, int httpStatus,
                      String error, String errorDetail, String body, Map<String, String> headers, int attempts,
                      Instant firstFailedAt, Instant lastFailedAt) {
        this(id, svixId, eventType, function, errorKind, httpStatus, error, errorDetail, body, headers, attempts,
                firstFailedAt, lastFailedAt, null, null);
    }
}
