package io.clerkconvexsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.intake.ClerkEventParser;

/**
 * One Convex mutation to run: the function path ({@code users:upsertFromClerk}) and its arguments object.
 * The delivery step's input; {@link #wrap} builds the usual {@code {"<name>": <event data>}} shape.
 */
public record ConvexCall(String function, JsonNode args) {

    /** Header with which a YAML route names the function when its body carries the arguments as JSON. */
    public static final String FUNCTION_HEADER = "ConvexFunction";

    public static ConvexCall wrap(String function, String argumentName, JsonNode value) {
        ObjectNode args = ClerkEventParser.JSON.createObjectNode();
        args.set(argumentName, value);
        return new ConvexCall(function, args);
    }
}
