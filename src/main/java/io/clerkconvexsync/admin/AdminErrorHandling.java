package io.clerkconvexsync.admin;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors of the admin API, answered as an operator's client expects them (401, 400, 500 with a JSON reason) rather
 * than as a webhook's outcome.
 */
public final class AdminErrorHandling extends RouteConfigurationBuilder {
    public static final String ID = "admin-api";

    private static final Logger LOG = LoggerFactory.getLogger(AdminErrorHandling.class);

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(AdminGuard.AdminUnauthorizedException.class).handled(true)
                    .process(AdminErrorHandling::unauthorized)
                .end()
                .onException(IllegalArgumentException.class).handled(true)
                    .process(AdminErrorHandling::badRequest)
                .end()
                .onException(Exception.class).handled(true)
                    .process(AdminErrorHandling::failed)
                .end();
    }

    private static void unauthorized(Exchange exchange) {
        AdminHttp.answer(exchange, 401, AdminHttp.error("missing or wrong bearer token"));
        exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
    }

    private static void badRequest(Exchange exchange) {
        AdminHttp.answer(exchange, 400, AdminHttp.error(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));
    }

    private static void failed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("Admin request failed", cause);
        AdminHttp.answer(exchange, 500, AdminHttp.error(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
    }
}
