package io.clerkconvexsync.routing;

import io.clerkconvexsync.RawJson;
import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.delivery.ConvexCall;
import io.clerkconvexsync.intake.ClerkEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.List;
import java.util.Map;

/**
 * Message translator for one family of Clerk events (users, organizations, memberships): a table from event type to the
 * Convex function, its argument's name, and whether that argument is the event's data or only its id. The function
 * paths come from configuration; the tables are built once, so translating an event is one map lookup.
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

    private final String family;
    private final Map<String, Translation> table;

    public EventFamilyTranslator(String family, Map<String, Translation> table) {
        this.family = family;
        this.table = Map.copyOf(table);
    }

    /**
     * The product's own families, in the order the router asks them (users first: the most frequent events). The
     * argument names are those of the Convex functions (packages/convex-clerk-sync, contract/convex-requests.json).
     */
    public static List<EventFamilyTranslator> families(SyncSettings settings) {
        Translation userUpsert = new Translation(settings.upsertFunction(), settings.upsertArgument(), Value.DATA);
        Translation organizationUpsert = new Translation(settings.organizationUpsertFunction(), "organization", Value.DATA);
        Translation membershipUpsert = new Translation(settings.membershipUpsertFunction(), "membership", Value.DATA);
        return List.of(
                new EventFamilyTranslator("users", Map.of(
                        "user.created", userUpsert,
                        "user.updated", userUpsert,
                        "user.deleted", new Translation(settings.deleteFunction(), settings.deleteArgument(), Value.DATA_ID))),
                new EventFamilyTranslator("organizations", Map.of(
                        "organization.created", organizationUpsert,
                        "organization.updated", organizationUpsert,
                        "organization.deleted",
                        new Translation(settings.organizationDeleteFunction(), "organizationId", Value.DATA_ID))),
                // a deleted membership carries the whole membership: the function needs its organization and user
                new EventFamilyTranslator("memberships", Map.of(
                        "organizationMembership.created", membershipUpsert,
                        "organizationMembership.updated", membershipUpsert,
                        "organizationMembership.deleted",
                        new Translation(settings.membershipDeleteFunction(), "membership", Value.DATA))));
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
        return ConvexCall.wrap(translation.function(), translation.argument(), value);
    }
}
