package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.ErrorHandling;
import com.fasterxml.jackson.databind.JsonNode;
import io.clerkconvexsync.RawJson;
import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.delivery.ConvexCall;
import io.clerkconvexsync.delivery.ConvexDeliveryRoute;
import io.clerkconvexsync.delivery.ConvexFailure;
import io.clerkconvexsync.intake.ClerkEventParser;
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
final class ConvexUsers {
    private final ProducerTemplate template;
    private final ReconcileSettings settings;
    private final SyncSettings sync;
    private final AtomicLong calls = new AtomicLong();

    ConvexUsers(ProducerTemplate template, ReconcileSettings settings, SyncSettings sync) {
        this.template = template;
        this.settings = settings;
        this.sync = sync;
    }

    /** One page of Convex's users' external ids. */
    record IdPage(List<String> ids, boolean done, String cursor) {
    }

    /** {@code users:upsertManyFromClerk {"users":[…]}}, each user byte for byte as Clerk listed it. */
    static ConvexCall upsertCall(String function, List<ListedUser> users) {
        ByteArrayOutputStream array = new ByteArrayOutputStream(users.size() * 2048);
        array.write('[');
        for (int i = 0; i < users.size(); i++) {
            if (i > 0) {
                array.write(',');
            }
            users.get(i).json().writeTo(array);
        }
        array.write(']');
        byte[] bytes = array.toByteArray();
        return new ConvexCall(function, RawJson.object("users", RawJson.slice(bytes, 0, bytes.length)));
    }

    /** {@code users:pageExternalIds {"paginationOpts":{"numItems":n,"cursor":c|null}}} */
    static ConvexCall pageCall(String function, int numItems, String cursor) {
        String json = "{\"numItems\":" + numItems + ",\"cursor\":" + (cursor == null ? "null" : RawJson.string(cursor)) + "}";
        return ConvexCall.ofQuery(function, RawJson.object("paginationOpts", RawJson.of(json)));
    }

    JsonNode upsert(List<ListedUser> users) {
        return call(upsertCall(settings.upsertManyFunction(), users));
    }

    IdPage page(String cursor) {
        JsonNode value = call(pageCall(settings.pageFunction(), settings.convexPageSize(), cursor));
        List<String> ids = new ArrayList<>();
        value.path("page").forEach(id -> ids.add(id.asText()));
        return new IdPage(ids, value.path("isDone").asBoolean(true), value.path("continueCursor").asText(null));
    }

    /** The same call as a {@code user.deleted} webhook makes. */
    void delete(String id) {
        call(ConvexCall.wrap(sync.deleteFunction(), sync.deleteArgument(), RawJson.string(id)));
    }

    long calls() {
        return calls.get();
    }

    /** Convex's {@code value} of a successful call; a failure that redelivery did not cure ends the pass. */
    private JsonNode call(ConvexCall call) {
        calls.incrementAndGet();
        byte[] reply;
        try {
            reply = template.requestBody(ConvexDeliveryRoute.REQUEST_ENDPOINT, call, byte[].class);
        } catch (CamelExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ConvexFailure.Permanent failure) {
                // Convex's error text may quote user data: not repeated here; the function's logs in Convex have it
                throw new ReconcileException(failure.getMessage() + ": check that the functions of convex/ are deployed "
                        + "(a pass needs " + settings.upsertManyFunction() + " and " + settings.pageFunction()
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
}
