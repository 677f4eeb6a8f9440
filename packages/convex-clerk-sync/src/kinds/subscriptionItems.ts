/**
 * The subscription items kind: what a payer (a user or an organization) has
 * subscribed to, one document per Clerk item, from subscriptionItem.* events,
 * a subscription event's items, and the Backend API's listings. Entitlements
 * are decided from these (entitlements.ts). Never deleted: an item a listing
 * misses is re-read through its payer by the runtime, so each keeps its payer.
 */
import { defineTable } from "convex/server";
import { ConvexError, v, type Infer } from "convex/values";
import { payerFromClerk, type Payer } from "../entitlements.js";
import { MAX_UPSERT_BATCH, type AnyCtx, type AnyDoc, type Engine, type UpsertOutcome } from "../engine.js";
import { itemSpec } from "../shapes/billing.js";
import { checkShape } from "../shapes/check.js";
import { clerkObject, definedFields, isRecord, optionalClerkId, text, type Mapped } from "../values.js";

/** The default fields of a subscription item document. */
export const subscriptionItemFields = {
  externalId: v.string(), // csub_item_...; the default (free) plan's item keeps its id per payer
  status: v.string(), // active, canceled, past_due, upcoming, ended, abandoned, incomplete, expired
  isFreeTrial: v.boolean(),
  // Kept from the stored item when an incoming version lacks them: listings
  // have no subscription id, and a subscription event's items no payer.
  subscriptionId: v.optional(v.string()), // csub_...
  payerId: v.optional(v.string()), // cpayer_...
  userId: v.optional(v.string()), // the paying user (user_...), when the payer is a user
  organizationId: v.optional(v.string()), // the paying organization (org_...), when it is one
  planId: v.optional(v.string()), // cplan_...
  planSlug: v.optional(v.string()), // the slug has({ plan }) and the `pla` claim use
  planName: v.optional(v.string()),
  interval: v.string(), // "month" | "annual" (webhook `interval`, Backend API `plan_period`)
  periodStart: v.number(),
  periodEnd: v.optional(v.number()), // absent for the default (free) plan
  clerkUpdatedAt: v.number(),
};
export type SubscriptionItemFields = Infer<ReturnType<typeof v.object<typeof subscriptionItemFields>>>;
export type MappedSubscriptionItem = Mapped<SubscriptionItemFields>;

export const subscriptionItemKind = {
  name: "subscriptionItems",
  event: "subscriptionItem",
  table: "subscriptionItems",
  tables: () => ({
    subscriptionItems: defineTable(subscriptionItemFields)
      .index("byExternalId", ["externalId"])
      .index("byUser", ["userId"])
      .index("byOrganization", ["organizationId"]),
  }),
} as const;

/** The subscription an item is nested in: its id and payer, which the nested item lacks. */
export type ItemParent = { subscriptionId: string; payerId: string; payer: Payer | undefined };

/** The user or organization id fields of a payer. */
export const payerFields = (payer: Payer | undefined) => ({
  userId: payer && "userId" in payer ? payer.userId : undefined,
  organizationId: payer && "organizationId" in payer ? payer.organizationId : undefined,
});

/**
 * Maps a subscription item in either shape: a webhook's (standalone, or nested
 * in a subscription, with `parent`) or a Backend API listing's (`plan_period`,
 * the full plan, no `subscription_id`).
 */
export function subscriptionItemFromClerk(item: unknown, parent?: ItemParent, name = "subscriptionItem"): MappedSubscriptionItem {
  const checked = checkShape(itemSpec, item, name);
  // Listings leave updated_at optional, but every version is ordered by it.
  if (typeof checked.updated_at !== "number") {
    throw new ConvexError(`${name}.updated_at must be a number: items are ordered by it (item ${checked.id})`);
  }
  const record = clerkObject(checked, name);
  const plan = isRecord(record.plan) ? record.plan : undefined;
  return {
    externalId: record.id,
    status: record.status as string,
    isFreeTrial: record.is_free_trial as boolean,
    subscriptionId: optionalClerkId(record.subscription_id, `${name}.subscription_id`) ?? parent?.subscriptionId,
    payerId:
      optionalClerkId(isRecord(record.payer) ? record.payer.id : undefined, `${name}.payer.id`) ??
      optionalClerkId(record.payer_id, `${name}.payer_id`) ??
      parent?.payerId,
    ...payerFields(payerFromClerk(record.payer) ?? parent?.payer),
    planId: optionalClerkId(record.plan_id, `${name}.plan_id`) ?? optionalClerkId(plan?.id, `${name}.plan.id`),
    planSlug: text(plan?.slug),
    planName: text(plan?.name),
    interval: (record.interval ?? record.plan_period) as string,
    periodStart: record.period_start as number,
    periodEnd: typeof record.period_end === "number" ? record.period_end : undefined,
    clerkUpdatedAt: record.updated_at,
  };
}

// What an incoming version may lack and the stored one keeps, in groups that
// go together (a payer is a user or an organization, never half of each).
const keptWhenMissing = [["subscriptionId"], ["payerId"], ["userId", "organizationId"]] as const;

/** The incoming fields, with the stored subscription id and payer where the incoming version has none. */
export function withStoredLinks(fields: MappedSubscriptionItem, stored: AnyDoc | null): MappedSubscriptionItem {
  if (!stored) return fields;
  const merged: Record<string, unknown> = { ...fields };
  for (const group of keptWhenMissing) {
    if (group.every((key) => fields[key] === undefined)) for (const key of group) merged[key] = stored[key];
  }
  return merged as MappedSubscriptionItem;
}

/** The functions of subscriptionItems.ts, and the item upsert the subscriptions kind shares. */
export function subscriptionItemFunctions(engine: Engine) {
  const items = engine.kind(subscriptionItemKind.name);

  async function upsertItem(ctx: AnyCtx, fields: MappedSubscriptionItem): Promise<UpsertOutcome> {
    const stored = await engine.byExternalId(ctx, items.table, fields.externalId);
    return await engine.write(ctx, items, withStoredLinks(fields, stored));
  }
  const mapItem = (clerk: unknown) => subscriptionItemFromClerk(clerk);

  return {
    upsertItem,
    functions: {
      // subscriptionItem.* (all nine, and .created if it arrives): `{subscriptionItem: data}`;
      // reconcile: a page of GET /billing/subscription_items, or a payer's subscription re-read
      // (its `subscription_items`), and the sweep of `{id, status, userId?, organizationId?}`.
      ...engine.kindFunctions({
        one: "subscriptionItem",
        many: "subscriptionItems",
        apply: (ctx, clerk) => upsertItem(ctx, mapItem(clerk)),
        applyMany: engine.upsertMany("subscriptionItems", mapItem, MAX_UPSERT_BATCH, (ctx, _, fields) => upsertItem(ctx, fields)),
        table: items.table,
        item: v.object({ id: v.string(), status: v.string(), userId: v.optional(v.string()), organizationId: v.optional(v.string()) }),
        pick: (d) =>
          definedFields({ id: d.externalId, status: d.status, userId: d.userId, organizationId: d.organizationId }) as {
            id: string;
            status: string;
            userId?: string;
            organizationId?: string;
          },
      }),
    },
  };
}
