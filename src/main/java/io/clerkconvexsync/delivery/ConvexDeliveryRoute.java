package io.clerkconvexsync.delivery;

import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.event.Outcome;
import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;

/**
 * The one way to Convex. Every event route (Java or YAML) sends a {@link ConvexCall} to {@link #ENDPOINT}; this route
 * owns the HTTP call, reading Convex's answer, and, through the shared error handler, redelivery and dead letters.
 * Work that is not a webhook (the reconcile pass) calls {@link #REQUEST_ENDPOINT}: the same call and answer
 * classification, with a wait of its own ({@code reconcile.convex-timeout-ms}); a failure goes back to the caller, who
 * decides how to try again, and the reply body is Convex's answer.
 */
public final class ConvexDeliveryRoute extends RouteBuilder {
    /** The route configuration (error handler and redelivery) of the webhook delivery step. */
    public static final String DELIVERY_POLICY = "convex-delivery-policy";
    /** The route configuration of Convex calls made outside a webhook: failures go to the caller, which retries them. */
    public static final String REQUEST_POLICY = "convex-request-policy";

    public static final String ENDPOINT = "direct:convex-delivery";
    public static final String REQUEST_ENDPOINT = "direct:convex-request";
    static final String CALL_ENDPOINT = "direct:convex-call";
    static final String REQUEST_CALL_ENDPOINT = "direct:convex-request-call";

    public static final String FUNCTION_PROPERTY = "convexFunction";
    /** {@link ConvexCall#providedBy()}, for the message of a missing function. */
    static final String PROVIDED_BY_PROPERTY = "convexFunctionProvidedBy";
    static final String REQUEST_PROPERTY = "convexRequest";
    public static final String ATTEMPTS_PROPERTY = "convexAttempts";
    static final String QUERY_PROPERTY = "convexQuery";

    @BeanInject("convexCallPreparer")
    ConvexCallPreparer preparer;
    @BeanInject("syncSettings")
    SyncSettings settings;

    @Override
    public void configure() {
        from(ENDPOINT).routeId("convex-delivery").routeConfigurationId(DELIVERY_POLICY)
                .process(new ConvexRequestBuilder())
                // A unit of redelivery: each retry runs the whole call again, from the request bytes.
                .to(CALL_ENDPOINT)
                .setProperty(Outcome.PROPERTY, constant(Outcome.DELIVERED));

        from(REQUEST_ENDPOINT).routeId("convex-request").routeConfigurationId(REQUEST_POLICY)
                .process(new ConvexRequestBuilder())
                .to(REQUEST_CALL_ENDPOINT);

        call(CALL_ENDPOINT, "convex-call", "");
        // A pass waits longer than a webhook, which Svix gives 15 s in all: a batch of 100 items under load takes a while
        call(REQUEST_CALL_ENDPOINT, "convex-request-call", "&responseTimeout={{" + ReconcileSettings.CONVEX_TIMEOUT
                + "}}&soTimeout={{" + ReconcileSettings.CONVEX_TIMEOUT + "}}");
    }

    /**
     * One attempt. No error handler of its own: failures go back to the caller's step above, which redelivers the
     * whole call.
     */
    private void call(String endpoint, String routeId, String timeouts) {
        from(endpoint).routeId(routeId).errorHandler(noErrorHandler())
                .process(preparer)
                // the validated URL, its trailing slash dropped: the raw setting would make it //api/mutation
                .to(settings.convexUrl() + "/api/mutation?throwExceptionOnFailure=false&skipResponseHeaders=true" + timeouts)
                .process(preparer::classifyAnswer);
    }
}
