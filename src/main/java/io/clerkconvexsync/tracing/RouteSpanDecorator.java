package io.clerkconvexsync.tracing;

import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationExtractor;
import org.apache.camel.telemetry.decorators.DirectSpanDecorator;

/**
 * The spans of the runtime's own steps ({@code direct:} routes: verification and the duplicate check, routing,
 * delivery): Camel's own, plus the webhook's ids and the Convex function where there is one, so that any of them can
 * be found by svix-id.
 */
public class RouteSpanDecorator extends DirectSpanDecorator {

    @Override
    public SpanContextPropagationExtractor getExtractor(Exchange exchange) {
        return WebhookTrace.extractor(exchange, () -> super.getExtractor(exchange));
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        super.afterTracingEvent(span, exchange);
        WebhookTrace.tagEvent(span, exchange);
        WebhookTrace.tagConvexCall(span, exchange);
    }
}
