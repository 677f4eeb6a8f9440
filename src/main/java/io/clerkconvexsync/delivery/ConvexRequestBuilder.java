package io.clerkconvexsync.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clerkconvexsync.intake.ClerkEventParser;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Envelope wrapper for Convex's HTTP API: turns the delivery step's input into the exact body of
 * {@code POST /api/mutation}, {@code {"path":…,"args":…,"format":"json"}}, once per event so every redelivery sends
 * the same bytes.
 *
 * <p>Input: a {@link ConvexCall} body, or (for YAML routes) the {@code ConvexFunction} header with a JSON object body.
 */
public final class ConvexRequestBuilder implements Processor {

    @Override
    public void process(Exchange exchange) {
        ConvexCall call = call(exchange.getMessage());
        exchange.setProperty(ConvexDeliveryRoute.FUNCTION_PROPERTY, call.function());
        exchange.setProperty(ConvexDeliveryRoute.REQUEST_PROPERTY, requestBody(call));
        exchange.setProperty(ConvexDeliveryRoute.ATTEMPTS_PROPERTY, 0);
    }

    public static byte[] requestBody(ConvexCall call) {
        ObjectNode request = ClerkEventParser.JSON.createObjectNode();
        request.put("path", call.function());
        request.set("args", call.args());
        request.put("format", "json");
        try {
            return ClerkEventParser.JSON.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the Convex request", e);
        }
    }

    private static ConvexCall call(Message message) {
        if (message.getBody() instanceof ConvexCall call) {
            return call;
        }
        String function = message.getHeader(ConvexCall.FUNCTION_HEADER, String.class);
        if (function == null || function.isBlank()) {
            throw new IllegalArgumentException("the Convex delivery step needs a ConvexCall body or a "
                    + ConvexCall.FUNCTION_HEADER + " header naming the function");
        }
        JsonNode args;
        try {
            Object body = message.getBody();
            args = body instanceof JsonNode node ? node : ClerkEventParser.JSON.readTree(message.getBody(String.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the arguments for " + function + " are not valid JSON");
        }
        if (args == null || !args.isObject()) {
            throw new IllegalArgumentException("the arguments for " + function + " must be a JSON object");
        }
        return new ConvexCall(function.trim(), args);
    }
}
