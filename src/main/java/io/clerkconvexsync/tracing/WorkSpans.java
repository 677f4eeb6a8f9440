package io.clerkconvexsync.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import org.apache.camel.CamelContext;

import java.util.concurrent.Callable;

/**
 * Spans for work that is not one Camel exchange: a reconcile pass (its kinds, Clerk pages and Convex batches, on
 * several threads) and a dead-letter replay (linked to the webhook's trace). Camel makes a span per route and endpoint
 * call but knows nothing of a pass that spans hundreds of exchanges, nor of span links, so these are written with the
 * OpenTelemetry API. While such a span is current ({@link #current}), an exchange the work sends with a
 * ProducerTemplate joins its trace ({@link WorkContextBridge}), so Camel's spans (and the Convex request's
 * {@code traceparent}) sit under it. With tracing off every span here is OpenTelemetry's no-op span.
 */
public final class WorkSpans {
    /** Marks a context made current by this class, as opposed to one Camel left on a thread. */
    static final ContextKey<Boolean> WORK = ContextKey.named("clerk-convex-sync-work");

    private final Tracer tracer;

    private WorkSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    public static WorkSpans of(CamelContext context) {
        return new WorkSpans(OpenTelemetryTracing.tracer(context));
    }

    /** The root span of a new trace. */
    public Span root(String name) {
        return tracer.spanBuilder(name).setNoParent().startSpan();
    }

    /** A span under the one current on this thread. */
    public Span child(String name) {
        return tracer.spanBuilder(name).setParent(Context.current()).startSpan();
    }

    /** Makes {@code span} current on this thread until the scope is closed. */
    public static Scope current(Span span) {
        return Context.current().with(span).with(WORK, true).makeCurrent();
    }

    /**
     * {@code work} in a span of its own, a child of the span current where this is called, on whichever thread
     * runs it (the pass hands Clerk pages and Convex batches to threads of their own).
     */
    public <T> Callable<T> inSpan(String name, Attributes attributes, Callable<T> work) {
        Context parent = Context.current();
        return () -> {
            Span span = tracer.spanBuilder(name).setParent(parent).setAllAttributes(attributes).startSpan();
            Throwable failure = null;
            try (Scope scope = parent.with(span).with(WORK, true).makeCurrent()) {
                return work.call();
            } catch (Exception | Error e) {
                failure = e;
                throw e;
            } finally {
                end(span, failure);
            }
        };
    }

    /** The same for work without a result. */
    public Runnable inSpan(String name, Attributes attributes, Runnable work) {
        Callable<Void> call = inSpan(name, attributes, () -> {
            work.run();
            return null;
        });
        return () -> {
            try {
                call.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e); // a Runnable throws nothing checked
            }
        };
    }

    /**
     * The span of one dead letter's replay: a trace of its own (it happens hours later, at an operator's word), linked
     * to the webhook's trace when the dead letter kept it.
     */
    public Span replay(String svixId, String eventType, long deadLetterId, String traceId, String spanId) {
        var builder = tracer.spanBuilder("dead-letter replay").setNoParent()
                .setAttribute(WebhookTrace.SVIX_ID, svixId)
                .setAttribute(WebhookTrace.EVENT_TYPE, eventType)
                .setAttribute(WebhookTrace.DEAD_LETTER_ID, Long.toString(deadLetterId));
        if (traceId != null && spanId != null) {
            SpanContext original = SpanContext.createFromRemoteParent(traceId, spanId, TraceFlags.getSampled(),
                    TraceState.getDefault());
            if (original.isValid()) {
                builder.addLink(original);
            }
        }
        return builder.startSpan();
    }

    /** Ends {@code span}, marked failed when {@code failure} is not null. */
    public static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }
        span.end();
    }
}
