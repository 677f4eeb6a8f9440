package io.clerkconvexsync.reconcile;

/**
 * How one pass runs: {@code dryRun} reads Clerk and Convex and reports, but writes nothing; {@code noDelete} skips the
 * deletion sweep; {@code allowMassDelete} lifts the deletion safety limits for this pass only.
 */
public record ReconcileOptions(boolean dryRun, boolean noDelete, boolean allowMassDelete) {
    public static final ReconcileOptions DEFAULT = new ReconcileOptions(false, false, false);

    /** The CLI flag that lifts the deletion safety limits for one pass. */
    public static final String OVERRIDE_FLAG = "--allow-mass-delete";
}
