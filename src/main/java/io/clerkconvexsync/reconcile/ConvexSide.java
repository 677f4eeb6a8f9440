package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.delivery.ConvexCall;
import io.clerkconvexsync.delivery.ConvexDeliveryRoute;
import io.clerkconvexsync.delivery.ConvexFailure;
import io.clerkconvexsync.delivery.ConvexResponseClassifier;
import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.event.RawJson;
import io.clerkconvexsync.reconcile.ReconciledKind.StoredItem;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Convex's side of a pass, through the runtime's one Convex delivery step ({@link ConvexDeliveryRoute#REQUEST_ENDPOINT}):
 * same HTTP client, deploy key and answer classification as a webhook's delivery, with the pass's own wait for an
 * answer. Trying again is the pass's: a call Convex leaves unanswered is repeated later here when it can be repeated
 * as it is, and a batch is sent again smaller by the pass. Written as a loop, not a redelivery policy, because a batch
 * is split between attempts.
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

    /**
     * Convex refused a batch or a deletion for good (a function error, 400, 422): the same call would be refused
     * again.
     */
    static final class Refused extends RuntimeException {
        private final String convexMessage;
        private final String hook;

        Refused(String message, String convexMessage, String hook) {
            super(message, null, false, false);
            this.convexMessage = convexMessage;
            this.hook = hook;
        }

        /** Convex's own error text, shortened: it can quote the item, so it goes to the summary, not to logs. */
        String convexMessage() {
            return convexMessage;
        }

        /**
         * The app's hook that threw, as the Convex package names it in its ConvexError's data
         * ({@code {"code":"HookFailed","hook":"organization.deleted",…}}); null when the refusal was not a hook's.
         */
        String hook() {
            return hook;
        }
    }

    /**
     * Convex left a call unanswered within {@code reconcile.convex-timeout-ms}, or stayed unavailable (429, 5xx, I/O)
     * through the delivery step's redeliveries: the same call may well succeed a little later.
     */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
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
     * Convex's counts for one batch, from one attempt: the pass decides how to send it again.
     *
     * @throws Refused when Convex refuses this batch for good (but the function exists: a missing one ends the pass)
     * @throws Unavailable when Convex did not answer it in time, or was unavailable
     */
    JsonNode upsert(ReconciledKind kind, List<ClerkObject> objects) {
        return call(upsertCall(kind.upsertFunction(), kind.argument(), objects), kind, true, false);
    }

    /**
     * Users and organizations come as their Clerk ids; memberships as {@code {id, organizationId, userId}},
     * invitations as {@code {id, organizationId}}, subscription items as {@code {id, status, userId?, organizationId?}}.
     */
    IdPage page(ReconciledKind kind, String cursor) {
        return page(kind, cursor, false);
    }

    /** As {@link #page}, or null when the deployment has no such function (an app without that kind). */
    IdPage pageIfDeployed(ReconciledKind kind, String cursor) {
        return page(kind, cursor, true);
    }

    private IdPage page(ReconciledKind kind, String cursor, boolean missingIsNone) {
        ConvexCall call = pageCall(kind.pageFunction(), settings.convexPageSize(), cursor);
        JsonNode value = patiently(call, () -> call(call, kind, false, missingIsNone));
        if (value == null) {
            return null;
        }
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

    /**
     * The same call as the kind's deletion webhook makes (for plans, the archive function); Convex's answer
     * ({@code "deleted"}, {@code "absent"}; for an archive {@code "archived"}, {@code "unchanged"}).
     *
     * @throws Refused when Convex refuses this deletion for good (the app's hook threw, say)
     */
    JsonNode delete(ReconciledKind kind, StoredItem item) {
        ConvexCall call = kind.deleteCall(item);
        return patiently(call, () -> call(call, kind, true, false)); // deleting again what is gone answers "absent"
    }

    /**
     * One call that may be repeated as it is (a query, a deletion), tried again later when Convex leaves it
     * unanswered, up to {@code reconcile.convex-attempts} times in all.
     */
    private JsonNode patiently(ConvexCall call, Supplier<JsonNode> attempt) {
        for (int n = 1; ; n++) {
            try {
                return attempt.get();
            } catch (Unavailable unavailable) {
                if (n >= settings.convexAttempts()) {
                    throw gaveUp(call.function(), n, unavailable);
                }
                pauseBefore(n + 1);
            }
        }
    }

    /** Waits before attempt {@code n} (2 or more) of a call: {@code reconcile.convex-retry-delay-ms}, doubling. */
    void pauseBefore(int n) {
        try {
            Thread.sleep(settings.convexRetryDelay().toMillis() << Math.min(n - 2, 16));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReconcileException("interrupted while waiting to call Convex again");
        }
    }

    /** The reason a pass ends when Convex stayed unavailable for one call through every attempt. */
    ReconcileException gaveUp(String function, int attempts, Unavailable last) {
        return new ReconcileException(last.getMessage() + ", for " + function + " after " + attempts + " attempt(s) "
                + "(reconcile.convex-attempts): Convex is down or overloaded; when it is only slow, raise "
                + ReconcileSettings.CONVEX_TIMEOUT + " (" + settings.convexTimeout().toMillis()
                + ") or lower reconcile.concurrent-batches");
    }

    long calls() {
        return calls.get();
    }

    /**
     * Convex's {@code value} of a successful call; a failure ends the pass, unless it is a refusal of the items this
     * call carries ({@code refusalIsTheItems}: an upsert's batch, one deletion), Convex being unavailable (the caller
     * tries again), or a missing function the caller can do without ({@code missingIsNone}: null then).
     */
    private JsonNode call(ConvexCall call, ReconciledKind kind, boolean refusalIsTheItems, boolean missingIsNone) {
        calls.incrementAndGet();
        byte[] reply;
        try {
            reply = template.requestBody(ConvexDeliveryRoute.REQUEST_ENDPOINT, call, byte[].class);
        } catch (CamelExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ConvexFailure.MissingFunction missing) {
                if (missingIsNone) {
                    return null;
                }
                throw new ReconcileException(missing.getMessage());
            }
            if (cause instanceof ConvexFailure.Permanent failure) {
                if (refusalIsTheItems) {
                    throw new Refused(failure.getMessage(), shorten(failure.detail() == null ? "" : failure.detail()),
                            hook(failure.detail()));
                }
                // Convex's error text may quote user data: not repeated here; the function's logs in Convex have it
                throw new ReconcileException(failure.getMessage() + " while the pass read the " + kind.name()
                        + " Convex holds: read the function's error in the Convex dashboard's logs");
            }
            if (cause instanceof ConvexFailure.Transient failure) {
                throw new Unavailable(failure.getMessage());
            }
            if (cause instanceof ConvexFailure failure) {
                throw new ReconcileException(failure.getMessage());
            }
            if (cause instanceof IOException) { // no answer in time, or the connection failed
                throw new Unavailable("Convex did not answer " + call.function() + ": " + ConvexFailure.describe(cause));
            }
            throw new ReconcileException("Convex call " + call.function() + " failed: " + ConvexFailure.describe(cause));
        }
        try {
            return ClerkEventParser.JSON.readTree(reply).path("value");
        } catch (IOException e) {
            throw new ReconcileException("Convex's answer to " + call.function() + " could not be read");
        }
    }

    /** The hook named by a ConvexError's data {@code {"code":"HookFailed","hook":…}}, or null. */
    private static String hook(String detail) {
        JsonNode data = ConvexResponseClassifier.errorData(detail);
        JsonNode hook = data == null ? null : data.get("hook");
        return hook != null && hook.isTextual() && "HookFailed".equals(data.path("code").asText()) ? hook.asText() : null;
    }

    private static String shorten(String detail) {
        String oneLine = detail.replaceFirst("^\\[Request ID: [^\\]]*\\] Server Error\\s*", "").strip();
        return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE) + "…";
    }
}
