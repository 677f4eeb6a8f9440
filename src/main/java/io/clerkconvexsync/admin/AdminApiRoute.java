package io.clerkconvexsync.admin;

import org.apache.camel.builder.RouteBuilder;

/**
 * The dead-letter admin API on the management port, behind {@link AdminGuard}. Without ADMIN_TOKEN no route is added
 * at all, so the paths answer 404 like any unknown one.
 *
 * <p>Served by {@link ManagementPortEngine}: Camel 4.18's {@code platform-http} consumers always bind to the webhook
 * server's router, and camel.management.* only serves Camel's own consoles; but the management server registers its
 * Vert.x router under its port, so a second platform-http component aimed at that port puts these routes there, with
 * ids, error handling and metrics like every other route.
 */
public final class AdminApiRoute extends RouteBuilder {
    /** The platform-http component serving on the management port (registered in RuntimeConfiguration). */
    public static final String COMPONENT = "management-http";
    public static final String GUARD = "adminGuard";
    public static final String HTTP = "adminHttp";

    @Override
    public void configure() {
        AdminGuard guard = getContext().getRegistry().lookupByNameAndType(GUARD, AdminGuard.class);
        AdminHttp http = getContext().getRegistry().lookupByNameAndType(HTTP, AdminHttp.class);
        if (guard == null || http == null) {
            return; // ADMIN_TOKEN not set: the admin API is off
        }
        from(COMPONENT + ":/dead-letters?httpMethodRestrict=GET").routeId("admin-dead-letters")
                .routeConfigurationId(AdminErrorHandling.ID)
                .process(guard)
                .process(http::list);

        from(COMPONENT + ":/dead-letters/replay?httpMethodRestrict=GET,POST").routeId("admin-dead-letters-replay")
                .routeConfigurationId(AdminErrorHandling.ID)
                .process(guard)
                .process(http::replayMatching);

        from(COMPONENT + ":/dead-letters/{id}?httpMethodRestrict=GET,DELETE").routeId("admin-dead-letter")
                .routeConfigurationId(AdminErrorHandling.ID)
                .process(guard)
                .process(http::one);

        from(COMPONENT + ":/dead-letters/{id}/replay?httpMethodRestrict=POST").routeId("admin-dead-letter-replay")
                .routeConfigurationId(AdminErrorHandling.ID)
                .process(guard)
                .process(http::replayOne);
    }
}
