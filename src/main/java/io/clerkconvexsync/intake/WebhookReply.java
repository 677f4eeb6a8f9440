package io.clerkconvexsync.intake;

import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.event.Outcome;
import io.clerkconvexsync.event.WebhookRejectedException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The answer to Svix, made from the webhook's {@link Outcome} alone. Every inbound header is dropped first, so nothing
 * the sender sent (a signature among them) is echoed back.
 */
public final class WebhookReply implements Processor {

    @Override
    public void process(Exchange exchange) {
        Outcome outcome = exchange.getProperty(Outcome.PROPERTY, Outcome.FAILED, Outcome.class);
        ObjectNode body = ClerkEventParser.JSON.createObjectNode();
        body.put("outcome", outcome.label());
        ClerkEvent event = exchange.getProperty(ClerkEvent.PROPERTY, ClerkEvent.class);
        if (event != null) {
            body.put("svixId", event.svixId());
            body.put("type", event.type());
        }
        WebhookRejectedException rejected = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, WebhookRejectedException.class);
        if (outcome == Outcome.REJECTED && rejected != null) {
            body.put("error", rejected.code());
            body.put("message", rejected.getMessage());
        } else if (!outcome.acknowledged()) {
            body.put("message", "not delivered yet; retry later");
        }
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE,
                outcome == Outcome.REJECTED && rejected != null ? rejected.status() : outcome.httpStatus());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(body.toString());
    }
}
