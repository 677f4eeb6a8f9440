package io.clerkconvexsync.tracing;

import io.clerkconvexsync.config.InvalidSettingException;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.resources.Resource;
import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns traces on, when {@link TracingSettings#enabled()}: the OpenTelemetry SDK as its autoconfigure reads the
 * standard {@code OTEL_*} variables, and camel-opentelemetry2 on the Camel context (a span per route and per endpoint
 * call, W3C {@code traceparent} read from the webhook request and put on the Convex request). Off, nothing is
 * installed: no tracer, no route policy, no event notifier, no per-exchange work.
 *
 * <p>Spans leave through a batch processor with a bounded queue, on its own thread: a collector that is down or slow
 * costs the webhook nothing; what does not fit is dropped and counted ({@link DroppedSpans}).
 */
public final class OpenTelemetryTracing {
    /** The API the runtime's own spans (reconcile, replay) are made with; a no-op one when tracing is off. */
    public static final String BEAN = "openTelemetry";

    private static final Logger LOG = LoggerFactory.getLogger(OpenTelemetryTracing.class);
    private static final String INSTRUMENTATION = "io.clerkconvexsync";
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    private OpenTelemetryTracing() {
    }

    /**
     * Installs tracing on {@code context} (before its routes are built) and binds {@link #BEAN}.
     *
     * @throws InvalidSettingException when the SDK refuses an {@code OTEL_*} setting
     */
    public static OpenTelemetry install(CamelContext context, TracingSettings settings, MeterRegistry meters)
            throws Exception {
        if (!settings.enabled()) {
            context.getRegistry().bind(BEAN, OpenTelemetry.noop());
            return OpenTelemetry.noop();
        }
        DroppedSpans dropped = new DroppedSpans(meters);
        OpenTelemetrySdk sdk = sdk(settings, dropped);
        context.getRegistry().bind(BEAN, sdk);
        // camel-opentelemetry2 takes the tracer and propagators from the registry, so the SDK need not be global
        context.getRegistry().bind("camelTracer", sdk.getTracer("camel"));
        context.getRegistry().bind("contextPropagators", sdk.getPropagators());
        // ahead of Camel's tracer, whose notifier must find the headers this one sets
        context.getManagementStrategy().addEventNotifier(new WorkContextBridge(sdk.getPropagators()));
        OpenTelemetryTracer tracer = new OpenTelemetryTracer();
        tracer.setCamelContext(context);
        if (!settings.excludePatterns().isEmpty()) {
            tracer.setExcludePatterns(settings.excludePatterns());
        }
        tracer.init(context);
        // Stopped after the routes: spans still queued get one flush, bounded, on the way out
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                sdk.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS);
                sdk.close();
            }
        }, true, true);
        LOG.info("Tracing on: service {}, spans over OTLP", settings.serviceName());
        return sdk;
    }

    /** Whether {@link #install} turned traces on for {@code context}: routes that exist only for a span ask it. */
    public static boolean isInstalled(CamelContext context) {
        return context.getRegistry().lookupByName(BEAN) instanceof OpenTelemetrySdk;
    }

    /** The runtime's own tracer, for spans Camel does not make. */
    public static Tracer tracer(CamelContext context) {
        OpenTelemetry api = context.getRegistry().lookupByNameAndType(BEAN, OpenTelemetry.class);
        return (api == null ? OpenTelemetry.noop() : api).getTracer(INSTRUMENTATION);
    }

    private static OpenTelemetrySdk sdk(TracingSettings settings, DroppedSpans dropped) {
        try {
            return AutoConfiguredOpenTelemetrySdk.builder()
                    // defaults below the OTEL_* variables: traces only (this runtime's metrics are Prometheus's and
                    // its logs stay on standard error); W3C trace context alone, because the baggage propagator
                    // would pass a sender's baggage header on to Convex; and the queue size as validated
                    .addPropertiesSupplier(() -> Map.of(
                            "otel.metrics.exporter", "none",
                            "otel.logs.exporter", "none",
                            "otel.propagators", "tracecontext",
                            "otel.bsp.max.queue.size", Integer.toString(settings.maxQueueSize())))
                    .addResourceCustomizer((resource, config) -> named(resource, settings.serviceName()))
                    .addSpanExporterCustomizer((exporter, config) -> new SpanKindExporter(exporter, dropped))
                    .addMeterProviderCustomizer((builder, config) -> builder.registerMetricReader(dropped))
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
        } catch (ConfigurationException e) {
            // The SDK's message names the property (otel.traces.sampler, ...; its variable is that name upper-cased)
            // and then may echo the value, which for OTEL_EXPORTER_OTLP_HEADERS can be a credential: cut at the '='
            String message = String.valueOf(e.getMessage()).split("=", 2)[0];
            throw new InvalidSettingException("OTEL_*", "was refused by the OpenTelemetry SDK: " + message);
        }
    }

    /** OTEL_SERVICE_NAME's default: the SDK's own would be unknown_service:java. */
    private static Resource named(Resource resource, String serviceName) {
        String current = resource.getAttribute(SERVICE_NAME);
        if (current == null || current.startsWith("unknown_service")) {
            return resource.merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName)));
        }
        return resource;
    }
}
