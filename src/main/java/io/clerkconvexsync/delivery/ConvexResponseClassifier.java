package io.clerkconvexsync.delivery;

import io.clerkconvexsync.event.ClerkEventParser;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;

/**
 * Reads Convex's answer, not only its status, and turns every failure into the {@link ConvexFailure} kind that decides
 * between redelivery, dead letter and "fix the configuration". Shapes follow Convex's HTTP API: function results come
 * as {@code {"status":"success"|"error",...}} with HTTP 200 or 560; other failures as {@code {"code","message"}}.
 */
public final class ConvexResponseClassifier {

    /** Convex's status for a failed function call (the official client treats it like a 200 carrying an error). */
    static final int UDF_FAILED = 560;

    /**
     * How Convex says a function is not deployed (convex-backend's missing_or_internal_error): the same text for a
     * path that does not exist and for an internal function called without an admin key, after a request-id prefix.
     */
    static final String MISSING_FUNCTION = "Could not find public function for '";
    /** Where a failure's detail holds Convex's errorData, after its errorMessage. */
    private static final String ERROR_DATA = "\nerrorData: ";

    /**
     * Returns normally when Convex ran the function successfully.
     *
     * @param providedBy the package version that brings the function, or null (see {@link ConvexCall#providedBy()})
     */
    public void classify(String function, String providedBy, int status, byte[] body) {
        JsonNode json = parse(body);
        String answer = json == null ? null : text(json, "status");
        if (status == 200 && "success".equals(answer)) {
            return;
        }
        if ((status == 200 || status == UDF_FAILED) && "error".equals(answer)) {
            String message = detail(json, "errorMessage");
            if (message.contains(MISSING_FUNCTION)) {
                throw new ConvexFailure.MissingFunction(function, providedBy, status, message);
            }
            throw new ConvexFailure.Permanent("Convex function " + function + " failed (HTTP " + status + ")", status,
                    detail(json, "errorMessage") + dataSuffix(json));
        }
        String code = json == null ? null : text(json, "code");
        String described = "HTTP " + status + (code == null ? "" : " " + code);
        String detail = json == null ? null : detail(json, "message");
        if (status == 401 || status == 403) {
            throw new ConvexFailure.Misconfigured("Convex refused the credentials (" + described + "): set CONVEX_DEPLOY_KEY to a "
                    + "deploy key of this deployment (Convex dashboard > Settings > Deploy keys) that may run internal mutations",
                    status, detail);
        }
        if (status == 404 || (status >= 300 && status < 400)) {
            throw new ConvexFailure.Misconfigured("Convex answered " + described + " for /api/mutation: check that CONVEX_URL is "
                    + "the deployment's .convex.cloud URL", status, detail);
        }
        if (status == 408 || status == 429 || (status >= 500 && status != UDF_FAILED)) {
            throw new ConvexFailure.Transient("Convex is unavailable (" + described + ")", status, detail);
        }
        if (status >= 400 && status < 500) {
            throw new ConvexFailure.Permanent("Convex rejected the request (" + described + ")", status, detail);
        }
        // A 2xx without Convex's shape: a proxy or a captive portal answered, not Convex. Try again.
        throw new ConvexFailure.Transient("Convex answered " + described + " without a function result", status, null);
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode node = ClerkEventParser.JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static String detail(JsonNode json, String field) {
        String value = text(json, field);
        return value == null ? "" : value;
    }

    private static String dataSuffix(JsonNode json) {
        JsonNode data = json.get("errorData");
        return data == null || data.isNull() ? "" : ERROR_DATA + data;
    }

    /**
     * The {@code errorData} of a function error (a ConvexError's data, which Convex keeps where it redacts the
     * message), read back from a {@link ConvexFailure#detail()}; null when it had none that is an object.
     */
    public static JsonNode errorData(String detail) {
        int at = detail == null ? -1 : detail.lastIndexOf(ERROR_DATA);
        return at < 0 ? null : parse(detail.substring(at + ERROR_DATA.length()).getBytes(StandardCharsets.UTF_8));
    }
}
