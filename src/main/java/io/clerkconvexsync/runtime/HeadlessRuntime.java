package io.clerkconvexsync.runtime;

import io.clerkconvexsync.config.ExtensionRouteSettings;
import org.apache.camel.main.Main;

import java.util.Map;

/**
 * The runtime's Camel context for a command-line tool (dead-letter replay, reconcile): the same beans, delivery
 * step and database, without what must run in one place only. By route id: the webhook listener, the admin API
 * (its beans may exist when ADMIN_TOKEN is in the environment; an empty override does not replace an {{env:...}}
 * value), the retention sweep and the reconcile schedule (the running instances' work) are not started here.
 */
public final class HeadlessRuntime {
    private HeadlessRuntime() {
    }

    /** A started runtime without listeners or schedule; stop it when done. */
    public static Main start() throws Exception {
        return start(true);
    }

    /**
     * As {@link #start()}; without {@code extensionRoutes} the extension routes (YAML) are not loaded (a reconcile
     * pass calls Convex directly, and loading the YAML DSL is most of a second of CPU at startup).
     */
    public static Main start(boolean extensionRoutes) throws Exception {
        return start(extensionRoutes, Map.of());
    }

    /** As {@link #start(boolean)}, with these settings overridden for this command alone. */
    public static Main start(boolean extensionRoutes, Map<String, String> overrides) throws Exception {
        Main main = RuntimeMain.create();
        overrides.forEach(main::addOverrideProperty);
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("camel.main.route-filter-exclude-pattern", "clerk-webhook,admin-*,storage-retention,reconcile-schedule");
        if (!extensionRoutes) {
            main.addOverrideProperty(ExtensionRouteSettings.ENABLED, "false");
        }
        main.start();
        return main;
    }
}
