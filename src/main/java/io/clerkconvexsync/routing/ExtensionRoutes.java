package io.clerkconvexsync.routing;

import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.Outcome;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.direct.DirectEndpoint;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;

import java.nio.file.Path;
import java.util.Collection;

/**
 * Which event types the extension routes (routes/ or ROUTES_DIR) claim: a started route consuming from {@code direct:clerk-event-<type>}.
 * Looked up per event, so a route that is stopped or switched off by its {@code autoStartup} claims nothing.
 */
public final class ExtensionRoutes implements CamelContextAware {
    private static final String KEY_PREFIX = EventTypeRouter.EXTENSION_PREFIX.substring("direct:".length());

    private CamelContext context;

    public boolean claims(Exchange exchange) {
        String key = KEY_PREFIX + exchange.getProperty(ClerkEvent.TYPE_PROPERTY, String.class);
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint() instanceof DirectEndpoint direct && key.equals(name(direct))
                    && context.getRouteController().getRouteStatus(route.getRouteId()) == ServiceStatus.Started) {
                return true;
            }
        }
        return false;
    }

    /** The direct endpoint's name, whether written {@code direct:x} or {@code direct://x}. */
    private static String name(DirectEndpoint endpoint) {
        String rest = endpoint.getEndpointBaseUri().substring("direct:".length());
        return rest.startsWith("//") ? rest.substring(2) : rest;
    }

    /**
     * Loads the YAML routes of {@code directory} with Camel's routes loader. Done here rather than through
     * {@code camel.main.routes-include-pattern}, which fails startup when its folder is missing, while extension
     * routes are optional.
     */
    public static void load(CamelContext context, Path directory) throws Exception {
        Collection<Resource> routes = PluginHelper.getPackageScanResourceResolver(context)
                .findResources("file:" + directory.toAbsolutePath() + "/*.yaml");
        if (!routes.isEmpty()) {
            PluginHelper.getRoutesLoader(context).loadRoutes(routes);
        }
    }

    /** An extension route that did not deliver anything (it only logs, say) has handled the event. */
    public static void completed(Exchange exchange) {
        if (exchange.getProperty(Outcome.PROPERTY) == null) {
            exchange.setProperty(Outcome.PROPERTY, Outcome.DELIVERED);
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }
}
