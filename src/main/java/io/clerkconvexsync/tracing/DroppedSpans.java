package io.clerkconvexsync.tracing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

/**
 * Spans lost on the way to the collector, as the Micrometer counter {@code tracing_spans_dropped_total}:
 * <ul>
 *   <li>{@code reason="queue_full"}: the batch processor's queue was full (collector down or slow), read from the
 *       SDK's own {@code processedSpans{dropped=true}} through this metric reader, when Prometheus scrapes;</li>
 *   <li>{@code reason="export_failed"}: a batch the exporter could not deliver (refused, timed out), counted by
 *       {@link SpanKindExporter}.</li>
 * </ul>
 * The SDK keeps its metrics to itself unless a reader is registered, and there is no bridge to Micrometer in this
 * stack; a pull reader of a dozen lines is that bridge.
 */
final class DroppedSpans implements MetricReader {
    static final String METER = "tracing.spans.dropped";
    /** The batch span processor's counter (the SDK's "legacy" internal telemetry, its default in 1.59). */
    private static final String SDK_COUNTER = "processedSpans";
    private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");

    private volatile CollectionRegistration registration = CollectionRegistration.noop();
    private final Counter exportFailed;

    DroppedSpans(MeterRegistry meters) {
        FunctionCounter.builder(METER, this, DroppedSpans::queueFull)
                .description("Spans dropped before reaching the collector").tag("reason", "queue_full").register(meters);
        exportFailed = Counter.builder(METER).description("Spans dropped before reaching the collector")
                .tag("reason", "export_failed").register(meters);
    }

    void exportFailed(int spans) {
        exportFailed.increment(spans);
    }

    /** Spans the batch processor refused because its queue was full, since start. */
    double queueFull() {
        double total = 0;
        for (MetricData metric : registration.collectAllMetrics()) {
            if (SDK_COUNTER.equals(metric.getName()) && metric.getType() == MetricDataType.LONG_SUM) {
                for (LongPointData point : metric.getLongSumData().getPoints()) {
                    if (Boolean.TRUE.equals(point.getAttributes().get(DROPPED))) {
                        total += point.getValue();
                    }
                }
            }
        }
        return total;
    }

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        registration = CollectionRegistration.noop();
        return CompletableResultCode.ofSuccess();
    }
}
