package io.clerkconvexsync.delivery;

import io.clerkconvexsync.ErrorHandling;
import io.clerkconvexsync.Outcome;
import io.clerkconvexsync.config.SyncSettings;
import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;

/**
 * The one way to Convex. Every event route (Java or YAML) sends a {@link ConvexCall} to {@link #ENDPOINT}; this route
 * owns the HTTP call, reading Convex's answer, and, through the shared error handler, redelivery and dead letters.
 * Work that is not a webhook (the reconcile pass) calls {@link #REQUEST_ENDPOINT}: the same call, answer classification
 * and redelivery of transient failures, but a failure that remains goes back to the caller, and the reply body is
 * Convex's answer.
 */
public final class ConvexDeliveryRoute extends RouteBuilder {

    public static final String ENDPOINT = "direct:convex-delivery";
    public static final String REQUEST_ENDPOINT = "direct:convex-request";
    static final String CALL_ENDPOINT = "direct:convex-call";

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
        from(ENDPOINT).routeId("convex-delivery").routeConfigurationId(ErrorHandling.CONVEX_DELIVERY)
                .process(new ConvexRequestBuilder())
                // A unit of redelivery: each retry runs the whole call again, from the request bytes.
                .to(CALL_ENDPOINT)
                .setProperty(Outcome.PROPERTY, constant(Outcome.DELIVERED));

        from(REQUEST_ENDPOINT).routeId("convex-request").routeConfigurationId(ErrorHandling.CONVEX_REQUEST)
                .process(new ConvexRequestBuilder())
                .to(CALL_ENDPOINT);

        // No error handler of its own: failures go back to the caller's step above, which redelivers the whole call.
        from(CALL_ENDPOINT).routeId("convex-call").errorHandler(noErrorHandler())
                .process(preparer)
                // the validated URL, its trailing slash dropped: the raw setting would make it //api/mutation
                .to(settings.convexUrl() + "/api/mutation?throwExceptionOnFailure=false&skipResponseHeaders=true")
                .process(preparer::classifyAnswer);
    }
}
