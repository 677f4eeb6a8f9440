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
                .onCompletion().process(outcomeRecorder).end()
                .process(verifier)
                .process(new ClerkEventParser())
                .process(idempotentReceiver::detectDuplicate)
                .filter(exchange -> !IdempotentReceiver.isDuplicate(exchange))
                    .to(EventTypeRouter.ENDPOINT)
                    .process(idempotentReceiver::remember)
                .end()
                .process(reply);
    }
}
