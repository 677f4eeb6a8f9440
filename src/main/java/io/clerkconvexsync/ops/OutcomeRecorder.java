package io.clerkconvexsync.ops;

import io.clerkconvexsync.Outcome;
import io.clerkconvexsync.intake.ClerkEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once per webhook, whatever path it took: one log line (svix-id, type, Clerk user id, outcome, latency; no names,
 * emails, secrets or signatures) and the webhook counters.
 */
public final class OutcomeRecorder implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger("io.clerkconvexsync.webhook");

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
        if (event == null) {
            LOG.info("webhook outcome={} status={} latency_ms={}", outcome.label(), outcome.httpStatus(), elapsedMs);
        } else {
            LOG.info("webhook svix_id={} type={} user_id={} outcome={} status={} latency_ms={}", event.svixId(), event.type(),
                    event.subjectId(), outcome.label(), outcome.httpStatus(), elapsedMs);
        }
    }
}
