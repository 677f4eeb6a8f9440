package io.clerkconvexsync.tracing;

import io.clerkconvexsync.store.TraceContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.decorators.PlatformHttpSpanDecorator;

/**
 * The request span of an HTTP listener (the webhook, and the admin API): Camel's own platform-http span, plus the
 * webhook's ids and outcome once it is answered. Found by Camel through META-INF/services; it extends Camel's
 * decorator, which is how Camel lets it take that decorator's place.
 */
public class WebhookSpanDecorator extends PlatformHttpSpanDecorator {

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        exchange.setProperty(WebhookTrace.SPAN_PROPERTY, span);
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        super.afterTracingEvent(span, exchange);
        WebhookTrace.tagEvent(span, exchange);
        WebhookTrace.tagOutcome(span, exchange);
        WebhookTrace.markDeadLetter(span, exchange);
    }

    /**
     * Camel hands the new span's context to this injector (into the request's headers, by default, where nothing reads
     * it). Kept as an exchange property instead: the dead letter stores it, the log line names it.
     */
    @Override
    public SpanContextPropagationInjector getInjector(Exchange exchange) {
        return (key, value) -> {
            if ("traceparent".equals(key)) {
                TraceContext context = TraceContext.fromTraceparent(value);
                if (context != null) {
                    exchange.setProperty(TraceContext.PROPERTY, context);
                }
            }
        };
    }
}
