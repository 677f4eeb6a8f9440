package io.clerkconvexsync.reconcile;

import io.clerkconvexsync.reconcile.ReconciledKind.StoredItem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A kind's confirm step: how the sweep settles an item Convex holds that Clerk's complete listing did not have.
 * Offset paging skips objects when others are deleted during the listing, so a missed item is never taken as gone on
 * the listing's word alone; each kind asks Clerk in the one way Clerk's API allows for it.
 */
sealed interface Confirmation {

    /** What the sweep can do with a missed item; {@link ReconcilePass} carries it out, with its counts and dry run. */
    interface Settlement {
        /** Throws when the pass must stop (a batch failed, the lease was lost). */
        void goOn();

        /**
         * {@code inClerk}: the item as Clerk has it now (kept and upserted), or null when Clerk confirmed it gone
         * (deleted once the kind is weighed).
         */
        void confirm(StoredItem item, ClerkObject inClerk);

        /** Upserts an object Clerk answered with, once per pass. */
        void refresh(ClerkObject inClerk);

        /** Retires an item without deleting it (the kind's archive function); reversible, so not weighed. */
        void archive(StoredItem item);

        /** The item was re-read from Clerk (and is upserted as Clerk has it), or Clerk had nothing to say of it. */
        void reread(StoredItem item, boolean answered);
    }

    /** The name in the summary and the README. */
    String name();

    /** Whether an item Convex holds needs settling when the listing missed it (default: every item). */
    default boolean concerns(StoredItem item) {
        return true;
    }

    /** Settles the items of one page of what Convex holds that the listing missed. */
    void settle(List<StoredItem> missing, ClerkBackend clerk, ReconciledKind kind, Settlement sweep);

    /** Gone when Clerk answers 404 for the item's own path (users, organizations, roles, invitations). */
    record ByLookup(Function<StoredItem, String> path) implements Confirmation {
        @Override
        public String name() {
            return "lookup404";
        }

        @Override
        public void settle(List<StoredItem> missing, ClerkBackend clerk, ReconciledKind kind, Settlement sweep) {
            for (StoredItem item : missing) {
                sweep.goOn();
                sweep.confirm(item, clerk.one(kind, path.apply(item)).orElse(null));
            }
        }
    }

    /**
     * Memberships, which Clerk cannot look up by id: per organization, the memberships of up to 100 of the candidates'
     * users at once; a candidate is gone when its organization is gone or Clerk no longer lists it for its user.
     */
    record ByMembershipList() implements Confirmation {
        @Override
        public String name() {
            return "organizationMembershipList";
        }

        @Override
        public void settle(List<StoredItem> missing, ClerkBackend clerk, ReconciledKind kind, Settlement sweep) {
            Map<String, List<StoredItem>> byOrganization = new LinkedHashMap<>();
            missing.forEach(item -> byOrganization.computeIfAbsent(item.organizationId(), k -> new ArrayList<>()).add(item));
            for (var organization : byOrganization.entrySet()) {
                List<StoredItem> items = organization.getValue();
                for (int from = 0; from < items.size(); from += ClerkBackend.MAX_USER_IDS) {
                    sweep.goOn();
                    List<StoredItem> chunk = items.subList(from, Math.min(items.size(), from + ClerkBackend.MAX_USER_IDS));
                    Map<String, ClerkObject> current = new HashMap<>();
                    clerk.memberships(organization.getKey(), chunk.stream().map(StoredItem::userId).distinct().toList())
                            .ifPresent(listed -> listed.forEach(m -> current.put(m.id(), m)));
                    for (StoredItem item : chunk) {
                        sweep.confirm(item, current.remove(item.id()));
                    }
                    // the same users' other memberships there (removed and added again: a new id) are Clerk's truth too
                    current.values().forEach(sweep::refresh);
                }
            }
        }
    }

    /**
     * Subscription items, which Clerk can neither look up by id nor delete without cancelling (the only method on
     * {@code /v1/billing/subscription_items/{id}} is DELETE): an item Convex holds as entitled is re-read through its
     * payer's subscription, one request per payer, and upserted from that answer (with the payer's other items).
     * Nothing is deleted; an item the payer's subscription no longer holds (or a payer Clerk answers 404 for) is
     * reported as unresolved.
     */
    record ThroughPayer(Set<String> entitled) implements Confirmation {
        @Override
        public String name() {
            return "payerSubscription";
        }

        @Override
        public boolean concerns(StoredItem item) {
            return entitled.contains(item.status());
        }

        @Override
        public void settle(List<StoredItem> missing, ClerkBackend clerk, ReconciledKind kind, Settlement sweep) {
            Map<String, List<StoredItem>> byPayer = new LinkedHashMap<>();
            for (StoredItem item : missing) {
                String payer = payerSubscriptionPath(item);
                if (payer == null) {
                    sweep.reread(item, false);
                } else {
                    byPayer.computeIfAbsent(payer, k -> new ArrayList<>()).add(item);
                }
            }
            for (var payer : byPayer.entrySet()) {
                sweep.goOn();
                Map<String, ClerkObject> current = new HashMap<>();
                clerk.subscriptionItems(payer.getKey()).ifPresent(items -> items.forEach(i -> current.put(i.id(), i)));
                current.values().forEach(sweep::refresh);
                payer.getValue().forEach(item -> sweep.reread(item, current.containsKey(item.id())));
            }
        }

        /** An organization's item is paid by the organization; any other by its user; null when Convex knows neither. */
        private static String payerSubscriptionPath(StoredItem item) {
            if (item.organizationId() != null) {
                return "/v1/organizations/" + ClerkBackend.urlPathSegment(item.organizationId()) + "/billing/subscription";
            }
            if (item.userId() != null) {
                return "/v1/users/" + ClerkBackend.urlPathSegment(item.userId()) + "/billing/subscription";
            }
            return null;
        }
    }

    /** Plans, which Clerk cannot look up by id and which subscription items still point to: archived, never deleted. */
    record ArchiveOnly() implements Confirmation {
        @Override
        public String name() {
            return "archiveOnly";
        }

        @Override
        public void settle(List<StoredItem> missing, ClerkBackend clerk, ReconciledKind kind, Settlement sweep) {
            for (StoredItem item : missing) {
                sweep.goOn();
                sweep.archive(item);
            }
        }
    }
}
