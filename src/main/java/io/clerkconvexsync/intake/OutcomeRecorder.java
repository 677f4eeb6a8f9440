package io.clerkconvexsync.intake;

import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.event.Outcome;
import io.clerkconvexsync.event.WebhookRejectedException;
import io.clerkconvexsync.ops.WebhookMetrics;
import io.clerkconvexsync.tracing.WebhookTrace;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once per webhook, whatever path it took: one log line (svix-id, type, the Clerk object's id, outcome, latency; no names,
 * emails, secrets or signatures) and the webhook counters.
 */
public final class OutcomeRecorder implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger("io.clerkconvexsync.webhook");
    /** Svix ids are ~30 characters; a longer claimed one is cut so a header cannot fill the log. */
    private static final int MAX_LOGGED_ID = 100;

    private final WebhookMetrics metrics;

    public OutcomeRecorder(WebhookMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        Outcome outcome = exchange.getProperty(Outcome.PROPERTY, Outcome.FAILED, Outcome.class);
        ClerkEvent event = exchange.getProperty(ClerkEvent.PROPERTY, ClerkEvent.class);
        long elapsedMs = exchange.getClock().elapsed();
        metrics.webhook(event == null ? null : event.type(), outcome, elapsedMs);
        WebhookRejectedException rejected = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, WebhookRejectedException.class);
        if (outcome == Outcome.REJECTED && rejected != null) {
            metrics.rejection(rejected.code());
        }
        // the line carries the webhook's trace_id and span_id (in the MDC, which the JSON format prints) when traced
        try (WebhookTrace.LogContext ids = WebhookTrace.logContext(exchange)) {
            log(exchange, outcome, event, rejected, elapsedMs);
        }
    }

    private static void log(Exchange exchange, Outcome outcome, ClerkEvent event, WebhookRejectedException rejected,
                            long elapsedMs) {
        if (outcome == Outcome.REJECTED && rejected != null) {
            // the svix-id as sent, unverified: it is what the sender's own log shows (bounded, and escaped by the
            // plain format like every value)
            LOG.info("webhook svix_id={} outcome={} reason={} status={} latency_ms={}", claimedSvixId(exchange, event),
                    outcome.label(), rejected.code(), rejected.status(), elapsedMs);
        } else if (event == null) {
            LOG.info("webhook outcome={} status={} latency_ms={}", outcome.label(), outcome.httpStatus(), elapsedMs);
        } else {
            // data.id under the name of what it is (user_id, organization_id, role_id, ...; object_id for other types)
            LOG.info("webhook svix_id={} type={} {}={} outcome={} status={} latency_ms={}", event.svixId(), event.type(),
                    ClerkEventParser.idKey(event.type()), event.subjectId(), outcome.label(), outcome.httpStatus(),
                    elapsedMs);
        }
    }

    private static String claimedSvixId(Exchange exchange, ClerkEvent event) {
        String id = event != null ? event.svixId()
                : exchange.getProperty(SvixSignatureVerifier.CLAIMED_ID_PROPERTY, String.class);
        return id == null || id.length() <= MAX_LOGGED_ID ? id : id.substring(0, MAX_LOGGED_ID) + "…";
    }
}
