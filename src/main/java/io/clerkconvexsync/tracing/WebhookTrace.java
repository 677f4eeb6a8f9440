package io.clerkconvexsync.tracing;

import io.clerkconvexsync.delivery.ConvexDeliveryRoute;
import io.clerkconvexsync.delivery.ConvexFailure;
import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.Outcome;
import io.clerkconvexsync.event.WebhookRejectedException;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.TraceContext;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationExtractor;
import org.slf4j.MDC;

import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a webhook's spans say about it, and the few places outside tracing that meet its trace (the dead letter, the
 * log line). Everything here reads exchange properties that only the span decorators set, so with tracing off it finds
 * nothing and does nothing.
 *
 * <p>Attributes are ids and outcomes only: no names, e-mail addresses, phone numbers, metadata, keys or signatures.
 */
public final class WebhookTrace {
    public static final String EVENT_TYPE = "clerk.event.type";
    public static final String SVIX_ID = "svix.id";
    public static final String OBJECT_ID = "clerk.object.id";
    public static final String CONVEX_FUNCTION = "convex.function";
    public static final String OUTCOME = "clerk_convex_sync.outcome";
    public static final String ATTEMPT = "clerk_convex_sync.attempt";
    public static final String REJECTION = "clerk_convex_sync.rejection";
    public static final String DEAD_LETTERED_EVENT = "dead_lettered";
    public static final String DEAD_LETTER_ID = "clerk_convex_sync.dead_letter.id";

    /** The webhook request's own (server) span: the Camel span, for events from any thread. */
    static final String SPAN_PROPERTY = "clerkSyncWebhookSpan";
    static final String MDC_TRACE_ID = "trace_id";
    static final String MDC_SPAN_ID = "span_id";

    private WebhookTrace() {
    }

    /** The ids in the MDC, for a try-with-resources block. */
    public interface LogContext extends AutoCloseable {
        @Override
        void close();
    }

    /** The trace context of the webhook this exchange carries, or null when tracing is off. */
    public static TraceContext context(Exchange exchange) {
        return exchange.getProperty(TraceContext.PROPERTY, TraceContext.class);
    }

    /**
     * The dead letter the webhook became, as an event on its request span: the dead-letter channel leaves the id on the
     * exchange (it knows nothing of traces), and the request span ends after it.
     */
    static void markDeadLetter(Span span, Exchange exchange) {
        Long id = exchange.getProperty(DeadLetter.ID_PROPERTY, Long.class);
        if (id != null) {
            ConvexFailure failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ConvexFailure.class);
            String resultClass = failure == null ? null : failure.resultClass();
            span.log(Map.of("event", DEAD_LETTERED_EVENT, DEAD_LETTER_ID, Long.toString(id),
                    "clerk_convex_sync.result_class", resultClass == null ? "" : resultClass));
        }
    }

    /**
     * Puts the webhook's trace and span ids in the logging MDC (JSON log lines carry the MDC) until the returned
     * handle is closed; nothing when tracing is off.
     */
    public static LogContext logContext(Exchange exchange) {
        TraceContext context = context(exchange);
        if (context == null) {
            return () -> { };
        }
        MDC.put(MDC_TRACE_ID, context.traceId());
        MDC.put(MDC_SPAN_ID, context.spanId());
        return () -> {
            MDC.remove(MDC_TRACE_ID);
            MDC.remove(MDC_SPAN_ID);
        };
    }

    /** The exchange property where camel-telemetry keeps an exchange's spans (SpanStorageManagerExchange). */
    static final String CAMEL_SPANS = "tracing.activeSpan";
    /** Reads no header: what a span with a parent gets, since Camel reads the headers only for a first span. */
    private static final SpanContextPropagationExtractor NOTHING = new SpanContextPropagationExtractor() {
        @Override
        public Iterator<Map.Entry<String, Object>> iterator() {
            return Collections.emptyIterator();
        }

        @Override
        public Object get(String key) {
            return null;
        }

        @Override
        public Set<String> keys() {
            return Set.of();
        }
    };

    /**
     * The extractor for the next span of {@code exchange}: Camel's own (a copy of every header) only for its first
     * span; every later one has its parent on the exchange, and Camel would copy the headers for nothing.
     */
    static SpanContextPropagationExtractor extractor(Exchange exchange, Supplier<SpanContextPropagationExtractor> camels) {
        return exchange.getProperty(CAMEL_SPANS) != null ? NOTHING : camels.get();
    }

    /** The webhook's ids, on any of its spans, once it has been parsed. */
    static void tagEvent(Span span, Exchange exchange) {
        ClerkEvent event = exchange.getProperty(ClerkEvent.PROPERTY, ClerkEvent.class);
        if (event != null) {
            span.setTag(SVIX_ID, event.svixId());
            span.setTag(EVENT_TYPE, event.type());
            if (event.subjectId() != null) {
                span.setTag(OBJECT_ID, event.subjectId());
            }
        }
    }

    /** The Convex function of a delivery or request, and which attempt this is. */
    static void tagConvexCall(Span span, Exchange exchange) {
        String function = exchange.getProperty(ConvexDeliveryRoute.FUNCTION_PROPERTY, String.class);
        if (function != null) {
            span.setTag(CONVEX_FUNCTION, function);
            Integer attempt = exchange.getProperty(ConvexDeliveryRoute.ATTEMPTS_PROPERTY, Integer.class);
            if (attempt != null && attempt > 0) {
                span.setTag(ATTEMPT, attempt.toString());
            }
        }
    }

    /** What became of the webhook, on its request span. */
    static void tagOutcome(Span span, Exchange exchange) {
        Outcome outcome = exchange.getProperty(Outcome.PROPERTY, Outcome.class);
        if (outcome == null) {
            return;
        }
        span.setTag(OUTCOME, outcome.label());
        WebhookRejectedException rejected = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, WebhookRejectedException.class);
        if (outcome == Outcome.REJECTED && rejected != null) {
            span.setTag(REJECTION, rejected.code());
        }
    }
}
