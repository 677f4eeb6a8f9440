package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.RawJson;
import io.clerkconvexsync.config.ReconcileKind;
import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.delivery.ConvexCall;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What one step of a pass needs to know of its kind; the step itself is the same for every kind ({@link ReconcilePass}).
 *
 * @param listingPath    Clerk's listing, read by offset in creation order
 * @param listingQuery   what the listing asks for besides limit, offset and order
 * @param lookupPath     where Clerk answers 404 for one deleted object ({@code /v1/users/}); null for memberships,
 *                       which Clerk confirms through their organization instead
 * @param upsertFunction the Convex mutation that takes a batch, as {@code {argument: [...]}}
 * @param pageFunction   the Convex query that pages through the ids Convex holds
 * @param deleteFunction the Convex mutation that deletes one item the sweep found gone from Clerk, the kind's
 *                       deletion webhook's
 * @param deleteArgs     its arguments for one item
 */
record ReconciledKind(ReconcileKind kind, String listingPath, String listingQuery, String lookupPath,
                      String upsertFunction, String argument, String pageFunction,
                      String deleteFunction, Function<StoredItem, RawJson> deleteArgs) {

    /** One item as Convex's pageExternalIds gives it: an id, and for a membership its organization and user. */
    record StoredItem(String id, String organizationId, String userId) {
    }

    String name() {
        return kind.wireName();
    }

    /**
     * Whose memberships Convex's cascade removes when an item of this kind is deleted: the field of a membership
     * (as pageExternalIds gives it) naming the item; null when its deletion removes no memberships.
     */
    Function<StoredItem, String> cascadeOwner() {
        return switch (kind) {
            case ORGANIZATIONS -> StoredItem::organizationId;
            case USERS -> StoredItem::userId;
            default -> null;
        };
    }

    ConvexCall deleteCall(StoredItem item) {
        return new ConvexCall(deleteFunction, deleteArgs.apply(item));
    }

    /** The chosen kinds, in the order a pass runs them. */
    static List<ReconciledKind> of(Set<ReconcileKind> kinds, ReconcileSettings settings, SyncSettings sync) {
        return kinds.stream().sorted().map(kind -> of(kind, settings, sync)).toList();
    }

    static ReconciledKind of(ReconcileKind kind, ReconcileSettings settings, SyncSettings sync) {
        return switch (kind) {
            case USERS -> new ReconciledKind(kind, "/v1/users", "", "/v1/users/",
                    settings.upsertManyFunction(), "users", settings.pageFunction(),
                    sync.deleteFunction(), item -> RawJson.object(sync.deleteArgument(), RawJson.string(item.id())));
            case ORGANIZATIONS -> new ReconciledKind(kind, "/v1/organizations", "&include_members_count=true",
                    "/v1/organizations/", settings.organizationUpsertManyFunction(), "organizations",
                    settings.organizationPageFunction(),
                    sync.organizationDeleteFunction(), item -> RawJson.object("organizationId", RawJson.string(item.id())));
            case MEMBERSHIPS -> new ReconciledKind(kind, "/v1/organization_memberships", "", null,
                    settings.membershipUpsertManyFunction(), "memberships", settings.membershipPageFunction(),
                    sync.membershipDeleteFunction(), item -> RawJson.object("membership", deletedMembership(item)));
        };
    }

    /**
     * memberships:deleteFromClerk takes {@code {membership: data}} as the webhook carries it. The sweep knows only
     * what pageExternalIds gave, so it sends the fields a delete reads, in Clerk's shape: the membership's id, its
     * {@code organization.id} and {@code public_user_data.user_id}.
     */
    static RawJson deletedMembership(StoredItem item) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        out.writeBytes("{\"object\":\"organization_membership\",\"id\":".getBytes());
        RawJson.writeString(out, item.id());
        out.writeBytes(",\"organization\":{\"id\":".getBytes());
        RawJson.writeString(out, item.organizationId());
        out.writeBytes("},\"public_user_data\":{\"user_id\":".getBytes());
        RawJson.writeString(out, item.userId());
        out.writeBytes("}}".getBytes());
        byte[] json = out.toByteArray();
        return RawJson.slice(json, 0, json.length);
    }
}
