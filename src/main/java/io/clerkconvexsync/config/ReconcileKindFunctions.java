package io.clerkconvexsync.config;

import java.util.Optional;
import java.util.function.Function;

/**
 * The Convex functions a pass calls for roles, invitations, plans and subscription items (the Convex package's
 * roles.ts, invitations.ts, plans.ts and subscriptionItems.ts), one setting each, read and checked with the rest of
 * {@link ReconcileSettings}.
 */
public record ReconcileKindFunctions(
        String roleUpsertMany, String rolePage, String roleDelete,
        String invitationUpsertMany, String invitationPage, String invitationDelete,
        String planUpsertMany, String planPage, String planArchive,
        String subscriptionItemUpsertMany, String subscriptionItemPage) {

    static ReconcileKindFunctions load(Function<String, Optional<String>> lookup) {
        SettingsReader r = new SettingsReader(lookup);
        return new ReconcileKindFunctions(
                r.required("reconcile.role-upsert-many-function", null),
                r.required("reconcile.role-page-function", null),
                // the role.deleted webhook's own function: one setting, whichever way Clerk's deletion arrives
                r.required("convex.role-delete-function", "CONVEX_ROLE_DELETE_FUNCTION"),
                r.required("reconcile.invitation-upsert-many-function", null),
                r.required("reconcile.invitation-page-function", null),
                r.required("reconcile.invitation-delete-function", null),
                r.required("reconcile.plan-upsert-many-function", null),
                r.required("reconcile.plan-page-function", null),
                r.required("reconcile.plan-archive-function", null),
                r.required("reconcile.subscription-item-upsert-many-function", null),
                r.required("reconcile.subscription-item-page-function", null));
    }
}
