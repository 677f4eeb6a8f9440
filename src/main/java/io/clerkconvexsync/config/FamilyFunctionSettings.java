package io.clerkconvexsync.config;

import java.util.Optional;
import java.util.function.Function;

/**
 * The Convex function paths of the role, billing and invitation event families (issue 24), each overridable by its
 * environment variable. Kept beside {@link SyncSettings} rather than in it: these families came later, and this way
 * the webhook and Convex settings record keeps its shape.
 */
public record FamilyFunctionSettings(
        String roleUpsertFunction,
        String roleDeleteFunction,
        String permissionDeleteFunction,
        String subscriptionUpsertFunction,
        String subscriptionItemUpsertFunction,
        String invitationUpsertFunction) {

    /**
     * Reads and checks every path.
     *
     * @throws InvalidSettingException naming the environment variable of the first path that is empty
     */
    public static FamilyFunctionSettings load(Function<String, Optional<String>> lookup) {
        SettingsReader r = new SettingsReader(lookup);
        return new FamilyFunctionSettings(
                r.required("convex.role-upsert-function", "CONVEX_ROLE_UPSERT_FUNCTION"),
                r.required("convex.role-delete-function", "CONVEX_ROLE_DELETE_FUNCTION"),
                r.required("convex.permission-delete-function", "CONVEX_PERMISSION_DELETE_FUNCTION"),
                r.required("convex.subscription-upsert-function", "CONVEX_SUBSCRIPTION_UPSERT_FUNCTION"),
                r.required("convex.subscription-item-upsert-function", "CONVEX_SUBSCRIPTION_ITEM_UPSERT_FUNCTION"),
                r.required("convex.invitation-upsert-function", "CONVEX_INVITATION_UPSERT_FUNCTION"));
    }
}
