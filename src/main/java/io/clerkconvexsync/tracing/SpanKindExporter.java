package io.clerkconvexsync.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Around the configured exporter, on the batch processor's own thread (never a webhook's):
 * <ul>
 *   <li>gives the HTTP spans their kind. camel-opentelemetry2 4.18 starts every span INTERNAL (kinds came in a later
 *       Camel) and a span's kind cannot change once started, so it is set here, from the tags Camel put on the span:
 *       the request the webhook listener received is SERVER, a call to Convex or Clerk is CLIENT. Backends draw
 *       their service graphs from these kinds;</li>
 *   <li>counts the spans of a batch that could not be exported (see {@link DroppedSpans}).</li>
 * </ul>
 */
final class SpanKindExporter implements SpanExporter {
    private static final AttributeKey<String> COMPONENT = AttributeKey.stringKey("component");
    private static final AttributeKey<String> OP = AttributeKey.stringKey("op");

    private final SpanExporter delegate;
    private final DroppedSpans dropped;

    SpanKindExporter(SpanExporter delegate, DroppedSpans dropped) {
        this.delegate = delegate;
        this.dropped = dropped;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        List<SpanData> kinded = new ArrayList<>(spans.size());
        for (SpanData span : spans) {
            SpanKind kind = kindOf(span);
            kinded.add(kind == span.getKind() ? span : new DelegatingSpanData(span) {
                @Override
                public SpanKind getKind() {
                    return kind;
                }
            });
        }
        CompletableResultCode result = delegate.export(kinded);
        result.whenComplete(() -> {
            if (!result.isSuccess()) {
                dropped.exportFailed(kinded.size());
            }
        });
        return result;
    }

    static SpanKind kindOf(SpanData span) {
        String component = span.getAttributes().get(COMPONENT);
        String op = span.getAttributes().get(OP);
        if (component == null || op == null || span.getKind() != SpanKind.INTERNAL) {
            return span.getKind();
        }
        if (component.equals("camel-platform-http") && op.equals("EVENT_RECEIVED")) {
            return SpanKind.SERVER;
        }
        if ((component.equals("camel-http") || component.equals("camel-https")) && op.equals("EVENT_SENT")) {
            return SpanKind.CLIENT;
        }
        return span.getKind();
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
