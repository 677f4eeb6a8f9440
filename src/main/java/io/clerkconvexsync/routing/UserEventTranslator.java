package io.clerkconvexsync.routing;

import io.clerkconvexsync.RawJson;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.delivery.ConvexCall;
import io.clerkconvexsync.intake.ClerkEvent;
import org.apache.camel.Exchange;

/**
 * Message translator from Clerk user events to Convex calls, with the function and argument names from configuration
 * (by default {@code users:upsertFromClerk({user})} and {@code users:deleteFromClerk({userId})}).
 */
public final class UserEventTranslator {
    private final SyncSettings settings;

    public UserEventTranslator(SyncSettings settings) {
        this.settings = settings;
    }

    /** user.created and user.updated: the event's data, unchanged. */
    public void upsert(Exchange exchange) {
        ClerkEvent event = exchange.getProperty(ClerkEvent.PROPERTY, ClerkEvent.class);
        exchange.getMessage().setBody(ConvexCall.wrap(settings.upsertFunction(), settings.upsertArgument(), event.data()));
    }

    /** user.deleted: the Clerk user id alone. */
    public void delete(Exchange exchange) {
        ClerkEvent event = exchange.getProperty(ClerkEvent.PROPERTY, ClerkEvent.class);
        exchange.getMessage().setBody(ConvexCall.wrap(settings.deleteFunction(), settings.deleteArgument(),
                RawJson.string(event.subjectId())));
    }
}
