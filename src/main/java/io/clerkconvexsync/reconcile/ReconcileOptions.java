package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.config.ReconcileKind;
import io.clerkconvexsync.config.ReconcileSettings;

import java.util.Set;

/**
 * How one pass runs: {@code dryRun} reads Clerk and Convex and reports, but writes nothing; {@code noDelete} skips the
 * deletion sweep; {@code allowMassDelete} lifts the deletion safety limits for this pass only; {@code kinds} says
 * what the pass makes equal to Clerk, run in {@link ReconcileKind}'s order.
 */
public record ReconcileOptions(boolean dryRun, boolean noDelete, boolean allowMassDelete, Set<ReconcileKind> kinds) {

    public ReconcileOptions {
        kinds = Set.copyOf(kinds);
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("a reconcile pass needs at least one kind");
        }
    }

    /** A pass with the configured kinds and no options, as the schedule runs it. */
    public static ReconcileOptions defaults(ReconcileSettings settings) {
        return new ReconcileOptions(false, false, false, settings.kinds());
    }

    /** The CLI flag that lifts the deletion safety limits for one pass. */
    public static final String OVERRIDE_FLAG = "--allow-mass-delete";
}
