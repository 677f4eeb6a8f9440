package io.clerkconvexsync.intake;

import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.routing.EventTypeRouter;
import io.clerkconvexsync.store.IdempotentReceiver;
import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;

/**
 * One Clerk webhook, top to bottom: verify, parse, drop duplicates, route by type, answer.
 * Errors at any step are answered by {@link io.clerkconvexsync.ErrorHandling}.
 */
public final class WebhookIntakeRoute extends RouteBuilder {
    /** Verification and the duplicate check: a step of its own, so that a trace shows it as one span. */
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
        from("platform-http:{{clerk.webhook-path}}?httpMethodRestrict=POST").routeId("clerk-webhook")
                // Whatever path the webhook took (errors are answered by the error handler): keep the svix-id once the
                // event is acknowledged, and record the outcome, before the answer goes out.
                .onCompletion().modeBeforeConsumer()
                    .process(idempotentReceiver::remember)
                    .process(outcomeRecorder)
                .end()
                .to(VERIFY_ENDPOINT)
                .filter(exchange -> !IdempotentReceiver.isDuplicate(exchange))
                    .to(EventTypeRouter.ENDPOINT)
                .end()
                .process(reply);

        // No error handler of its own: a rejection goes back to the webhook route above, which answers it.
        from(VERIFY_ENDPOINT).routeId("webhook-verify").errorHandler(noErrorHandler())
                .process(new ContentTypeFilter())
                .process(verifier)
                .process(new ClerkEventParser())
                .process(idempotentReceiver::detectDuplicate);
    }
}
