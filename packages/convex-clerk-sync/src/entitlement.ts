// What a payer may use, decided from the mirror as Clerk's has() decides from
// the session token: pure functions over stored items and plans, so the
// helpers and the tests share one decision.

import { text } from "./mapping.js";

/** Who pays: a user or an organization. */
export type Payer = { userId: string } | { organizationId: string };

/**
 * The payer named by a Clerk payer object: an organization when
 * `organization_id` is a non-empty string, else a user when `user_id` is one.
 * "", null and a missing field are alike (the webhooks send "", the Backend
 * API null, the SDK types leave them out).
 */
export function payerFromClerk(payer: unknown): Payer | undefined {
  if (typeof payer !== "object" || payer === null) return undefined;
  const { organization_id, user_id } = payer as Record<string, unknown>;
  const organizationId = text(organization_id);
  if (organizationId) return { organizationId };
  const userId = text(user_id);
  return userId ? { userId } : undefined;
}

/**
 * Item statuses and whether each entitles the payer to the item's plan:
 * - `active`: yes, a free trial included (`is_free_trial` does not matter).
 * - `canceled`: yes until `period_end` (exclusive); at that instant and after,
 *   no, even before `subscriptionItem.ended` arrives. Without a period end, no.
 * - `past_due`: no. Clerk does not document what has() does for an overdue
 *   item; the mirror fails closed, and an app that grants a grace period
 *   checks the item's status itself (`listSubscriptionItems`).
 * - `upcoming`, `ended`, `abandoned`, `incomplete`, `expired`, and any status
 *   Clerk adds later: no.
 */
export function entitles(item: { status: string; periodEnd?: number }, now: number): boolean {
  switch (item.status) {
    case "active":
      return true;
    case "canceled":
      return item.periodEnd !== undefined && now < item.periodEnd;
    default:
      return false;
  }
}

/** A stored item, as far as the decision reads it. */
export type EntitlementItem = { status: string; periodEnd?: number; planId?: string; planSlug?: string };
/** A stored plan, as far as the decision reads it. */
export type EntitlementPlan = { slug: string; featureSlugs: string[] };

/**
 * The plans (slugs) and features (slugs) a payer's items entitle it to at
 * `now`, each sorted and without repeats. A plan's slug comes from the item
 * (webhooks and listings carry it) or else the plans table; its features only
 * from the plans table, which reconcile fills: a plan missing there gives no
 * features (a feature check fails closed).
 */
export function entitlementsOf(
  items: EntitlementItem[],
  planById: (planId: string) => EntitlementPlan | undefined,
  now: number,
): { plans: string[]; features: string[] } {
  const plans = new Set<string>();
  const features = new Set<string>();
  for (const item of items) {
    if (!entitles(item, now)) continue;
    const plan = item.planId ? planById(item.planId) : undefined;
    const slug = item.planSlug ?? plan?.slug;
    if (slug) plans.add(slug);
    for (const feature of plan?.featureSlugs ?? []) features.add(feature);
  }
  return { plans: [...plans].sort(), features: [...features].sort() };
}

/** Whether an invitation is still pending at `now`: status pending and not past `expires_at` (Clerk sends no event on expiry). */
export function isPending(invitation: { status?: string; expiresAt?: number }, now: number): boolean {
  return invitation.status === "pending" && (invitation.expiresAt === undefined || now < invitation.expiresAt);
}
