package io.clerkconvexsync.event;

import org.apache.camel.Exchange;

import java.util.Map;

/**
 * A verified Clerk webhook: the envelope fields the runtime uses, plus what a dead letter must keep.
 *
 * @param svixId    the message id, stable across Svix's retries
 * @param type      Clerk's event type, e.g. {@code user.created}
 * @param data      the event's {@code data} as received, passed to Convex unchanged; null when absent
 * @param subjectId {@code data.id} when it is a string: the Clerk user (or other object) the event is about
 * @param timestamp Clerk's {@code timestamp} as sent (seconds in some examples, milliseconds in others), or null
 * @param instanceId Clerk's {@code instance_id}, or null
 * @param rawBody   the body exactly as received
 * @param headers   the request headers worth keeping with a dead letter (never a signature)
 */
public record ClerkEvent(String svixId, String type, RawJson data, String subjectId, Long timestamp, String instanceId,
                         byte[] rawBody, Map<String, String> headers) {

    /** Exchange property holding the event for every step after parsing. */
    public static final String PROPERTY = "clerkEvent";
    /** Exchange property holding {@link #data()} alone, for extension routes: {@code ${exchangeProperty.clerkEventData}}. */
    public static final String DATA_PROPERTY = "clerkEventData";
    /** Exchange property holding {@link #type()}, for extension routes and logs. */
    public static final String TYPE_PROPERTY = "clerkEventType";

    /** Puts the event where every later step (and a YAML route) finds it. */
    public void expose(Exchange exchange) {
        exchange.setProperty(PROPERTY, this);
        exchange.setProperty(TYPE_PROPERTY, type);
        exchange.setProperty(DATA_PROPERTY, data);
    }
}
