package io.clerkconvexsync.runtime;

import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.delivery.ConvexCallPreparer;
import io.clerkconvexsync.delivery.ConvexDeliveryRoute;
import io.clerkconvexsync.delivery.ConvexFailure;
import io.clerkconvexsync.delivery.DeadLetterChannel;
import io.clerkconvexsync.delivery.RedeliveryBudget;
import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.Outcome;
import io.clerkconvexsync.event.WebhookRejectedException;
import io.clerkconvexsync.intake.WebhookReply;
import io.clerkconvexsync.ops.WebhookMetrics;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The error handler and redelivery policy, declared once: a nameless route configuration for every route (the YAML
 * extension routes included) and the delivery policy for the one Convex delivery step that every route calls.
 *
 * <ul>
 *   <li>sender errors: answered 4xx;</li>
 *   <li>transient Convex failures: redelivered with exponential back-off inside the webhook's time budget, then 503;</li>
 *   <li>permanent Convex failures: no redelivery, dead-lettered, 2xx;</li>
 *   <li>misconfiguration (401/403, wrong URL): 503 and a log line that says what to fix, no dead letter;</li>
 *   <li>anything else: 503, so nothing is acknowledged that was not done.</li>
 * </ul>
 */
public final class ErrorHandling extends RouteConfigurationBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandling.class);

    @BeanInject("syncSettings")
    SyncSettings settings;
    @BeanInject("deadLetterChannel")
    DeadLetterChannel deadLetterChannel;
    @BeanInject("convexCallPreparer")
    ConvexCallPreparer calls;
    @BeanInject("webhookMetrics")
    WebhookMetrics metrics;
    @BeanInject("webhookReply")
    WebhookReply reply;

    @Override
    public void configuration() {
        // Every route: the sender's mistakes and anything unexpected. No redelivery here, so Camel need not keep a
        // defensive copy of the exchange at every step.
        RouteConfigurationDefinition everyRoute = routeConfiguration();
        everyRoute.onException(WebhookRejectedException.class).handled(true)
                    .process(e -> outcome(e, Outcome.REJECTED))
                    .process(reply)
                .end();
        answerTheUnexpectedWith503(everyRoute);

        // The Convex delivery step alone: its redelivery policy and what happens once it gives up.
        RouteConfigurationDefinition delivery = routeConfiguration(ConvexDeliveryRoute.DELIVERY_POLICY);
        delivery.onException(ConvexFailure.Permanent.class).handled(true)
                    .process(deadLetterChannel)
                    .process(reply)
                .end()
                .onException(ConvexFailure.Misconfigured.class).handled(true)
                    .process(this::misconfigured)
                    .process(reply)
                .end();
        redeliverTransientFailures(delivery).handled(true)
                    .process(this::exhausted)
                    .process(reply)
                .end();
        answerTheUnexpectedWith503(delivery);

        // Calls for other work (reconcile): every failure is the caller's to handle and to tell, so Camel logs nothing
        // of it (its ERROR line, message history and stack trace reached the CLI's output). No redelivery either: the
        // pass sends a batch Convex left unanswered again smaller and later, which a redelivery policy cannot, and
        // waits longer for an answer than a webhook's time budget allows.
        RouteConfigurationDefinition request = routeConfiguration(ConvexDeliveryRoute.REQUEST_POLICY);
        request.errorHandler(defaultErrorHandler().logExhausted(false).logStackTrace(false)
                .logExhaustedMessageHistory(false));
        request.onException(ConvexFailure.Transient.class, IOException.class)
                    .process(calls::endWithoutAnswer)
                .end();
    }

    /** Transient Convex failures and I/O errors: redelivered with exponential back-off inside the time budget. */
    private OnExceptionDefinition redeliverTransientFailures(RouteConfigurationDefinition configuration) {
        return configuration.onException(ConvexFailure.Transient.class, IOException.class)
                .retryWhile(new RedeliveryBudget(settings))
                .redeliveryDelay(settings.initialRedeliveryDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(settings.backoffMultiplier())
                .maximumRedeliveryDelay(settings.maximumRedeliveryDelay().toMillis())
                .onRedelivery(this::redelivering);
    }

    /** Anything else is the runtime's own failure: 503, so that nothing is acknowledged that was not done. */
    private void answerTheUnexpectedWith503(RouteConfigurationDefinition configuration) {
        configuration.onException(Exception.class).handled(true)
                .process(this::failed)
                .process(reply)
                .end();
    }

    private void redelivering(Exchange exchange) {
        calls.endWithoutAnswer(exchange);
        metrics.redelivery();
        LOG.warn("Convex call failed, redelivering (attempt {}) function={} svix_id={} type={}: {}",
                exchange.getProperty(ConvexDeliveryRoute.ATTEMPTS_PROPERTY, 0, Integer.class) + 1,
                exchange.getProperty(ConvexDeliveryRoute.FUNCTION_PROPERTY, String.class), svixId(exchange), type(exchange),
                ConvexFailure.describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
    }

    private void exhausted(Exchange exchange) {
        calls.endWithoutAnswer(exchange);
        outcome(exchange, Outcome.RETRIED);
        LOG.warn("Convex still unavailable after {} attempt(s); answering 503 so Svix retries later svix_id={} type={}: {}",
                exchange.getProperty(ConvexDeliveryRoute.ATTEMPTS_PROPERTY, 0, Integer.class), svixId(exchange), type(exchange),
                ConvexFailure.describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
    }

    private void misconfigured(Exchange exchange) {
        outcome(exchange, Outcome.CONVEX_MISCONFIGURED);
        LOG.error("{} (answering 503 so Svix retries once this is fixed) svix_id={} type={}",
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage(), svixId(exchange), type(exchange));
    }

    private void failed(Exchange exchange) {
        outcome(exchange, Outcome.FAILED);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("Webhook failed inside the runtime; answering 503 so Svix retries svix_id={} type={}",
                svixId(exchange), type(exchange), cause);
    }

    private static void outcome(Exchange exchange, Outcome outcome) {
        exchange.setProperty(Outcome.PROPERTY, outcome);
    }

    private static String svixId(Exchange exchange) {
        ClerkEvent event = exchange.getProperty(ClerkEvent.PROPERTY,
                ClerkEvent.class);
        return event == null ? null : event.svixId();
    }

    private static String type(Exchange exchange) {
        return exchange.getProperty(ClerkEvent.TYPE_PROPERTY, String.class);
    }

}
