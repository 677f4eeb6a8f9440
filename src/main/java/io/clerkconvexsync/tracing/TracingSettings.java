package io.clerkconvexsync.tracing;

import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.config.SettingsReader;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Traces: whether they are on, and the few settings the runtime itself needs. Everything else (protocol, sampler,
 * resource attributes, headers, batch sizes) is the OpenTelemetry SDK's, read by its autoconfigure from the standard
 * {@code OTEL_*} variables, and checked by it when {@link OpenTelemetryTracing} starts (a mistake there stops startup
 * as well, naming the variable).
 *
 * @param enabled         on once an OTLP endpoint is given or OTEL_TRACES_EXPORTER names an exporter, unless
 *                        OTEL_SDK_DISABLED is true
 * @param serviceName     OTEL_SERVICE_NAME
 * @param maxQueueSize    OTEL_BSP_MAX_QUEUE_SIZE: ended spans waiting for export; more are dropped and counted
 * @param excludePatterns Camel endpoint patterns that make no spans; empty for none
 */
public record TracingSettings(boolean enabled, String serviceName, int maxQueueSize, String excludePatterns) {

    /** Exporters this build carries; "none" is the SDK's own word for no exporter. */
    static final List<String> EXPORTERS = List.of("otlp", "none");

    public static final TracingSettings OFF = new TracingSettings(false, "clerk-convex-sync", 2048, "");

    /**
     * Reads and checks the tracing settings.
     *
     * @throws InvalidSettingException naming the first setting that is malformed, never its value
     */
    public static TracingSettings load(Function<String, Optional<String>> lookup) {
        SettingsReader r = new SettingsReader(lookup);
        Optional<String> endpoint = r.optional("tracing.otlp-endpoint");
        Optional<String> tracesEndpoint = r.optional("tracing.otlp-traces-endpoint");
        endpoint.ifPresent(url -> checkUrl(url, "OTEL_EXPORTER_OTLP_ENDPOINT"));
        tracesEndpoint.ifPresent(url -> checkUrl(url, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        List<String> exporters = r.optional("tracing.traces-exporter")
                .map(v -> List.of(v.toLowerCase(Locale.ROOT).split("\\s*,\\s*"))).orElse(List.of());
        for (String exporter : exporters) {
            if (!EXPORTERS.contains(exporter)) {
                throw new InvalidSettingException("OTEL_TRACES_EXPORTER", "must be otlp or none (this build carries no other"
                        + " span exporter)");
            }
        }
        boolean named = exporters.contains("otlp");
        boolean off = exporters.contains("none") || r.bool("tracing.sdk-disabled");
        String serviceName = r.required("tracing.service-name", "OTEL_SERVICE_NAME");
        int queue = r.positiveInt("tracing.max-queue-size");
        boolean enabled = !off && (named || endpoint.isPresent() || tracesEndpoint.isPresent());
        return new TracingSettings(enabled, serviceName, queue, r.optional("tracing.exclude-patterns").orElse(""));
    }

    /** http(s)://host[:port][/path]; user info is refused because it would put a credential where logs show it. */
    private static void checkUrl(String raw, String env) {
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(env, "is not a URL; expected e.g. http://otel-collector:4318");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawUserInfo() != null) {
            throw new InvalidSettingException(env, "must be http(s)://host[:port], e.g. http://otel-collector:4318 (credentials"
                    + " go in OTEL_EXPORTER_OTLP_HEADERS)");
        }
    }
}
