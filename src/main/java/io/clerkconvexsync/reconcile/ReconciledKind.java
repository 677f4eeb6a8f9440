package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.config.ReconcileKind;
import io.clerkconvexsync.config.ReconcileKindFunctions;
import io.clerkconvexsync.config.ReconcileSettings;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.delivery.ConvexCall;
import io.clerkconvexsync.event.RawJson;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What one step of a pass needs to know of its kind; the step itself is the same for every kind ({@link ReconcilePass}).
 *
 * @param listingPath    Clerk's listing, read by offset
 * @param listingQuery   what the listing asks for besides limit and offset (its order, where Clerk takes one)
 * @param confirm        how an item Convex holds that the listing missed is settled ({@link Confirmation})
 * @param upsertFunction the Convex mutation that takes a batch, as {@code {argument: [...]}}
 * @param pageFunction   the Convex query that pages through the ids Convex holds
 * @param deleteFunction the Convex mutation that retires one item Clerk confirmed gone: the kind's deletion
 *                       webhook's, or for plans the archive function; null where nothing is ever retired
 * @param deleteArgs     its arguments for one item
 */
record ReconciledKind(ReconcileKind kind, String listingPath, String listingQuery, Confirmation confirm,
                      String upsertFunction, String argument, String pageFunction,
                      String deleteFunction, Function<StoredItem, RawJson> deleteArgs) {

    /** Clerk's listings that take an order: oldest first, so that objects created during the listing come last. */
    private static final String OLDEST_FIRST = "&order_by=%2Bcreated_at";
    /** The instance-wide invitation listing returns every status when asked for each (expired included). */
    private static final String EVERY_INVITATION = "&status=pending&status=accepted&status=revoked&status=expired";
    /** The subscription item statuses that grant a plan's features (canceled: until the period's end). */
    static final Set<String> ENTITLED = Set.of("active", "past_due", "canceled");

    /**
     * One item as Convex's pageExternalIds gives it: an id, for a membership its organization and user, for an
     * invitation its organization, for a subscription item its status and payer (user or organization).
     */
    record StoredItem(String id, String organizationId, String userId, String status) {
        StoredItem(String id, String organizationId, String userId) {
            this(id, organizationId, userId, null);
        }
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
        ReconcileKindFunctions f = settings.kindFunctions();
        return switch (kind) {
            case USERS -> new ReconciledKind(kind, "/v1/users", OLDEST_FIRST, lookup("/v1/users/"),
                    settings.upsertManyFunction(), "users", settings.pageFunction(),
                    sync.deleteFunction(), item -> RawJson.object(sync.deleteArgument(), RawJson.string(item.id())));
            case ORGANIZATIONS -> new ReconciledKind(kind, "/v1/organizations", OLDEST_FIRST + "&include_members_count=true",
                    lookup("/v1/organizations/"), settings.organizationUpsertManyFunction(), "organizations",
                    settings.organizationPageFunction(),
                    sync.organizationDeleteFunction(), item -> RawJson.object("organizationId", RawJson.string(item.id())));
            case MEMBERSHIPS -> new ReconciledKind(kind, "/v1/organization_memberships", OLDEST_FIRST,
                    new Confirmation.ByMembershipList(),
                    settings.membershipUpsertManyFunction(), "memberships", settings.membershipPageFunction(),
                    sync.membershipDeleteFunction(), item -> RawJson.object("membership", deletedMembership(item)));
            case ROLES -> new ReconciledKind(kind, "/v1/organization_roles", OLDEST_FIRST, lookup("/v1/organization_roles/"),
                    f.roleUpsertMany(), "roles", f.rolePage(),
                    f.roleDelete(), item -> RawJson.object("roleId", RawJson.string(item.id())));
            case INVITATIONS -> new ReconciledKind(kind, "/v1/organization_invitations", OLDEST_FIRST + EVERY_INVITATION,
                    new Confirmation.ByLookup(item -> "/v1/organizations/" + ClerkBackend.urlPathSegment(item.organizationId())
                            + "/invitations/" + ClerkBackend.urlPathSegment(item.id())),
                    f.invitationUpsertMany(), "invitations", f.invitationPage(),
                    f.invitationDelete(), item -> RawJson.object("invitationId", RawJson.string(item.id())));
            // Clerk's billing listings take no order (newest first): one created meanwhile repeats an item (skipped
            // as seen), never hides one
            case PLANS -> new ReconciledKind(kind, "/v1/billing/plans", "", new Confirmation.ArchiveOnly(),
                    f.planUpsertMany(), "plans", f.planPage(),
                    f.planArchive(), item -> RawJson.object("planId", RawJson.string(item.id())));
            case SUBSCRIPTION_ITEMS -> new ReconciledKind(kind, "/v1/billing/subscription_items", "&include_free=true",
                    new Confirmation.ThroughPayer(ENTITLED),
                    f.subscriptionItemUpsertMany(), "subscriptionItems", f.subscriptionItemPage(), null, null);
        };
    }

    /** Confirmed gone by Clerk's 404 for {@code prefix} + the item's id. */
    private static Confirmation lookup(String prefix) {
        return new Confirmation.ByLookup(item -> prefix + ClerkBackend.urlPathSegment(item.id()));
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
