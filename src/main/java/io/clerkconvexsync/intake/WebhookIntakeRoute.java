package io.clerkconvexsync.intake;

import io.clerkconvexsync.ops.OutcomeRecorder;
import io.clerkconvexsync.routing.EventTypeRouter;
import io.clerkconvexsync.store.IdempotentReceiver;
import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;

/**
 * One Clerk webhook, top to bottom: verify, parse, drop duplicates, route by type, answer.
 * Errors at any step are answered by {@link io.clerkconvexsync.ErrorHandling}.
 */
public final class WebhookIntakeRoute extends RouteBuilder {

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
                .process(new ContentTypeFilter())
                .process(verifier)
                .process(new ClerkEventParser())
                .process(idempotentReceiver::detectDuplicate)
                .filter(exchange -> !IdempotentReceiver.isDuplicate(exchange))
                    .to(EventTypeRouter.ENDPOINT)
                .end()
                .process(reply);
    }
}
