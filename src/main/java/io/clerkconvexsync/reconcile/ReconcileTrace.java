package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.config.ReconcileKind;
import io.clerkconvexsync.tracing.WebhookTrace;
import io.clerkconvexsync.tracing.WorkSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * The spans of a reconcile pass (issue 26): the pass, a span per kind, and under each kind one per Clerk page read and
 * one per Convex batch sent. Counts and ids only; never an object's content.
 */
final class ReconcileTrace {
    static final AttributeKey<String> PASS_ID = AttributeKey.stringKey("clerk_convex_sync.reconcile.id");
    static final AttributeKey<String> KIND = AttributeKey.stringKey("clerk_convex_sync.reconcile.kind");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("clerk.page.offset");
    static final AttributeKey<Long> ITEMS = AttributeKey.longKey("clerk_convex_sync.items");

    private ReconcileTrace() {
    }

    static Span pass(WorkSpans spans, String id, ReconcileOptions options) {
        Span span = spans.root("reconcile pass");
        span.setAttribute(PASS_ID, id);
        span.setAttribute("clerk_convex_sync.reconcile.kinds", ReconcileKind.names(options.kinds()));
        span.setAttribute("clerk_convex_sync.reconcile.dry_run", options.dryRun());
        span.setAttribute("clerk_convex_sync.reconcile.no_delete", options.noDelete());
        return span;
    }

    static void endPass(Span span, boolean complete, String reason) {
        span.setAttribute(WebhookTrace.OUTCOME, complete ? "complete" : "incomplete");
        if (!complete) {
            // the pass's own words (a setting to fix, a count exceeded): never Convex's text, which can quote an item
            span.setStatus(StatusCode.ERROR, reason == null ? "incomplete" : reason);
        }
        span.end();
    }

    static void endKind(Span span, ReconciledKind kind, KindTally tally) {
        span.setAttribute(KIND, kind.name());
        span.setAttribute("clerk_convex_sync.reconcile.listed", tally.listed.get());
        span.setAttribute("clerk_convex_sync.reconcile.pages", tally.clerkPages.get());
        span.setAttribute("clerk_convex_sync.reconcile.upserted", tally.upsertedTotal());
        span.setAttribute("clerk_convex_sync.reconcile.refused", tally.refused.get());
        span.setAttribute("clerk_convex_sync.reconcile.deleted", tally.deleted.get());
        span.end();
    }

    /** Reading one page of Clerk's listing, on the reader thread, under the kind's span. */
    static Callable<List<ClerkObject>> clerkPage(WorkSpans spans, ReconciledKind kind, int offset,
                                                 Callable<List<ClerkObject>> read) {
        Attributes attributes = Attributes.of(KIND, kind.name(), OFFSET, (long) offset);
        return spans.inSpan("clerk page", attributes, () -> {
            List<ClerkObject> page = read.call();
            Span.current().setAttribute(ITEMS, (long) page.size());
            return page;
        });
    }

    /** Sending one batch to Convex (split in halves when Convex refuses it), on a worker, under the kind's span. */
    static Runnable convexBatch(WorkSpans spans, ReconciledKind kind, int items, Runnable send) {
        return spans.inSpan("convex batch", Attributes.of(KIND, kind.name(), ITEMS, (long) items,
                AttributeKey.stringKey(WebhookTrace.CONVEX_FUNCTION), kind.upsertFunction()), send);
    }
}
