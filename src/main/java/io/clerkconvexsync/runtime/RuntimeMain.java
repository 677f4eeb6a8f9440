package io.clerkconvexsync.runtime;

import io.clerkconvexsync.admin.AdminApiRoute;
import io.clerkconvexsync.admin.AdminErrorHandling;
import io.clerkconvexsync.delivery.ConvexDeliveryRoute;
import io.clerkconvexsync.intake.WebhookIntakeRoute;
import io.clerkconvexsync.reconcile.ClerkApiRoute;
import io.clerkconvexsync.reconcile.ReconcileRoutes;
import io.clerkconvexsync.routing.EventTypeRouter;
import io.clerkconvexsync.store.RetentionRoute;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.main.Main;

import java.util.List;

/**
 * The Camel Main that every door starts (the runtime, and the command-line tools that need its context): the
 * runtime's property files, its configuration class and its route classes.
 */
public final class RuntimeMain {
    /** Defaults packed in the jar, overridden by ./application.properties where the jar is started. */
    public static final String PROPERTY_LOCATIONS =
            "classpath:application.properties;optional=true,file:application.properties;optional=true";

    /**
     * Every route and route configuration class, named rather than found by Camel's package scan: the scan read the
     * whole 40 MB jar entry by entry at every start, 0.57 s of a 2 s start on the benchmark machine (BENCHMARKS.md,
     * "Start"). RuntimeMainTest fails when a class the scan would find is missing here.
     */
    static final List<Class<? extends RoutesBuilder>> ROUTES = List.of(
            ErrorHandling.class, AdminErrorHandling.class,
            WebhookIntakeRoute.class, EventTypeRouter.class, ConvexDeliveryRoute.class, RetentionRoute.class,
            AdminApiRoute.class, ReconcileRoutes.class, ClerkApiRoute.class);

    private RuntimeMain() {
    }

    /** A Camel Main with the runtime's properties, configuration and routes, not yet started. */
    public static Main create() {
        Main main = new Main();
        main.configure().addConfiguration(RuntimeConfiguration.class);
        main.configure().addRoutesBuilder(ROUTES.toArray(Class<?>[]::new));
        main.setPropertyPlaceholderLocations(PROPERTY_LOCATIONS);
        return main;
    }
}
