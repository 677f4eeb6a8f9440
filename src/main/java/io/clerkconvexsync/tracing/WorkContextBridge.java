package io.clerkconvexsync.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Lets an exchange that Java code sends (a ProducerTemplate call of the reconcile pass or a replay) join the span
 * {@link WorkSpans} made current on that thread. camel-opentelemetry2 4.18 starts such an exchange's first span from
 * its headers alone, never from the thread's current context, so this puts that context in the headers just before
 * (it is registered ahead of Camel's tracer). Only contexts marked by {@link WorkSpans} whose span is still open
 * count: a context Camel itself left behind on a thread is never taken for one.
 */
final class WorkContextBridge extends EventNotifierSupport {
    private final ContextPropagators propagators;

    WorkContextBridge(ContextPropagators propagators) {
        this.propagators = propagators;
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeSendingEvent sending) {
            Exchange exchange = sending.getExchange();
            Context current = Context.current();
            if (exchange.getProperty(WebhookTrace.CAMEL_SPANS) == null && current.get(WorkSpans.WORK) != null
                    && Span.fromContext(current).isRecording() && exchange.getIn().getHeader("traceparent") == null) {
                propagators.getTextMapPropagator().inject(current, exchange.getIn(),
                        (message, key, value) -> message.setHeader(key, value));
            }
        }
    }
}
