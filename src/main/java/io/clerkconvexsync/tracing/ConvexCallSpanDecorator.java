package io.clerkconvexsync.tracing;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationExtractor;
import org.apache.camel.telemetry.decorators.HttpSpanDecorator;

/**
 * The client span of one HTTP call over {@code http:} (Convex in tests and local deployments, Clerk's API in tests):
 * Camel's own span, which puts {@code traceparent} on the request, plus the Convex function and the attempt number,
 * so each redelivery is a span of its own that says which attempt it was.
 */
public class ConvexCallSpanDecorator extends HttpSpanDecorator {

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        WebhookTrace.tagConvexCall(span, exchange);
    }

    @Override
    public SpanContextPropagationExtractor getExtractor(Exchange exchange) {
        return WebhookTrace.extractor(exchange, () -> super.getExtractor(exchange));
    }

    /**
     * The same over {@code https:}, Convex's own scheme. A copy of the two methods above rather than a subclass of
     * them: Camel lets a decorator take the place of its own only when it extends that one (here Camel's https one).
     */
    public static class Secure extends org.apache.camel.telemetry.decorators.HttpsSpanDecorator {
        @Override
        public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
            super.beforeTracingEvent(span, exchange, endpoint);
            WebhookTrace.tagConvexCall(span, exchange);
        }

        @Override
        public SpanContextPropagationExtractor getExtractor(Exchange exchange) {
            return WebhookTrace.extractor(exchange, () -> super.getExtractor(exchange));
        }
    }
}
