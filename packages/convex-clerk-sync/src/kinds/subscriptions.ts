/**
 * The subscriptions kind: one per payer, from subscription.created, .updated,
 * .active and .pastDue. Each event also carries the subscription's items,
 * stored as items (kinds/subscriptionItems.ts) with the subscription's payer
 * and id, each under its own updated_at.
 */
import { defineTable } from "convex/server";
import { v, type Infer } from "convex/values";
import { payerFromClerk } from "../entitlements.js";
import { upsertOutcome, type AnyCtx, type Engine, type UpsertOutcome } from "../engine.js";
import { subscriptionShape } from "../shapes/billing.js";
import { checkShape } from "../shapes/check.js";
import { boundedList, clerkId, clerkObject, type Mapped } from "../values.js";
import { payerFields, subscriptionItemFromClerk, type MappedSubscriptionItem } from "./subscriptionItems.js";

/** The default fields of a subscription document. */
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
export type SubscriptionFields = Infer<ReturnType<typeof v.object<typeof subscriptionFields>>>;

export const subscriptionKind = {
  name: "subscriptions",
  event: "subscription",
  table: "subscriptions",
  tables: () => ({
    subscriptions: defineTable(subscriptionFields)
      .index("byExternalId", ["externalId"])
      .index("byUser", ["userId"])
      .index("byOrganization", ["organizationId"]),
  }),
} as const;

/**
 * Maps the `data` of subscription.* and its items (the webhook shape; the
 * Backend API's subscription reaches the mirror only through its items).
 */
export function subscriptionFromClerk(subscription: unknown): Mapped<SubscriptionFields> & { items: MappedSubscriptionItem[] } {
  const record = clerkObject(checkShape(subscriptionShape, subscription, "subscription"), "subscription");
  const payer = payerFromClerk(record.payer);
  const payerId = clerkId(record.payer_id, "subscription.payer_id");
  const items = boundedList(record.items as unknown[], "subscription.items");
  const parent = { subscriptionId: record.id, payerId, payer };
  return {
    externalId: record.id,
    status: record.status as string,
    payerId,
    ...payerFields(payer),
    activeAt: optionalNumber(record.active_at),
    canceledAt: optionalNumber(record.canceled_at),
    endedAt: optionalNumber(record.ended_at),
    pastDueAt: optionalNumber(record.past_due_at),
    clerkUpdatedAt: record.updated_at,
    items: items.map((item, i) => subscriptionItemFromClerk(item, parent, `subscription.items[${i}]`)),
  };
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/** The functions of subscriptions.ts. */
export function subscriptionFunctions(engine: Engine, upsertItem: (ctx: AnyCtx, fields: MappedSubscriptionItem) => Promise<UpsertOutcome>) {
  const subscriptions = engine.kind(subscriptionKind.name);
  return {
    /**
     * subscription.created, .updated, .active, .pastDue: `{subscription: data}`.
     * Answers the subscription's outcome; each item is applied on its own
     * updated_at (a nested item older than a stored one is left alone).
     */
    upsertFromClerk: engine.config.internalMutation({
      args: { subscription: v.any() },
      returns: upsertOutcome,
      handler: async (ctx, { subscription }) => {
        const { items, ...fields } = subscriptionFromClerk(subscription);
        const outcome = await engine.write(ctx as never, subscriptions, fields);
        for (const item of items) await upsertItem(ctx as never, item);
        return outcome;
      },
    }),
  };
}
