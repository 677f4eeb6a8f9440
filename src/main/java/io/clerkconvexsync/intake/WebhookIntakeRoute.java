package io.clerkconvexsync.intake;

import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.routing.EventTypeRouter;
import io.clerkconvexsync.store.IdempotentReceiver;
import org.apache.camel.BeanInject;
import io.clerkconvexsync.tracing.OpenTelemetryTracing;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;

/**
 * One Clerk webhook, top to bottom: verify, parse, drop duplicates, route by type, answer.
 * Errors at any step are answered by {@link io.clerkconvexsync.runtime.ErrorHandling}.
 */
public final class WebhookIntakeRoute extends RouteBuilder {
    /** Verification and the duplicate check: a route of its own when traces are on, so that a trace shows it as one span. */
    static final String VERIFY_ENDPOINT = "direct:webhook-verify";

    @BeanInject("svixSignatureVerifier")
    SvixSignatureVerifier verifier;
    @BeanInject("idempotentReceiver")
    IdempotentReceiver idempotentReceiver;
    @BeanInject("webhookReply")
    WebhookReply reply;
    @BeanInject("outcomeRecorder")
    OutcomeRecorder outcomeRecorder;

    @Override
    public void configure() {
        RouteDefinition webhook = from("platform-http:{{clerk.webhook-path}}?httpMethodRestrict=POST").routeId("clerk-webhook");
        // Whatever path the webhook took (errors are answered by the error handler): keep the svix-id once the event
        // is acknowledged, and record the outcome, before the answer goes out.
        webhook.onCompletion().modeBeforeConsumer()
                .process(idempotentReceiver::remember)
                .process(outcomeRecorder)
                .end();
        if (OpenTelemetryTracing.isInstalled(getCamelContext())) {
            webhook.to(VERIFY_ENDPOINT);
            // No error handler of its own: a rejection goes back to the webhook route above, which answers it.
            verify(from(VERIFY_ENDPOINT).routeId("webhook-verify").errorHandler(noErrorHandler()));
        } else {
            // Without traces the step needs no route of its own: one direct hop and one route timer less per webhook.
            verify(webhook);
        }
        webhook.filter(exchange -> !IdempotentReceiver.isDuplicate(exchange))
                    .to(EventTypeRouter.ENDPOINT)
                .end()
                .process(reply);
    }

    private void verify(ProcessorDefinition<?> step) {
        step.process(new ContentTypeFilter())
                .process(verifier)
                .process(new ClerkEventParser())
                .process(idempotentReceiver::detectDuplicate);
    }
}
