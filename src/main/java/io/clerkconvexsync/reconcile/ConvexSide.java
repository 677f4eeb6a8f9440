package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.ErrorHandling;
import com.fasterxml.jackson.databind.JsonNode;
import io.clerkconvexsync.RawJson;
import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.delivery.ConvexCall;
import io.clerkconvexsync.delivery.ConvexDeliveryRoute;
import io.clerkconvexsync.delivery.ConvexFailure;
import io.clerkconvexsync.intake.ClerkEventParser;
import io.clerkconvexsync.reconcile.ReconciledKind.StoredItem;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Convex's side of a pass, through the runtime's one Convex delivery step ({@link ConvexDeliveryRoute#REQUEST_ENDPOINT}):
 * same HTTP client, deploy key, answer classification and redelivery as a webhook's delivery.
 */
final class ConvexSide {
    /** Convex's error text kept per refused item, at most: enough to read the validator's complaint. */
    private static final int MAX_MESSAGE = 500;

    private final ProducerTemplate template;
    private final ReconcileSettings settings;
    private final AtomicLong calls = new AtomicLong();

    ConvexSide(ProducerTemplate template, ReconcileSettings settings) {
        this.template = template;
        this.settings = settings;
    }

    /** One page of the ids Convex holds of a kind. */
    record IdPage(List<StoredItem> items, boolean done, String cursor) {
    }

    /** Convex refused a batch for good (a function error, 400, 422): the same batch would be refused again. */
    static final class Refused extends RuntimeException {
        private final String convexMessage;

        Refused(String message, String convexMessage) {
            super(message, null, false, false);
            this.convexMessage = convexMessage;
        }

        /** Convex's own error text, shortened: it can quote the item, so it goes to the summary, not to logs. */
        String convexMessage() {
            return convexMessage;
        }
    }

    /** {@code <kind>:upsertManyFromClerk {"<argument>":[…]}}, each object byte for byte as Clerk listed it. */
    static ConvexCall upsertCall(String function, String argument, List<ClerkObject> objects) {
        ByteArrayOutputStream array = new ByteArrayOutputStream(objects.size() * 2048);
        array.write('[');
        for (int i = 0; i < objects.size(); i++) {
            if (i > 0) {
                array.write(',');
            }
            objects.get(i).json().writeTo(array);
        }
        array.write(']');
        byte[] bytes = array.toByteArray();
        return new ConvexCall(function, RawJson.object(argument, RawJson.slice(bytes, 0, bytes.length)));
    }

    /** {@code <kind>:pageExternalIds {"paginationOpts":{"numItems":n,"cursor":c|null}}} */
    static ConvexCall pageCall(String function, int numItems, String cursor) {
        String json = "{\"numItems\":" + numItems + ",\"cursor\":" + (cursor == null ? "null" : RawJson.string(cursor)) + "}";
        return ConvexCall.ofQuery(function, RawJson.object("paginationOpts", RawJson.of(json)));
    }

    /**
     * Convex's counts for one batch.
     *
     * @throws Refused when Convex refuses this batch for good (but the function exists: a missing one ends the pass)
     */
    JsonNode upsert(ReconciledKind kind, List<ClerkObject> objects) {
        return call(upsertCall(kind.upsertFunction(), kind.argument(), objects), kind, true);
    }

    /**
     * Users and organizations come as their Clerk ids; memberships as {@code {id, organizationId, userId}},
     * invitations as {@code {id, organizationId}}, subscription items as {@code {id, status, userId?, organizationId?}}.
     */
    IdPage page(ReconciledKind kind, String cursor) {
        JsonNode value = call(pageCall(kind.pageFunction(), settings.convexPageSize(), cursor), kind, false);
        List<StoredItem> items = new ArrayList<>();
        for (JsonNode item : value.path("page")) {
            items.add(item.isObject()
                    ? new StoredItem(item.path("id").asText(), text(item, "organizationId"), text(item, "userId"),
                            text(item, "status"))
                    : new StoredItem(item.asText(), null, null));
        }
        return new IdPage(items, value.path("isDone").asBoolean(true), value.path("continueCursor").asText(null));
    }

    /** A field of a page entry; null when absent, null or empty (an item with no organization). */
    private static String text(JsonNode item, String field) {
        JsonNode value = item.get(field);
        return value == null || !value.isTextual() || value.asText().isEmpty() ? null : value.asText();
    }

    /** The same call as the kind's deletion webhook makes (for plans, the archive function). */
    void delete(ReconciledKind kind, StoredItem item) {
        call(kind.deleteCall(item), kind, false);
    }

    long calls() {
        return calls.get();
    }

    /** Convex's {@code value} of a successful call; a failure that redelivery did not cure ends the pass. */
    private JsonNode call(ConvexCall call, ReconciledKind kind, boolean refusalIsTheBatchs) {
        calls.incrementAndGet();
        byte[] reply;
        try {
            reply = template.requestBody(ConvexDeliveryRoute.REQUEST_ENDPOINT, call, byte[].class);
        } catch (CamelExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ConvexFailure.MissingFunction missing) {
                throw new ReconcileException(missing.getMessage());
            }
            if (cause instanceof ConvexFailure.Permanent failure) {
                if (refusalIsTheBatchs) {
                    throw new Refused(failure.getMessage(), shorten(failure.detail() == null ? "" : failure.detail()));
                }
                // Convex's error text may quote user data: not repeated here; the function's logs in Convex have it
                throw new ReconcileException(failure.getMessage() + ": check that the Convex functions are deployed "
                        + "(a pass over " + kind.name() + " needs " + kind.upsertFunction() + ", " + kind.pageFunction()
                        + (kind.deleteFunction() == null ? "" : " and " + kind.deleteFunction())
                        + ") and read the function's error in the Convex dashboard's logs");
            }
            if (cause instanceof ConvexFailure failure) {
                throw new ReconcileException(failure.getMessage());
            }
            throw new ReconcileException("Convex call " + call.function() + " failed: " + ErrorHandling.describe(cause));
        }
        try {
            return ClerkEventParser.JSON.readTree(reply).path("value");
        } catch (IOException e) {
            throw new ReconcileException("Convex's answer to " + call.function() + " could not be read");
        }
    }

    private static String shorten(String detail) {
        String oneLine = detail.replaceFirst("^\\[Request ID: [^\\]]*\\] Server Error\\s*", "").strip();
        return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE) + "…";
    }
}
