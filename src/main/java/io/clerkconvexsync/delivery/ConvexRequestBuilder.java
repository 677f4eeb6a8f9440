package io.clerkconvexsync.delivery;

import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.event.RawJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Envelope wrapper for Convex's HTTP API: turns the delivery step's input into the exact body of
 * {@code POST /api/mutation} (or {@code /api/query}), {@code {"path":…,"args":…,"format":"json"}}, once per call so
 * every redelivery sends the same bytes.
 *
 * <p>Input: a {@link ConvexCall} body, or (for YAML routes) the {@code ConvexFunction} header with a JSON object body.
 */
public final class ConvexRequestBuilder implements Processor {

    // Written by hand around the arguments' own bytes, so the event's data is not re-encoded.
    private static final byte[] PATH = "{\"path\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARGS = ",\"args\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FORMAT = ",\"format\":\"json\"}".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void process(Exchange exchange) {
        ConvexCall call = call(exchange.getMessage());
        exchange.setProperty(ConvexDeliveryRoute.FUNCTION_PROPERTY, call.function());
        exchange.setProperty(ConvexDeliveryRoute.REQUEST_PROPERTY, requestBody(call));
        exchange.setProperty(ConvexDeliveryRoute.ATTEMPTS_PROPERTY, 0);
        if (call.query()) {
            exchange.setProperty(ConvexDeliveryRoute.QUERY_PROPERTY, true);
        }
        if (call.providedBy() != null) {
            exchange.setProperty(ConvexDeliveryRoute.PROVIDED_BY_PROPERTY, call.providedBy());
        }
    }

    public static byte[] requestBody(ConvexCall call) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(PATH);
        RawJson.writeString(out, call.function());
        out.writeBytes(ARGS);
        call.args().writeTo(out);
        out.writeBytes(FORMAT);
        return out.toByteArray();
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
        String args = message.getBody(String.class);
        JsonNode parsed;
        try {
            parsed = args == null ? null : ClerkEventParser.JSON.readTree(args);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the arguments for " + function + " are not valid JSON");
        }
        if (parsed == null || !parsed.isObject()) {
            throw new IllegalArgumentException("the arguments for " + function + " must be a JSON object");
        }
        return new ConvexCall(function.trim(), RawJson.of(args.strip()));
    }
}
