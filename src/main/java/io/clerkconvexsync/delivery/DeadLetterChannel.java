package io.clerkconvexsync.delivery;

import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.Outcome;
import io.clerkconvexsync.ops.WebhookMetrics;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.DeadLetterStore;
import io.clerkconvexsync.store.TraceContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * Dead letter channel for events Convex refuses for good: the event is stored durably, and only then may the webhook
 * be answered 2xx. When the store cannot be written the outcome is {@link Outcome#FAILED}, so Svix sends it again.
 */
public final class DeadLetterChannel implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterChannel.class);

    private final DeadLetterStore store;
    private final WebhookMetrics metrics;
    private final Clock clock;

    public DeadLetterChannel(DeadLetterStore store, WebhookMetrics metrics, Clock clock) {
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        ConvexFailure failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ConvexFailure.class);
        ClerkEvent event = exchange.getProperty(ClerkEvent.PROPERTY, ClerkEvent.class);
        Instant now = clock.instant();
        TraceContext trace = exchange.getProperty(TraceContext.PROPERTY, TraceContext.class);
        try {
            long id = store.record(new DeadLetter(0, event.svixId(), event.type(),
                    exchange.getProperty(ConvexDeliveryRoute.FUNCTION_PROPERTY, String.class), failure.resultClass(),
                    failure.httpStatus(), failure.getMessage(), failure.detail(),
                    new String(event.rawBody(), StandardCharsets.UTF_8), event.headers(),
                    exchange.getProperty(ConvexDeliveryRoute.ATTEMPTS_PROPERTY, 1, Integer.class), now, now,
                    trace == null ? null : trace.traceId(), trace == null ? null : trace.spanId()));
            exchange.setProperty(Outcome.PROPERTY, Outcome.DEAD_LETTERED);
            exchange.setProperty(DeadLetter.ID_PROPERTY, id);
            metrics.deadLetterAdded(event.type());
            LOG.warn("Dead-lettered svix_id={} type={} as #{}: {}", event.svixId(), event.type(), id, failure.getMessage());
        } catch (RuntimeException e) {
            exchange.setProperty(Outcome.PROPERTY, Outcome.FAILED);
            LOG.error("Could not store the dead letter for svix_id={} type={}; answering 503 so Svix retries: {}",
                    event.svixId(), event.type(), e.toString());
        }
    }
}
