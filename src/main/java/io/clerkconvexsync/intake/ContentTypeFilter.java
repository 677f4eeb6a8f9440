package io.clerkconvexsync.intake;

import io.clerkconvexsync.event.WebhookRejectedException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.Locale;

/**
 * Message filter at the door, before the signature: a Clerk event is JSON. A form or other body would otherwise be
 * taken apart by the HTTP layer (a form into fields, leaving no body) and refused as {@code empty_body}, which sends
 * the sender looking in the wrong place. No Content-Type at all is let through: the signature decides then.
 */
public final class ContentTypeFilter implements Processor {

    @Override
    public void process(Exchange exchange) {
        String type = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (type != null && !isJson(type)) {
            throw new WebhookRejectedException("unsupported_media_type",
                    "the body must be sent as application/json, as Svix sends Clerk events", 415);
        }
    }

    static boolean isJson(String contentType) {
        int parameters = contentType.indexOf(';');
        String media = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
    }
}
