package io.clerkconvexsync.routing;

import io.clerkconvexsync.Outcome;
import io.clerkconvexsync.delivery.ConvexDeliveryRoute;
import io.clerkconvexsync.intake.ClerkEvent;
import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;

/**
 * Content-based router on the event type: user events become Convex calls here; any other type goes to the
 * extension route that claims it ({@code direct:clerk-event-<type>}, see routes/), or is answered as unhandled.
 */
public final class EventTypeRouter extends RouteBuilder {

    public static final String ENDPOINT = "direct:clerk-event-router";
    /** An extension route claims an event type by consuming from this prefix plus the type. */
    public static final String EXTENSION_PREFIX = "direct:clerk-event-";

    @BeanInject("userEventTranslator")
    UserEventTranslator translator;
    @BeanInject("extensionRoutes")
    ExtensionRoutes extensions;

    @Override
    public void configure() {
        from(ENDPOINT).routeId("clerk-event-router")
                .choice()
                    .when(exchangeProperty(ClerkEvent.TYPE_PROPERTY).in("user.created", "user.updated"))
                        .process(translator::upsert)
                        .to(ConvexDeliveryRoute.ENDPOINT)
                    .when(exchangeProperty(ClerkEvent.TYPE_PROPERTY).isEqualTo("user.deleted"))
                        .process(translator::delete)
                        .to(ConvexDeliveryRoute.ENDPOINT)
                    .when(extensions::claims)
                        .toD(EXTENSION_PREFIX + "${exchangeProperty." + ClerkEvent.TYPE_PROPERTY + "}")
                        .process(ExtensionRoutes::completed)
                    .otherwise()
                        .setProperty(Outcome.PROPERTY, constant(Outcome.UNHANDLED))
                .end();
    }
}
