package io.clerkconvexsync.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * Spans for work that is not one Camel exchange: a reconcile pass (its kinds, Clerk pages and Convex batches, on
 * several threads) and a dead-letter replay (linked to the webhook's trace). Camel makes a span per route and endpoint
 * call but knows nothing of a pass that spans hundreds of exchanges, nor of span links, so these are written with the
 * OpenTelemetry API; each Camel exchange sent for the work carries its span's {@code traceparent}, so Camel's own spans
 * (and the Convex request) join that trace. With tracing off every span here is OpenTelemetry's no-op span.
 */
public final class WorkSpans {
    public static final String DEAD_LETTER_ID = WebhookTrace.DEAD_LETTER_ID;

    private final Tracer tracer;
    private final ContextPropagators propagators;

    private WorkSpans(Tracer tracer, ContextPropagators propagators) {
        this.tracer = tracer;
        this.propagators = propagators;
    }

    public static WorkSpans of(CamelContext context) {
        return new WorkSpans(OpenTelemetryTracing.tracer(context), OpenTelemetryTracing.propagators(context));
    }

    /** The root span of a new trace. */
    public Span root(String name) {
        return tracer.spanBuilder(name).setNoParent().startSpan();
    }

    /** A span under {@code parent}. */
    public Span child(Span parent, String name) {
        return tracer.spanBuilder(name).setParent(Context.root().with(parent)).startSpan();
    }

    /**
     * The span of one dead letter's replay: a trace of its own (it happens hours later, at an operator's word), linked
     * to the webhook's trace when the dead letter kept it.
     */
    public Span replay(String svixId, String eventType, long deadLetterId, String traceId, String spanId) {
        var builder = tracer.spanBuilder("dead-letter replay").setNoParent().setSpanKind(SpanKind.INTERNAL)
                .setAttribute(WebhookTrace.SVIX_ID, svixId)
                .setAttribute(WebhookTrace.EVENT_TYPE, eventType)
                .setAttribute(DEAD_LETTER_ID, Long.toString(deadLetterId));
        if (traceId != null && spanId != null) {
            SpanContext original = SpanContext.createFromRemoteParent(traceId, spanId, TraceFlags.getSampled(),
                    TraceState.getDefault());
            if (original.isValid()) {
                builder.addLink(original);
            }
        }
        return builder.startSpan();
    }

    /** Makes Camel's spans of {@code exchange} children of {@code span} (through its headers, where Camel looks). */
    public void propagate(Span span, Exchange exchange) {
        if (span.getSpanContext().isValid()) {
            propagators.getTextMapPropagator().inject(Context.root().with(span), exchange.getIn(),
                    (message, key, value) -> message.setHeader(key, value));
        }
    }

    /** Ends {@code span}, marked failed when {@code failure} is not null. */
    public static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }
        span.end();
    }
}
