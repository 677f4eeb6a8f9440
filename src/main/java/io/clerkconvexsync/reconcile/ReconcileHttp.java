package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.admin.AdminHttp;
import io.clerkconvexsync.config.InvalidSettingException;
import io.clerkconvexsync.intake.ClerkEventParser;
import org.apache.camel.Exchange;

import java.util.Map;
import java.util.Optional;

/** {@code POST /reconcile} and {@code GET /reconcile} on the admin API, over the same {@link Reconciler} as the CLI. */
public final class ReconcileHttp {
    private final Reconciler reconciler;

    public ReconcileHttp(Reconciler reconciler) {
        this.reconciler = reconciler;
    }

    /** POST starts a pass (202 with its id; 409 while one runs), GET shows the current or last one. */
    public void handle(Exchange exchange) {
        if ("POST".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))) {
            start(exchange);
        } else {
            show(exchange);
        }
    }

    private void start(Exchange exchange) {
        Map<String, String> query = AdminHttp.query(exchange);
        ReconcileOptions options = new ReconcileOptions(flag(query, "dryRun"), flag(query, "noDelete"),
                flag(query, "allowMassDelete"), reconciler.settings().kinds());
        try {
            ReconcilePass pass = reconciler.start(options);
            AdminHttp.answer(exchange, 202, ClerkEventParser.JSON.createObjectNode().put("id", pass.id())
                    .put("state", "running").put("status", "GET /reconcile"));
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
        AdminHttp.answer(exchange, pass.isPresent() ? 200 : 404, pass.isPresent() ? pass.get().toJson()
                : AdminHttp.error("no reconcile pass has run on this instance since it started"));
    }

    private static boolean flag(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null) {
            return false;
        }
        if (value.isEmpty() || "true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw new IllegalArgumentException(name + " must be true or false");
    }
}
