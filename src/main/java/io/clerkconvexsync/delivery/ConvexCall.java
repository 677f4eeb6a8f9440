package io.clerkconvexsync.delivery;

import io.clerkconvexsync.event.RawJson;

/**
 * One Convex function to run: the function path ({@code users:upsertFromClerk}) and its arguments object, a mutation
 * unless {@code query}. The delivery step's input; {@link #wrap} builds the usual {@code {"<name>": <event data>}} shape.
 *
 * @param providedBy the Convex package version that brings the function (e.g. {@code @clerk-convex-sync/convex 0.2.0}),
 *                   named when the deployment lacks it; null when the function is the app's own
 */
public record ConvexCall(String function, RawJson args, boolean query, String providedBy) {

    public ConvexCall(String function, RawJson args) {
        this(function, args, false, null);
    }

    public ConvexCall(String function, RawJson args, boolean query) {
        this(function, args, query, null);
    }

    /** A query, sent to {@code /api/query} instead of {@code /api/mutation}. */
    public static ConvexCall ofQuery(String function, RawJson args) {
        return new ConvexCall(function, args, true);
    }

    /** Header with which a YAML route names the function when its body carries the arguments as JSON. */
    public static final String FUNCTION_HEADER = "ConvexFunction";

    public static ConvexCall wrap(String function, String argumentName, RawJson value) {
        return new ConvexCall(function, RawJson.object(argumentName, value));
    }
}
