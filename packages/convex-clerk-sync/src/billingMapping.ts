import { ConvexError, v, type Infer } from "convex/values";
import { payerFromClerk, type Payer } from "./entitlement.js";
import { isRecord, text, type Mapped } from "./mapping.js";
import { itemSpec, planShape, subscriptionShape } from "./shapes/billing.js";
import { checkShape } from "./shapes/check.js";

// Clerk Billing's objects as stored. Items carry their payer (user or
// organization) because Clerk has no lookup of an item or a subscription by
// id: the runtime re-reads a missing item through its payer's subscription.

/** The default fields of a subscription document (`subscription.*` events). */
export const subscriptionFields = {
  externalId: v.string(), // csub_...
  status: v.string(), // active, past_due, canceled, ended, abandoned, incomplete
  payerId: v.string(), // cpayer_...
  userId: v.optional(v.string()), // the paying user (user_...), when the payer is a user
  organizationId: v.optional(v.string()), // the paying organization (org_...), when it is one
  activeAt: v.optional(v.number()),
  canceledAt: v.optional(v.number()),
  endedAt: v.optional(v.number()),
  pastDueAt: v.optional(v.number()),
  clerkUpdatedAt: v.number(),
};

/** The default fields of a subscription item document (`subscriptionItem.*`, a subscription's items, listings). */
export const subscriptionItemFields = {
  externalId: v.string(), // csub_item_...; the default (free) plan's item keeps its id per payer
  status: v.string(), // active, canceled, past_due, upcoming, ended, abandoned, incomplete, expired
  isFreeTrial: v.boolean(),
  // Kept from the stored item when an incoming version lacks them (listings
  // have no subscription id; items nested in a subscription event no payer).
  subscriptionId: v.optional(v.string()), // csub_...
  payerId: v.optional(v.string()),
  userId: v.optional(v.string()),
  organizationId: v.optional(v.string()),
  planId: v.optional(v.string()), // cplan_...
  planSlug: v.optional(v.string()), // the slug Clerk's `pla` claim and has({ plan }) use
  planName: v.optional(v.string()),
  interval: v.string(), // "month" | "annual" (webhook `interval`, Backend API `plan_period`)
  periodStart: v.number(),
  periodEnd: v.optional(v.number()), // absent for the default (free) plan
  clerkUpdatedAt: v.number(),
};

/** The default fields of a plan document (Backend API plans only: Clerk sends no plan events). */
export const planFields = {
  externalId: v.string(), // cplan_...
  slug: v.string(),
  name: v.string(),
  payerType: v.string(), // "user" | "org"
  featureSlugs: v.array(v.string()), // the slugs has({ feature }) and the `fea` claim use
  isDefault: v.boolean(),
  // Set when a complete listing no longer has the plan; a plan is never
  // deleted (items may still name it). Removed if a listing has it again.
  archived: v.optional(v.boolean()),
};

export type SubscriptionFields = Infer<ReturnType<typeof v.object<typeof subscriptionFields>>>;
export type SubscriptionItemFields = Infer<ReturnType<typeof v.object<typeof subscriptionItemFields>>>;
export type PlanFields = Infer<ReturnType<typeof v.object<typeof planFields>>>;

/** The fields of an item that an incoming version may lack and the stored one keeps. */
export const stickyItemFields = ["subscriptionId", "payerId", "userId", "organizationId"] as const;

const payerFields = (payer: Payer | undefined) => ({
  userId: payer && "userId" in payer ? payer.userId : undefined,
  organizationId: payer && "organizationId" in payer ? payer.organizationId : undefined,
});

/** Maps the `data` of subscription.* (the webhook shape; the Backend API's subscription only reaches the mirror through its items). */
export function subscriptionFromClerk(subscription: unknown): Mapped<SubscriptionFields> {
  const record = checkShape(subscriptionShape, subscription, "subscription");
  return {
    externalId: record.id as string,
    status: record.status as string,
    payerId: record.payer_id as string,
    ...payerFields(payerFromClerk(record.payer)),
    activeAt: optionalNumber(record.active_at),
    canceledAt: optionalNumber(record.canceled_at),
    endedAt: optionalNumber(record.ended_at),
    pastDueAt: optionalNumber(record.past_due_at),
    clerkUpdatedAt: record.updated_at as number,
  };
}

/**
 * Maps a subscription item in either shape: a webhook's (standalone, or
 * nested in a subscription: then `of` gives the subscription's id and payer)
 * or a Backend API listing's. Fields an item lacks come back undefined; the
 * upsert keeps the stored ones among `stickyItemFields`.
 */
export function subscriptionItemFromClerk(
  item: unknown,
  of?: { subscriptionId: string; payerId: string; payer: Payer | undefined },
  name = "subscriptionItem",
): Mapped<SubscriptionItemFields> {
  const record = checkShape(itemSpec, item, name);
  // Listings leave updated_at optional, but every version is ordered by it.
  if (typeof record.updated_at !== "number") {
    throw new ConvexError(`${name}.updated_at must be a number: items are ordered by it (item ${record.id})`);
  }
  const plan = isRecord(record.plan) ? record.plan : undefined;
  const payer = payerFromClerk(record.payer) ?? of?.payer;
  return {
    externalId: record.id as string,
    status: record.status as string,
    isFreeTrial: record.is_free_trial as boolean,
    subscriptionId: text(record.subscription_id) ?? of?.subscriptionId,
    payerId: text(isRecord(record.payer) ? record.payer.id : undefined) ?? text(record.payer_id) ?? of?.payerId,
    ...payerFields(payer),
    planId: text(record.plan_id) ?? text(plan?.id),
    planSlug: text(plan?.slug),
    planName: text(plan?.name),
    interval: (record.interval ?? record.plan_period) as string,
    periodStart: record.period_start as number,
    periodEnd: optionalNumber(record.period_end),
    clerkUpdatedAt: record.updated_at as number,
  };
}

/** Maps a Backend API plan (GET /billing/plans). Plans have no updated_at: a listing always describes the present. */
export function planFromClerk(plan: unknown): Omit<Mapped<PlanFields>, "clerkUpdatedAt"> {
  const record = checkShape(planShape, plan, "plan");
  const features = Array.isArray(record.features) ? (record.features as Record<string, unknown>[]) : [];
  return {
    externalId: record.id as string,
    slug: record.slug as string,
    name: record.name as string,
    payerType: record.for_payer_type as string,
    featureSlugs: [...new Set(features.map((f) => f.slug as string))].sort(),
    isDefault: record.is_default as boolean,
    archived: undefined,
  };
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
