package io.clerkconvexsync.delivery;

import io.clerkconvexsync.RawJson;

/**
 * One Convex function to run: the function path ({@code users:upsertFromClerk}) and its arguments object, a mutation
 * unless {@code query}. The delivery step's input; {@link #wrap} builds the usual {@code {"<name>": <event data>}} shape.
 */
public record ConvexCall(String function, RawJson args, boolean query) {

    public ConvexCall(String function, RawJson args) {
        this(function, args, false);
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
