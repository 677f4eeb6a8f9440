package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.admin.AdminHttp;
import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.config.ReconcileKind;
import io.clerkconvexsync.event.ClerkEventParser;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code POST /reconcile} and {@code GET /reconcile} on the admin API, over the same {@link Reconciler} as the CLI. */
public final class ReconcileHttp {
    /** The query parameters POST /reconcile understands; any other is refused rather than ignored. */
    static final List<String> PARAMETERS = List.of("dryRun", "noDelete", "allowMassDelete", "kinds");

    private final Reconciler reconciler;

    public ReconcileHttp(Reconciler reconciler) {
        this.reconciler = reconciler;
    }

    /** POST starts a pass (202 with its id and options; 409 while one runs), GET shows the current or last one. */
    public void handle(Exchange exchange) {
        if ("POST".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))) {
            start(exchange);
        } else {
            AdminHttp.noParameters(exchange);
            show(exchange);
        }
    }

    private void start(Exchange exchange) {
        ReconcileOptions options = options(AdminHttp.query(exchange), reconciler.settings().kinds());
        try {
            ReconcilePass pass = reconciler.start(options);
            ObjectNode body = ClerkEventParser.JSON.createObjectNode().put("id", pass.id())
                    .put("state", "running").put("status", "GET /reconcile");
            body.set("options", json(pass.options()));
            AdminHttp.answer(exchange, 202, body);
        } catch (Reconciler.Busy busy) {
            var body = AdminHttp.error(busy.getMessage());
            busy.runningId().ifPresent(id -> body.put("id", id));
            AdminHttp.answer(exchange, 409, body);
        } catch (InvalidSettingException e) {
            AdminHttp.answer(exchange, 503, AdminHttp.error(e.getMessage()));
        }
    }

    private void show(Exchange exchange) {
        Optional<ReconcilePass> pass = reconciler.latest();
        if (pass.isEmpty()) {
            AdminHttp.answer(exchange, 404, AdminHttp.error("no reconcile pass has run on this instance since it started"));
            return;
        }
        ObjectNode body = pass.get().toJson();
        body.set("options", json(pass.get().options()));
        AdminHttp.answer(exchange, 200, body);
    }

    /**
     * The options of one pass from the query string. An unknown parameter ({@code dryrun} for {@code dryRun}) is
     * refused, naming it: ignored, it would have run a real pass where a dry run was meant.
     *
     * @throws IllegalArgumentException (answered 400) for an unknown parameter or a malformed value
     */
    static ReconcileOptions options(Map<String, String> query, Set<ReconcileKind> configuredKinds) {
        List<String> unknown = query.keySet().stream().filter(name -> !PARAMETERS.contains(name)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (known: " + String.join(", ", PARAMETERS) + ")");
        }
        Set<ReconcileKind> kinds = configuredKinds;
        if (query.containsKey("kinds")) {
            try {
                kinds = ReconcileKind.parse(query.get("kinds"), "kinds");
            } catch (InvalidSettingException e) {
                throw new IllegalArgumentException("kinds must be a comma-separated list of "
                        + ReconcileKind.names(EnumSet.allOf(ReconcileKind.class)));
            }
        }
        return new ReconcileOptions(flag(query, "dryRun"), flag(query, "noDelete"), flag(query, "allowMassDelete"), kinds);
    }

    /** What a pass runs with, as the 202 and GET /reconcile echo it. */
    static ObjectNode json(ReconcileOptions options) {
        ObjectNode node = ClerkEventParser.JSON.createObjectNode()
                .put("dryRun", options.dryRun())
                .put("noDelete", options.noDelete())
                .put("allowMassDelete", options.allowMassDelete());
        var kinds = node.putArray("kinds");
        for (ReconcileKind kind : ReconcileKind.values()) {
            if (options.kinds().contains(kind)) {
                kinds.add(kind.wireName());
            }
        }
        return node;
    }

    private static boolean flag(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null) {
            return false;
        }
        // as the README writes them: TRUE or yes would be a guess
        if (value.isEmpty() || "true".equals(value)) {
            return true;
        }
        if ("false".equals(value)) {
            return false;
        }
        throw new IllegalArgumentException(name + " must be true or false (or the name alone, meaning true)");
    }
}
