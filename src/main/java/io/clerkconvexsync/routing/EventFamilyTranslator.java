package io.clerkconvexsync.routing;

import io.clerkconvexsync.config.FamilyFunctionSettings;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.delivery.ConvexCall;
import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.RawJson;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Message translator for one family of Clerk events (users, organizations, memberships, roles, subscriptions,
 * subscription items, invitations): a table from event type to the Convex function, its argument's name, and whether
 * that argument is the event's data or only its id. The function paths come from configuration; the tables are built
 * once, so translating an event is one map lookup.
 */
public final class EventFamilyTranslator implements Processor {

    /** What of the event the function's one argument gets. */
    public enum Value {
        /** The event's {@code data}, byte for byte as Clerk signed it. */
        DATA,
        /** {@code data.id} alone, as a JSON string (Clerk's deleted-object events carry little else). */
        DATA_ID
    }

    /** The Convex call one event type becomes. */
    public record Translation(String function, String argument, Value value) {
    }

    /** The Convex package whose functions the families call, and the first version that brings each family's. */
    static final String PACKAGE = "@clerk-convex-sync/convex ";
    static final String FIRST_RELEASE = PACKAGE + "0.1.0";
    static final String ROLES_BILLING_INVITATIONS = PACKAGE + "0.2.0";

    private final String family;
    private final String providedBy;
    private final Map<String, Translation> table;

    /**
     * @param providedBy the package version that brings the family's functions, named when Convex lacks one
     */
    public EventFamilyTranslator(String family, String providedBy, Map<String, Translation> table) {
        this.family = family;
        this.providedBy = providedBy;
        this.table = Map.copyOf(table);
    }

    public String family() {
        return family;
    }

    /** The event types this family delivers. */
    public Set<String> types() {
        return table.keySet();
    }

    /**
     * The product's own families, in the order the router asks them (users first: the most frequent events). The
     * argument names are those of the Convex functions (packages/convex-clerk-sync, contract/convex-requests.json).
     */
    public static List<EventFamilyTranslator> families(SyncSettings settings, FamilyFunctionSettings functions) {
        Translation userUpsert = new Translation(settings.upsertFunction(), settings.upsertArgument(), Value.DATA);
        Translation organizationUpsert = new Translation(settings.organizationUpsertFunction(), "organization", Value.DATA);
        Translation membershipUpsert = new Translation(settings.membershipUpsertFunction(), "membership", Value.DATA);
        return List.of(
                new EventFamilyTranslator("users", FIRST_RELEASE, Map.of(
                        "user.created", userUpsert,
                        "user.updated", userUpsert,
                        "user.deleted", new Translation(settings.deleteFunction(), settings.deleteArgument(), Value.DATA_ID))),
                new EventFamilyTranslator("organizations", FIRST_RELEASE, Map.of(
                        "organization.created", organizationUpsert,
                        "organization.updated", organizationUpsert,
                        "organization.deleted",
                        new Translation(settings.organizationDeleteFunction(), "organizationId", Value.DATA_ID))),
                // a deleted membership carries the whole membership: the function needs its organization and user
                new EventFamilyTranslator("memberships", FIRST_RELEASE, Map.of(
                        "organizationMembership.created", membershipUpsert,
                        "organizationMembership.updated", membershipUpsert,
                        "organizationMembership.deleted",
                        new Translation(settings.membershipDeleteFunction(), "membership", Value.DATA))),
                // permission.created / .updated stay unrouted: roles carry their full permission list in role.updated
                new EventFamilyTranslator("roles", ROLES_BILLING_INVITATIONS, roles(functions)),
                family("subscriptions", new Translation(functions.subscriptionUpsertFunction(), "subscription", Value.DATA),
                        SUBSCRIPTION_TYPES),
                family("subscriptionItems",
                        new Translation(functions.subscriptionItemUpsertFunction(), "subscriptionItem", Value.DATA),
                        SUBSCRIPTION_ITEM_TYPES),
                family("invitations", new Translation(functions.invitationUpsertFunction(), "invitation", Value.DATA),
                        INVITATION_TYPES));
    }

    /** Clerk Billing's subscription events (there is no subscription.canceled or .ended: items carry those). */
    public static final List<String> SUBSCRIPTION_TYPES = List.of(
            "subscription.created", "subscription.updated", "subscription.active", "subscription.pastDue");
    /**
     * Every subscriptionItem event of Clerk's webhook spec, plus {@code .created}: dropped from the spec in 2026 but
     * still in Clerk's SDK, so delivered like the others should it come.
     */
    public static final List<String> SUBSCRIPTION_ITEM_TYPES = List.of(
            "subscriptionItem.created", "subscriptionItem.updated", "subscriptionItem.active", "subscriptionItem.canceled",
            "subscriptionItem.upcoming", "subscriptionItem.ended", "subscriptionItem.abandoned",
            "subscriptionItem.incomplete", "subscriptionItem.pastDue", "subscriptionItem.freeTrialEnding");
    /** No event tells of an expiry: only reconcile's invitations kind does. */
    public static final List<String> INVITATION_TYPES = List.of(
            "organizationInvitation.created", "organizationInvitation.accepted", "organizationInvitation.revoked");

    private static Map<String, Translation> roles(FamilyFunctionSettings functions) {
        Translation upsert = new Translation(functions.roleUpsertFunction(), "role", Value.DATA);
        return Map.of(
                "role.created", upsert,
                "role.updated", upsert,
                "role.deleted", new Translation(functions.roleDeleteFunction(), "roleId", Value.DATA_ID),
                "permission.deleted", new Translation(functions.permissionDeleteFunction(), "permissionId", Value.DATA_ID));
    }

    /** A family whose every type goes to one function. */
    private static EventFamilyTranslator family(String name, Translation translation, List<String> types) {
        Map<String, Translation> table = new HashMap<>();
        types.forEach(type -> table.put(type, translation));
        return new EventFamilyTranslator(name, ROLES_BILLING_INVITATIONS, table);
    }

    /** Predicate of the content-based router: whether this family has a function for the event's type. */
    public boolean handles(Exchange exchange) {
        return table.containsKey(exchange.getProperty(ClerkEvent.TYPE_PROPERTY, String.class));
    }

    /** Replaces the message body with the {@link ConvexCall} for the event. */
    @Override
    public void process(Exchange exchange) {
        ClerkEvent event = exchange.getProperty(ClerkEvent.PROPERTY, ClerkEvent.class);
        exchange.getMessage().setBody(translate(event));
    }

    /** The event's Convex call; the parser has already refused events without the ids the function needs. */
    public ConvexCall translate(ClerkEvent event) {
        Translation translation = table.get(event.type());
        if (translation == null) {
            throw new IllegalArgumentException("the " + family + " translator has no function for " + event.type());
        }
        RawJson value = translation.value() == Value.DATA ? event.data() : RawJson.string(event.subjectId());
        return new ConvexCall(translation.function(), RawJson.object(translation.argument(), value), false, providedBy);
    }
}
