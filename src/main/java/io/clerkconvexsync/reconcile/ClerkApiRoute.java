package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.config.ReconcileSettings;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;

import java.time.Duration;

/**
 * Every request to Clerk's Backend API goes through this route, under one throttle: at most
 * {@code reconcile.clerk-requests-per-10s} in any 10 s, which keeps a pass inside Clerk's rate limit whatever else
 * it does. The secret key is set as a header here, never written into an endpoint URI (which ends up in logs).
 * Retries are the caller's ({@link ClerkUsers}): a 429 must wait for its Retry-After, which the throttle cannot know.
 *
 * <p>Input: the path and query to GET (a {@link ClerkRequest}); output: a {@link ClerkAnswer}.
 */
public final class ClerkApiRoute extends RouteBuilder {
    public static final String ENDPOINT = "direct:reconcile-clerk-api";

    @BeanInject("reconcileSettings")
    ReconcileSettings settings;

    /** A GET on Clerk's Backend API. */
    record ClerkRequest(String path, String query) {
    }

    @Override
    public void configure() {
        from(ENDPOINT).routeId("reconcile-clerk-api").errorHandler(noErrorHandler())
                .throttle(constant(settings.clerkRequestsPer10s())).totalRequestsMode()
                    .timePeriodMillis("{{reconcile.clerk-rate-window-ms}}")
                .process(this::prepare)
                .to("{{reconcile.clerk-api-url}}?throwExceptionOnFailure=false&responseTimeout={{reconcile.clerk-timeout-ms}}"
                        + "&soTimeout={{reconcile.clerk-timeout-ms}}")
                .process(ClerkApiRoute::answer);
    }

    private void prepare(Exchange exchange) {
        ClerkRequest request = exchange.getMessage().getBody(ClerkRequest.class);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.GET);
        message.setHeader(Exchange.HTTP_PATH, request.path());
        if (request.query() != null) {
            message.setHeader(Exchange.HTTP_QUERY, request.query());
        }
        message.setHeader("Authorization", "Bearer " + settings.secretKey());
        message.setHeader("Accept", "application/json");
        message.setBody(null);
    }

    private static void answer(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        Duration retryAfter = retryAfter(message.getHeader("Retry-After", String.class));
        byte[] body = message.getBody(byte[].class);
        message.removeHeaders("*");
        message.setBody(new ClerkAnswer(status, body == null ? new byte[0] : body, retryAfter));
    }

    /** Clerk sends Retry-After in seconds; anything else counts as absent (the caller backs off on its own then). */
    static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
