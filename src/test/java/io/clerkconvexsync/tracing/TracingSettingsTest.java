package io.clerkconvexsync.tracing;

import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.support.ShippedProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TracingSettingsTest {

    private static TracingSettings load(Map<String, String> p) {
        return TracingSettings.load(key -> Optional.ofNullable(p.get(key)));
    }

    @Test
    void offUntilAnEndpointOrAnExporterIsNamed() {
        TracingSettings shipped = load(ShippedProperties.values());
        assertFalse(shipped.enabled(), "as shipped, tracing is off");
        assertEquals("clerk-convex-sync", shipped.serviceName());
        assertEquals(2048, shipped.maxQueueSize());

        Map<String, String> endpoint = ShippedProperties.values();
        endpoint.put("tracing.otlp-endpoint", "http://otel-collector:4318");
        assertTrue(load(endpoint).enabled(), "OTEL_EXPORTER_OTLP_ENDPOINT turns it on");

        Map<String, String> traces = ShippedProperties.values();
        traces.put("tracing.otlp-traces-endpoint", "https://tempo.example.com:4318/v1/traces");
        assertTrue(load(traces).enabled(), "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT turns it on");

        Map<String, String> exporter = ShippedProperties.values();
        exporter.put("tracing.traces-exporter", "OTLP");
        assertTrue(load(exporter).enabled(), "OTEL_TRACES_EXPORTER=otlp turns it on (default endpoint)");

        Map<String, String> none = ShippedProperties.values();
        none.put("tracing.otlp-endpoint", "http://otel-collector:4318");
        none.put("tracing.traces-exporter", "none");
        assertFalse(load(none).enabled(), "OTEL_TRACES_EXPORTER=none keeps it off");

        Map<String, String> disabled = ShippedProperties.values();
        disabled.put("tracing.otlp-endpoint", "http://otel-collector:4318");
        disabled.put("tracing.sdk-disabled", "true");
        assertFalse(load(disabled).enabled(), "OTEL_SDK_DISABLED=true keeps it off");
    }

    @Test
    void refusesMalformedValuesNamingTheVariableNeverTheValue() {
        Map<String, String> userInfo = ShippedProperties.values();
        userInfo.put("tracing.otlp-endpoint", "http://user:s3cret@collector:4318");
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> load(userInfo));
        assertTrue(e.getMessage().contains("OTEL_EXPORTER_OTLP_ENDPOINT"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), "the value is not echoed: " + e.getMessage());

        Map<String, String> scheme = ShippedProperties.values();
        scheme.put("tracing.otlp-traces-endpoint", "collector:4317");
        assertTrue(assertThrows(InvalidSettingException.class, () -> load(scheme)).getMessage()
                .contains("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));

        Map<String, String> exporter = ShippedProperties.values();
        exporter.put("tracing.traces-exporter", "zipkin");
        assertTrue(assertThrows(InvalidSettingException.class, () -> load(exporter)).getMessage()
                .contains("OTEL_TRACES_EXPORTER"));

        Map<String, String> queue = ShippedProperties.values();
        queue.put("tracing.max-queue-size", "0");
        assertTrue(assertThrows(InvalidSettingException.class, () -> load(queue)).getMessage()
                .contains("tracing.max-queue-size"));
    }

    @Test
    void offInstallsNothingOnTheCamelContext() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            int notifiers = context.getManagementStrategy().getEventNotifiers().size();
            int policies = context.getRoutePolicyFactories().size();
            OpenTelemetry api = OpenTelemetryTracing.install(context, TracingSettings.OFF, new SimpleMeterRegistry());
            assertSame(OpenTelemetry.noop(), api);
            assertEquals(notifiers, context.getManagementStrategy().getEventNotifiers().size(), "no event notifier");
            assertEquals(policies, context.getRoutePolicyFactories().size(), "no route policy");
            assertFalse(WorkSpans.of(context).root("x").getSpanContext().isValid(), "work spans are no-ops");
        }
    }

    @Test
    void anOtelSettingTheSdkRefusesStopsStartupNamingItButNotItsValue() throws Exception {
        // autoconfigure reads system properties as it reads OTEL_* variables
        System.setProperty("otel.exporter.otlp.headers", "authorization");
        System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:4318");
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            TracingSettings on = new TracingSettings(true, "clerk-convex-sync", 16, "");
            InvalidSettingException e = assertThrows(InvalidSettingException.class,
                    () -> OpenTelemetryTracing.install(context, on, new SimpleMeterRegistry()));
            assertTrue(e.getMessage().contains("otel.exporter.otlp.headers"), e.getMessage());
            assertFalse(e.getMessage().contains("=authorization"), "the value is not echoed: " + e.getMessage());
        } finally {
            System.clearProperty("otel.exporter.otlp.headers");
            System.clearProperty("otel.exporter.otlp.endpoint");
        }
    }
}
