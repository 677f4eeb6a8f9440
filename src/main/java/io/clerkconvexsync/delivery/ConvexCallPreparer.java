package io.clerkconvexsync.delivery;

import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.ops.ConvexContact;
import io.clerkconvexsync.ops.WebhookMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpMethods;

/**
 * One attempt at a Convex call: a clean outbound message (no inbound header may leak to Convex), the deploy key as
 * {@code Authorization: Convex <key>}, and the attempt's latency and result class in metrics.
 */
public final class ConvexCallPreparer implements Processor {

    static final String STARTED_PROPERTY = "convexAttemptStarted";

    private final String authorization;
    private final String queryUri;
    private final WebhookMetrics metrics;
    private final ConvexContact contact;
    private final ConvexResponseClassifier classifier = new ConvexResponseClassifier();

    public ConvexCallPreparer(SyncSettings settings, WebhookMetrics metrics, ConvexContact contact) {
        this.authorization = settings.convexDeployKey().map(key -> "Convex " + key).orElse(null);
        this.queryUri = settings.convexUrl() + "/api/query";
        this.metrics = metrics;
        this.contact = contact;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(ConvexDeliveryRoute.ATTEMPTS_PROPERTY,
                exchange.getProperty(ConvexDeliveryRoute.ATTEMPTS_PROPERTY, 0, Integer.class) + 1);
        exchange.setProperty(STARTED_PROPERTY, System.nanoTime());
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        // the enum itself: as a String it went through Camel's slow converter lookup on every call
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (authorization != null) {
            message.setHeader("Authorization", authorization);
        }
        if (exchange.getProperty(ConvexDeliveryRoute.QUERY_PROPERTY, false, Boolean.class)) {
            message.setHeader(Exchange.HTTP_URI, queryUri); // the call endpoint's own URI is /api/mutation
        }
        message.setBody(exchange.getProperty(ConvexDeliveryRoute.REQUEST_PROPERTY, byte[].class));
    }

    /** Reads Convex's answer; records the attempt whatever it was. */
    public void classifyAnswer(Exchange exchange) {
        Message message = exchange.getMessage();
        String function = exchange.getProperty(ConvexDeliveryRoute.FUNCTION_PROPERTY, String.class);
        try {
            classifier.classify(function, exchange.getProperty(ConvexDeliveryRoute.PROVIDED_BY_PROPERTY, String.class),
                    message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class),
                    message.getBody(byte[].class));
            endAttempt(exchange, "success");
            contact.answered();
        } catch (ConvexFailure failure) {
            endAttempt(exchange, failure.resultClass());
            recordContact(failure);
            throw failure;
        } finally {
            message.removeHeaders("*");
        }
    }

    /** Records an attempt that ended without an answer (connection refused or dropped, timeout). */
    public void endWithoutAnswer(Exchange exchange) {
        if (exchange.getProperty(STARTED_PROPERTY) != null) {
            endAttempt(exchange, "io_error");
            contact.unreachable();
        }
    }

    /** Tells readiness what this failure says about Convex itself, as opposed to about this one payload. */
    private void recordContact(ConvexFailure failure) {
        if (failure instanceof ConvexFailure.Misconfigured) {
            contact.refused(failure.httpStatus());
        } else if (failure instanceof ConvexFailure.Transient) {
            contact.unreachable();
        } else {
            contact.answered();
        }
    }

    private void endAttempt(Exchange exchange, String result) {
        Long started = exchange.getProperty(STARTED_PROPERTY, Long.class);
        exchange.removeProperty(STARTED_PROPERTY);
        metrics.convexCall(exchange.getProperty(ConvexDeliveryRoute.FUNCTION_PROPERTY, String.class), result,
                started == null ? 0 : System.nanoTime() - started);
    }
}
