package io.clerkconvexsync.routing;

import io.clerkconvexsync.delivery.ConvexDeliveryRoute;
import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.Outcome;
import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ChoiceDefinition;

import java.util.List;

/**
 * Content-based router on the event type: the product's event families (users, organizations, memberships) become
 * Convex calls through their {@link EventFamilyTranslator}; any other type goes to the extension route that claims it
 * ({@code direct:clerk-event-<type>}, see routes/), or is answered as unhandled.
 */
public final class EventTypeRouter extends RouteBuilder {

    public static final String ENDPOINT = "direct:clerk-event-router";
    /** An extension route claims an event type by consuming from this prefix plus the type. */
    public static final String EXTENSION_PREFIX = "direct:clerk-event-";

    /** The bean holding the product's families, in the order the router asks them. */
    public static final String FAMILIES = "eventFamilies";

    @BeanInject(FAMILIES)
    List<EventFamilyTranslator> families;
    @BeanInject("extensionRoutes")
    ExtensionRoutes extensions;

    @Override
    public void configure() {
        ChoiceDefinition choice = from(ENDPOINT).routeId("clerk-event-router").choice();
        // one branch per family from the table, not one copy per family: a type is a map lookup in each
        for (EventFamilyTranslator family : families) {
            choice.when(family::handles)
                    .process(family)
                    .to(ConvexDeliveryRoute.ENDPOINT);
        }
        choice.when(extensions::claims)
                    .toD(EXTENSION_PREFIX + "${exchangeProperty." + ClerkEvent.TYPE_PROPERTY + "}")
                    .process(ExtensionRoutes::completed)
                .otherwise()
                    .setProperty(Outcome.PROPERTY, constant(Outcome.UNHANDLED))
                .end();
    }
}
