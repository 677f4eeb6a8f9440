package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.config.ReconcileSettings;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;

import java.io.IOException;
import java.io.InputStream;
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

    /** Which request an answer belongs to, for the refusal of one too large. */
    private static final String PATH = "clerkRequestPath";

    @BeanInject("reconcileSettings")
    ReconcileSettings settings;
    @PropertyInject("reconcile.clerk-max-answer-bytes")
    int maxAnswerBytes;

    /** A GET on Clerk's Backend API. */
    record ClerkRequest(String path, String query) {
    }

    @Override
    public void configure() {
        // no stream caching either: it would read the whole answer into memory before answer() could bound it
        from(ENDPOINT).routeId("reconcile-clerk-api").errorHandler(noErrorHandler()).streamCache("false")
                .throttle(constant(settings.clerkRequestsPer10s())).totalRequestsMode()
                    .timePeriodMillis("{{reconcile.clerk-rate-window-ms}}")
                .process(this::prepare)
                // the answer as a stream (disableStreamCache), so that answer() reads at most the bound of it
                .to(settings.clerkApiUrl() + "?throwExceptionOnFailure=false&disableStreamCache=true"
                        + "&responseTimeout={{reconcile.clerk-timeout-ms}}&soTimeout={{reconcile.clerk-timeout-ms}}")
                .process(this::answer);
    }

    private void prepare(Exchange exchange) {
        ClerkRequest request = exchange.getMessage().getBody(ClerkRequest.class);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.GET);
        message.setHeader(Exchange.HTTP_PATH, request.path());
        exchange.setProperty(PATH, request.path());
        if (request.query() != null) {
            message.setHeader(Exchange.HTTP_QUERY, request.query());
        }
        message.setHeader("Authorization", "Bearer " + settings.secretKey());
        message.setHeader("Accept", "application/json");
        message.setBody(null);
    }

    private void answer(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        Duration retryAfter = retryAfter(message.getHeader("Retry-After", String.class));
        byte[] body = bounded(message, maxAnswerBytes, exchange.getProperty(PATH, String.class));
        message.removeHeaders("*");
        message.setBody(new ClerkAnswer(status, body, retryAfter));
    }

    /**
     * The answer's bytes, read up to {@code max}: one byte more fails the pass instead of the heap (a 40 MB page
     * would otherwise be held whole, several times over once parsed). The rest is left unread; the producer closes
     * the response when the exchange completes.
     */
    static byte[] bounded(Message message, int max, String path) throws IOException {
        long declared = message.getHeader(Exchange.CONTENT_LENGTH, -1L, Long.class);
        InputStream in = message.getBody(InputStream.class);
        byte[] body = declared > max || in == null ? new byte[0] : in.readNBytes(max + 1);
        if (declared > max || body.length > max) {
            throw new ReconcileException("Clerk's answer to GET " + path + " is larger than reconcile.clerk-max-answer-bytes ("
                    + max + " bytes); lower reconcile.clerk-page-size or raise that bound (and the heap with it)");
        }
        return body;
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
