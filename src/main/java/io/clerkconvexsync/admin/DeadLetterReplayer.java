package io.clerkconvexsync.admin;

import io.clerkconvexsync.delivery.ConvexDeliveryRoute;
import io.clerkconvexsync.delivery.ConvexFailure;
import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.event.Outcome;
import io.clerkconvexsync.ops.WebhookMetrics;
import io.clerkconvexsync.routing.EventTypeRouter;
import io.clerkconvexsync.store.DeadLetter;
import io.clerkconvexsync.store.DeadLetterFailure;
import io.clerkconvexsync.store.DeadLetterFilter;
import io.clerkconvexsync.store.DeadLetterStore;
import io.clerkconvexsync.tracing.WebhookTrace;
import io.clerkconvexsync.tracing.WorkSpans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Sends stored dead letters through the same routing and delivery step as a webhook ({@link EventTypeRouter#ENDPOINT}),
 * so that the same classification, redelivery policy and dead-letter channel apply. Delivered: removed from the store.
 * Not delivered: kept, with its attempts and error history updated (by the dead-letter channel when Convex refuses it
 * again, here otherwise).
 *
 * <p>Each dead letter is claimed in the store before it is sent and released after, so two replays at once (two
 * operators, the CLI beside the runtime) never send the same event twice; a claim left by a replayer that died lapses
 * after {@link #CLAIM_STALE_AFTER}. The svix-id stays in the processed table throughout: Svix's own retries of it are
 * still duplicates.
 */
public final class DeadLetterReplayer {
    /** Far above one replay's worst case (the request budget, under 15 s), so a live claim is never taken over. */
    static final Duration CLAIM_STALE_AFTER = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplayer.class);

    private final CamelContext context;
    private final DeadLetterStore store;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final ClerkEventParser parser = new ClerkEventParser();
    private final WorkSpans spans;
    private volatile ProducerTemplate template;

    public DeadLetterReplayer(CamelContext context, DeadLetterStore store, WebhookMetrics metrics, Clock clock) {
        this.context = context;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.spans = WorkSpans.of(context);
    }

    /** Replays every dead letter the filter matches, one after the other, oldest first. */
    public List<ReplayResult> replay(DeadLetterFilter filter) {
        List<ReplayResult> results = new ArrayList<>();
        replay(filter, results::add);
        return results;
    }

    /**
     * The same, handing each result to {@code each} as it comes: the matches are read a batch of summaries at a time
     * (each replay reads its own body), so any number of them fits the heap.
     */
    public void replay(DeadLetterFilter filter, Consumer<ReplayResult> each) {
        replay(filter, () -> true, each);
    }

    /** The same, asking {@code goOn} before each one: false ends the replay there (a job's bound, a stop request). */
    public void replay(DeadLetterFilter filter, BooleanSupplier goOn, Consumer<ReplayResult> each) {
        long after = 0;
        for (List<DeadLetter> batch; !(batch = store.summaries(filter, after, DeadLetterAdmin.BATCH)).isEmpty(); ) {
            for (DeadLetter d : batch) {
                if (!goOn.getAsBoolean()) {
                    return;
                }
                each.accept(replay(d.id()));
            }
            after = batch.get(batch.size() - 1).id();
        }
    }

    /** Replays one dead letter, unless another replay holds it. */
    public ReplayResult replay(long id) {
        if (!store.claim(id, clock.instant(), CLAIM_STALE_AFTER)) {
            Optional<DeadLetter> held = store.find(id);
            ReplayResult result = new ReplayResult(id, held.map(DeadLetter::svixId).orElse(null),
                    held.isPresent() ? "busy" : "not_found");
            metrics.deadLetterReplay(result.result());
            return result;
        }
        boolean delivered = false;
        try {
            // Read after the claim: another replay may have delivered and removed it meanwhile.
            Optional<DeadLetter> stored = store.find(id);
            if (stored.isEmpty()) {
                metrics.deadLetterReplay("not_found");
                return new ReplayResult(id, null, "not_found");
            }
            ReplayResult result = send(stored.get());
            delivered = result.delivered();
            metrics.deadLetterReplay(result.result());
            LOG.info("Replayed dead letter #{} svix_id={} type={} result={}", id, stored.get().svixId(),
                    stored.get().eventType(), result.result());
            return result;
        } finally {
            if (!delivered) {
                store.release(id);
            }
        }
    }

    private ReplayResult send(DeadLetter d) {
        ClerkEvent event = parser.parse(d.svixId(), d.body().getBytes(StandardCharsets.UTF_8), d.headers());
        // its own trace, linked to the webhook's; Camel's spans of the exchange below join it
        Span span = spans.replay(d.svixId(), d.eventType(), d.id(), d.traceId(), d.spanId());
        Exchange exchange;
        try (Scope traced = WorkSpans.current(span)) {
            // The same exchange properties the intake sets after parsing, so routing cannot tell a replay from a webhook.
            exchange = template().send(EventTypeRouter.ENDPOINT, e -> {
                event.expose(e);
                e.getMessage().setBody(event.rawBody());
            });
        } catch (RuntimeException e) {
            WorkSpans.end(span, e);
            throw e;
        }
        Outcome outcome = exchange.getProperty(Outcome.PROPERTY, Outcome.FAILED, Outcome.class);
        if (exchange.getException() != null) {
            outcome = Outcome.FAILED;
        }
        span.setAttribute(WebhookTrace.OUTCOME, outcome.label());
        WorkSpans.end(span, exchange.getException());
        switch (outcome) {
            case DELIVERED -> store.delete(d.id());
            // Convex refused it again: the dead-letter channel has already counted the attempts and kept the error.
            case DEAD_LETTERED -> { }
            default -> store.noteFailedReplay(d.id(), failure(exchange, outcome));
        }
        return ReplayResult.of(d.id(), d.svixId(), outcome);
    }

    private DeadLetterFailure failure(Exchange exchange, Outcome outcome) {
        Exception cause = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        int attempts = exchange.getProperty(ConvexDeliveryRoute.ATTEMPTS_PROPERTY, 0, Integer.class);
        if (cause instanceof ConvexFailure failure) {
            return new DeadLetterFailure(clock.instant(), "replay", failure.resultClass(), failure.httpStatus(),
                    failure.getMessage(), attempts);
        }
        String error = outcome == Outcome.UNHANDLED ? "no route claims this event type"
                : cause == null ? outcome.label() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        String kind = outcome == Outcome.UNHANDLED ? "unhandled" : cause instanceof IOException ? "io_error" : "failed";
        return new DeadLetterFailure(clock.instant(), "replay", kind, 0, error, attempts);
    }

    private ProducerTemplate template() {
        if (template == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
            }
        }
        return template;
    }
}
