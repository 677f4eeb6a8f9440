package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.admin.AdminApiRoute;
import io.clerkconvexsync.admin.AdminErrorHandling;
import io.clerkconvexsync.admin.AdminGuard;
import io.clerkconvexsync.config.ReconcileSettings;
import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile pass's two doors inside the runtime: {@code /reconcile} on the admin API (only with ADMIN_TOKEN, like
 * the dead-letter API), and the RECONCILE_SCHEDULE cron (only when it is set). The CLI is the third door.
 */
public final class ReconcileRoutes extends RouteBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileRoutes.class);

    @BeanInject("reconcileSettings")
    ReconcileSettings settings;
    @BeanInject(Reconciler.BEAN)
    Reconciler reconciler;

    @Override
    public void configure() {
        AdminGuard guard = getContext().getRegistry().lookupByNameAndType(AdminApiRoute.GUARD, AdminGuard.class);
        if (guard != null) {
            ReconcileHttp http = new ReconcileHttp(reconciler);
            from(AdminApiRoute.COMPONENT + ":/reconcile?httpMethodRestrict=GET,POST").routeId("admin-reconcile")
                    .routeConfigurationId(AdminErrorHandling.ID)
                    .process(guard)
                    .process(http::handle);
        }
        if (settings.schedule().isPresent()) {
            // Quartz reads the cron's fields separated by '+' in the URI
            from("quartz:clerk-convex-sync/reconcile?cron=" + settings.schedule().get().trim().replaceAll("\\s+", "+"))
                    .routeId("reconcile-schedule").errorHandler(noErrorHandler())
                    .process(exchange -> scheduledPass());
        }
    }

    private void scheduledPass() {
        try {
            reconciler.run(ReconcileOptions.defaults(settings), LOG::info);
        } catch (Reconciler.Busy busy) {
            LOG.info("Scheduled reconcile pass skipped: {}", busy.getMessage());
        }
    }
}
