package io.clerkconvexsync.store;

/**
 * The W3C trace context of a span: what a dead letter keeps of the webhook that made it, so that its replay can link
 * back to that trace, and what a webhook's log line names.
 *
 * @param traceId 32 lower-case hex digits
 * @param spanId  16 lower-case hex digits
 */
public record TraceContext(String traceId, String spanId) {
    /** The exchange property that holds a traced webhook's context (set by tracing, read by the dead-letter channel). */
    public static final String PROPERTY = "clerkSyncTraceContext";

    /** The ids of a W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}), or null when it is not one. */
    public static TraceContext fromTraceparent(String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-') {
            return null;
        }
        TraceContext context = new TraceContext(traceparent.substring(3, 35), traceparent.substring(36, 52));
        return context.valid() ? context : null;
    }

    /** Ids as OpenTelemetry writes them: hex, of the right length, not all zero. */
    public boolean valid() {
        return hex(traceId, 32) && hex(spanId, 16);
    }

    private static boolean hex(String id, int length) {
        if (id == null || id.length() != length) {
            return false;
        }
        boolean nonZero = false;
        for (int i = 0; i < length; i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
            nonZero |= c != '0';
        }
        return nonZero;
    }
}
