package io.clerkconvexsync.delivery;

import io.clerkconvexsync.RawJson;

/**
 * One Convex mutation to run: the function path ({@code users:upsertFromClerk}) and its arguments object.
 * The delivery step's input; {@link #wrap} builds the usual {@code {"<name>": <event data>}} shape.
 */
public record ConvexCall(String function, RawJson args) {

    /** Header with which a YAML route names the function when its body carries the arguments as JSON. */
    public static final String FUNCTION_HEADER = "ConvexFunction";

    public static ConvexCall wrap(String function, String argumentName, RawJson value) {
        return new ConvexCall(function, RawJson.object(argumentName, value));
    }
}
