// Clerk Billing and invitation payloads for the tests, built from the real
// samples in fixtures/ (Clerk's own examples) with only the fields a scenario
// changes overridden. Two dots in the name keep Convex from deploying it.
import itemCanceled from "./fixtures/subscriptionItem.canceled.json";
import itemActive from "./fixtures/subscriptionItem.active.json";
import subscriptionCreated from "./fixtures/subscription.created.json";
import listedPlans from "./fixtures/backend/billing_plans.json";
import listedItems from "./fixtures/backend/billing_subscription_items.json";
import invitationCreated from "./fixtures/organizationInvitation.created.json";
import type { TestConvex } from "./testing.helpers";
import { internal } from "./_generated/api";

export const USER = itemCanceled.data.payer.user_id; // user_34D368EufHwugfYh4yyGNEheM0S
export const ORG = listedItems.data[1].payer.organization_id!; // org_2g7np7Hrk0SN6kj5EDMLDaKNL0S
export const DAY = 86_400_000;
export const T = itemCanceled.data.created_at; // 1716883200000

/** The Backend API's plans: pro-plan (user), free-plan (user, default), team (org). */
export const plans = listedPlans.data;
export const [PRO, FREE, TEAM] = plans;
/** The features each plan gives, from the listing. */
export const featuresOf = (plan: (typeof plans)[number]) => plan.features.map((f) => f.slug).sort();

/** The plan as item events carry it: no features. */
const eventPlan = (plan: (typeof plans)[number]) => ({
  id: plan.id,
  slug: plan.slug,
  name: plan.name,
  is_recurring: plan.is_recurring,
  amount: plan.fee.amount,
  currency: plan.fee.currency,
});

export type PayerKind = "user" | "org";
/** A user payer as the webhooks send it ("" for the organization fields), or an organization payer. */
export function payer(kind: PayerKind) {
  const user = structuredClone(itemCanceled.data.payer);
  if (kind === "user") return user;
  return { ...user, id: "cpayer_org", user_id: "", first_name: "", last_name: "", organization_id: ORG, organization_name: "Acme Inc" };
}

/** The plan a payer of that kind subscribes to in these scenarios. */
export const paidPlan = (kind: PayerKind) => (kind === "user" ? PRO : TEAM);

/** A standalone subscriptionItem.* event's data: the canceled sample with overrides. */
export function item(kind: PayerKind, overrides: Record<string, unknown> & { plan?: (typeof plans)[number] }) {
  const { plan = paidPlan(kind), ...rest } = overrides;
  return {
    ...structuredClone(itemCanceled.data),
    id: `csub_item_${kind}_paid`,
    subscription_id: `csub_${kind}`,
    payer: payer(kind),
    plan_id: plan.id,
    plan: eventPlan(plan),
    ...rest,
  };
}

/** The default (free) plan's item: the active sample (period_end null), on the listed free plan. */
export function freeItem(overrides: Record<string, unknown>) {
  return {
    ...structuredClone(itemActive.data),
    id: "csub_item_user_free",
    subscription_id: "csub_user",
    plan_id: FREE.id,
    plan: eventPlan(FREE),
    ...overrides,
  };
}

export const subscription = () => structuredClone(subscriptionCreated.data);

/** An organizationInvitation.* event's data: the created sample with overrides. */
export function invitation(overrides: Record<string, unknown> = {}) {
  return { ...structuredClone(invitationCreated.data), ...overrides };
}

export const upsertItem = (t: TestConvex, subscriptionItem: unknown) =>
  t.mutation(internal.subscriptionItems.upsertFromClerk, { subscriptionItem });
export const upsertPlans = (t: TestConvex) => t.mutation(internal.plans.upsertManyFromClerk, { plans });

/** billing:entitlements for a payer of that kind. */
export const entitlements = (t: TestConvex, kind: PayerKind) =>
  t.query(internal.billing.entitlements, kind === "user" ? { userId: USER } : { organizationId: ORG });

/** The app's log of plan changes (its subscriptionItem hooks), oldest first. */
export async function planChanges(t: TestConvex) {
  return await t.run(async (ctx) =>
    (await ctx.db.query("planChanges").collect()).map((c) => [c.itemId, c.status, ...(c.previousStatus ? [c.previousStatus] : [])]),
  );
}

/** The stored items without system fields, by id. */
export async function storedItems(t: TestConvex) {
  return await t.run(async (ctx) =>
    (await ctx.db.query("subscriptionItems").collect())
      .map(({ _id, _creationTime, ...rest }) => rest)
      .sort((a, b) => a.externalId.localeCompare(b.externalId)),
  );
}
