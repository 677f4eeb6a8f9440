// Clerk Billing through the pinned functions, over Clerk's sample payloads:
// every version ordered by its own updated_at, duplicates writing nothing,
// the app's hooks once per effective change, and billing:entitlements right
// at every step for a user payer and an organization payer.
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { subscriptionItemFromClerk } from "@clerk-convex-sync/convex";
import { api, internal } from "./_generated/api";
import userSubscription from "./fixtures/backend/user_billing_subscription.json";
import listedItems from "./fixtures/backend/billing_subscription_items.json";
import itemCanceled from "./fixtures/subscriptionItem.canceled.json";
import subscriptionCreated from "./fixtures/subscription.created.json";
import {
  DAY,
  FREE,
  ORG,
  PRO,
  T,
  TEAM,
  USER,
  entitlements,
  featuresOf,
  freeItem,
  item,
  paidPlan,
  planChanges,
  storedItems,
  subscription,
  upsertItem,
  upsertPlans,
  type PayerKind,
} from "./billing.helpers";
import { newConvex, permutations, type TestConvex } from "./testing.helpers";

// Convex's clock: each transaction runs at the test's (fake) time, and never
// before the last commit; Clerk objects may not be dated more than a day
// ahead of it. So each test starts before the samples' times and only moves
// forward, to each event's time as it happens.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(T - DAY);
});
afterEach(() => vi.useRealTimers());
const at = (now: number) => vi.setSystemTime(now);
const none = { plans: [], features: [] };

// A free trial that starts, turns active (paid), is canceled and ends, each
// version newer than the one before.
const TRIAL_END = T + 14 * DAY;
const PERIOD_END = TRIAL_END + 30 * DAY;
const trial = (kind: PayerKind) => [
  { name: "trial starts", data: item(kind, { status: "active", is_free_trial: true, updated_at: T, period_start: T, period_end: TRIAL_END }) },
  { name: "turns active", data: item(kind, { status: "active", is_free_trial: false, updated_at: TRIAL_END, period_start: TRIAL_END, period_end: PERIOD_END }) },
  { name: "canceled", data: item(kind, { status: "canceled", updated_at: TRIAL_END + 6 * DAY, period_start: TRIAL_END, period_end: PERIOD_END }) },
  { name: "ended", data: item(kind, { status: "ended", updated_at: PERIOD_END, period_start: TRIAL_END, period_end: PERIOD_END }) },
];
type Version = { name: string; data: { updated_at: number } };

// What the ordering guard must answer for a sequence of distinct versions: the
// model the permutations are checked against.
function modelOutcomes(sequence: Version[]) {
  let stored: Version | undefined;
  return sequence.map((version) => {
    if (!stored) return (stored = version), "inserted";
    if (version.data.updated_at < stored.data.updated_at) return "stale";
    if (version.name === stored.name) return "unchanged";
    return (stored = version), "updated";
  });
}

describe.each(["user", "org"] as const)("a free trial, for a %s payer", (kind) => {
  const versions = trial(kind);
  const plan = paidPlan(kind);
  const entitled = { plans: [plan.slug], features: featuresOf(plan) };

  test("in order: entitled through the trial, the paid period and the canceled rest of it; not from the instant of period_end", async () => {
    const t = newConvex();
    await upsertPlans(t);
    expect(await entitlements(t, kind)).toEqual(none);

    at(T);
    expect(await upsertItem(t, versions[0].data)).toBe("inserted");
    expect(await entitlements(t, kind)).toEqual(entitled);
    at(TRIAL_END);
    expect(await upsertItem(t, versions[1].data)).toBe("updated");
    expect(await entitlements(t, kind)).toEqual(entitled);
    at(TRIAL_END + 6 * DAY);
    expect(await upsertItem(t, versions[2].data)).toBe("updated");
    expect(await entitlements(t, kind)).toEqual(entitled);
    at(PERIOD_END - 1);
    expect(await entitlements(t, kind), "canceled: entitled until period_end").toEqual(entitled);
    at(PERIOD_END);
    expect(await entitlements(t, kind), "at the instant of period_end, before the ended event").toEqual(none);
    expect(await upsertItem(t, versions[3].data)).toBe("updated");
    expect(await entitlements(t, kind)).toEqual(none);

    // The other payer kind's entitlements are untouched.
    expect(await entitlements(t, kind === "user" ? "org" : "user")).toEqual(none);
    const id = `csub_item_${kind}_paid`;
    expect(await planChanges(t)).toEqual([[id, "active"], [id, "active", "active"], [id, "canceled", "active"], [id, "ended", "canceled"]]);
  });

  test("every permutation, with duplicates later and right after: the same end state, hooks once per effective change", async () => {
    at(PERIOD_END); // every version has happened; they arrive late, in any order
    const ended = subscriptionItemFromClerk(versions[3].data);
    for (const order of permutations(versions)) {
      for (const sequence of [[...order, ...order], order.flatMap((v) => [v, v])]) {
        const t = newConvex();
        await upsertPlans(t);
        const outcomes = [];
        for (const version of sequence) outcomes.push(await upsertItem(t, version.data));
        const label = sequence.map((v) => v.name).join(" > ");
        expect(outcomes, label).toEqual(modelOutcomes(sequence));
        expect(await storedItems(t), label).toEqual([ended]);
        expect((await planChanges(t)).length, label).toBe(outcomes.filter((o) => o === "inserted" || o === "updated").length);
        expect(await entitlements(t, kind), label).toEqual(none);
      }
    }
  });
});

describe("the default (free) plan's item keeps its id", () => {
  test("active, ended by a paid plan, upcoming when that is canceled, active again when it ends: one document, entitlements at each step", async () => {
    const t = newConvex();
    await upsertPlans(t);
    const free = { plans: [FREE.slug], features: featuresOf(FREE) };
    const pro = { plans: [PRO.slug], features: featuresOf(PRO) };
    const PRO_START = T + DAY;
    const PRO_END = PRO_START + 30 * DAY;
    const proItem = (overrides: Record<string, unknown>) =>
      item("user", { id: "csub_item_user_pro", period_start: PRO_START, period_end: PRO_END, ...overrides });

    at(T);
    expect(await upsertItem(t, freeItem({ status: "active", updated_at: T, period_start: T, period_end: null }))).toBe("inserted");
    expect(await entitlements(t, "user")).toEqual(free);

    at(PRO_START);
    expect(await upsertItem(t, proItem({ status: "active", updated_at: PRO_START }))).toBe("inserted");
    expect(await upsertItem(t, freeItem({ status: "ended", updated_at: PRO_START, period_start: T, period_end: null }))).toBe("updated");
    expect(await entitlements(t, "user")).toEqual(pro);

    at(PRO_START + 5 * DAY);
    expect(await upsertItem(t, proItem({ status: "canceled", updated_at: PRO_START + 5 * DAY }))).toBe("updated");
    expect(await upsertItem(t, freeItem({ status: "upcoming", updated_at: PRO_START + 5 * DAY, period_start: PRO_END, period_end: null }))).toBe("updated");
    expect(await entitlements(t, "user"), "the canceled plan until its end; upcoming gives nothing").toEqual(pro);

    at(PRO_END);
    expect(await entitlements(t, "user"), "at the instant of period_end, before Clerk's events").toEqual(none);
    expect(await upsertItem(t, proItem({ status: "ended", updated_at: PRO_END }))).toBe("updated");
    expect(await upsertItem(t, freeItem({ status: "active", updated_at: PRO_END, period_start: PRO_END, period_end: null }))).toBe("updated");
    expect(await entitlements(t, "user")).toEqual(free);

    const items = await storedItems(t);
    expect(items.map((i) => [i.externalId, i.status, i.planSlug])).toEqual([
      ["csub_item_user_free", "active", "free-plan"],
      ["csub_item_user_pro", "ended", "pro-plan"],
    ]);
    expect(items[0].periodEnd, "the free plan's item has no period end").toBeUndefined();
  });
});

describe("a downgrade scheduled as upcoming, then abandoned", () => {
  test.each(["user", "org"] as const)("%s payer: keeps the paid plan throughout, also past the canceled period end", async (kind) => {
    const t = newConvex();
    await upsertPlans(t);
    const plan = paidPlan(kind);
    const entitled = { plans: [plan.slug], features: featuresOf(plan) };
    const END = T + 30 * DAY;
    const paid = (overrides: Record<string, unknown>) => item(kind, { period_start: T, period_end: END, ...overrides });
    const downgrade = (overrides: Record<string, unknown>) =>
      item(kind, { id: `csub_item_${kind}_downgrade`, plan: FREE, period_start: END, period_end: null, ...overrides });

    at(T);
    expect(await upsertItem(t, paid({ status: "active", updated_at: T }))).toBe("inserted");
    at(T + 3 * DAY);
    expect(await upsertItem(t, paid({ status: "canceled", updated_at: T + 3 * DAY }))).toBe("updated");
    expect(await upsertItem(t, downgrade({ status: "upcoming", updated_at: T + 3 * DAY }))).toBe("inserted");
    expect(await entitlements(t, kind), "upcoming entitles to nothing yet").toEqual(entitled);
    at(T + 4 * DAY);
    expect(await upsertItem(t, downgrade({ status: "abandoned", updated_at: T + 4 * DAY }))).toBe("updated");
    expect(await upsertItem(t, paid({ status: "active", updated_at: T + 4 * DAY }))).toBe("updated");
    expect(await entitlements(t, kind)).toEqual(entitled);
    at(END);
    expect(await entitlements(t, kind), "active again: period_end no longer ends it").toEqual(entitled);

    // The abandonment arriving before the upcoming item: the upcoming one is stale.
    expect(await upsertItem(t, downgrade({ status: "upcoming", updated_at: T + 3 * DAY }))).toBe("stale");
    expect((await storedItems(t)).map((i) => [i.externalId, i.status])).toEqual([
      [`csub_item_${kind}_downgrade`, "abandoned"],
      [`csub_item_${kind}_paid`, "active"],
    ]);
  });
});

// After every sample's time (they are at most two days past T).
const afterSamples = () => beforeEach(() => at(T + 2 * DAY));

describe("subscriptions and their nested items", () => {
  afterSamples();
  test("subscription.created stores the subscription, and its item with the subscription's payer and id", async () => {
    const t = newConvex();
    expect(await t.mutation(internal.subscriptions.upsertFromClerk, { subscription: subscription() })).toBe("inserted");
    const [stored] = await storedItems(t);
    expect(stored).toMatchObject({
      externalId: subscriptionCreated.data.items[0].id,
      subscriptionId: subscriptionCreated.data.id,
      payerId: subscriptionCreated.data.payer_id,
      userId: USER,
      status: "active",
      planSlug: "pro-plan",
    });
    expect(stored.organizationId).toBeUndefined();
    expect(await t.mutation(internal.subscriptions.upsertFromClerk, { subscription: subscription() }), "a duplicate").toBe("unchanged");
    expect(await planChanges(t)).toEqual([[stored.externalId, "active"]]);
  });

  test("an organization's subscription stores its items under the organization", async () => {
    const t = newConvex();
    const orgSubscription = { ...subscription(), payer: { ...subscription().payer, user_id: null, organization_id: ORG } };
    await t.mutation(internal.subscriptions.upsertFromClerk, { subscription: orgSubscription });
    expect((await storedItems(t)).map((i) => [i.organizationId, i.userId])).toEqual([[ORG, undefined]]);
    await upsertPlans(t);
    expect(await entitlements(t, "org")).toEqual({ plans: ["pro-plan"], features: featuresOf(PRO) });
    expect(await entitlements(t, "user")).toEqual(none);
  });

  test("a subscription event whose nested item is older than a standalone item event already stored leaves the item alone", async () => {
    const t = newConvex();
    await upsertPlans(t);
    expect(await upsertItem(t, itemCanceled.data)).toBe("inserted");
    const before = await storedItems(t);
    expect(subscriptionCreated.data.items[0].updated_at).toBeLessThan(itemCanceled.data.updated_at);
    expect(await t.mutation(internal.subscriptions.upsertFromClerk, { subscription: subscription() })).toBe("inserted");
    expect(await storedItems(t)).toEqual(before);
    expect(await planChanges(t)).toEqual([[itemCanceled.data.id, "canceled"]]);
    // And the other way round: the newer standalone event wins over the nested one.
    const t2 = newConvex();
    await t2.mutation(internal.subscriptions.upsertFromClerk, { subscription: subscription() });
    expect(await upsertItem(t2, itemCanceled.data)).toBe("updated");
    expect(await storedItems(t2)).toEqual(before);
  });

  test("a subscription older than the stored one is stale, its items checked each on their own", async () => {
    const t = newConvex();
    const newer = { ...subscription(), status: "past_due", past_due_at: T + DAY, updated_at: T + DAY };
    expect(await t.mutation(internal.subscriptions.upsertFromClerk, { subscription: newer })).toBe("inserted");
    expect(await t.mutation(internal.subscriptions.upsertFromClerk, { subscription: subscription() })).toBe("stale");
    const stored = await t.run(async (ctx) => await ctx.db.query("subscriptions").collect());
    expect(stored.map((s) => [s.status, s.pastDueAt, s.userId])).toEqual([["past_due", T + DAY, USER]]);
  });
});

describe("reconcile pages in the Backend API's shapes", () => {
  afterSamples();
  test("a listing page: items of both payers; its items lack subscription_id, and the stored one is kept", async () => {
    const t = newConvex();
    await t.mutation(internal.subscriptions.upsertFromClerk, { subscription: subscription() });
    const page = listedItems.data.map((i) => ({ ...structuredClone(i), updated_at: (i.updated_at ?? T) + 1 }));
    expect(await t.mutation(internal.subscriptionItems.upsertManyFromClerk, { subscriptionItems: page })).toEqual({
      inserted: 1,
      updated: 1,
      unchanged: 0,
      stale: 0,
      deleted: 0,
    });
    const items = await storedItems(t);
    expect(items.map((i) => [i.externalId, i.subscriptionId, i.userId, i.organizationId, i.interval])).toEqual([
      [listedItems.data[0].id, subscriptionCreated.data.id, USER, undefined, "month"],
      [listedItems.data[1].id, undefined, undefined, ORG, "month"],
    ]);
    expect(await t.query(internal.subscriptionItems.pageExternalIds, { paginationOpts: { numItems: 10, cursor: null } })).toEqual({
      page: [
        { id: listedItems.data[0].id, status: "active", userId: USER },
        { id: listedItems.data[1].id, status: "active", organizationId: ORG },
      ],
      isDone: true,
      continueCursor: expect.any(String),
    });
  });

  test("the payer's subscription re-read: its items without payer keep the stored payer and subscription", async () => {
    const t = newConvex();
    await upsertItem(t, itemCanceled.data);
    const reread = userSubscription.subscription_items.map((i) => {
      const { payer: _payer, ...rest } = structuredClone(i);
      return { ...rest, status: "ended", updated_at: itemCanceled.data.updated_at + DAY };
    });
    expect(await t.mutation(internal.subscriptionItems.upsertManyFromClerk, { subscriptionItems: reread })).toMatchObject({ updated: 1 });
    expect(await storedItems(t)).toEqual([
      expect.objectContaining({ status: "ended", subscriptionId: itemCanceled.data.subscription_id, userId: USER, payerId: itemCanceled.data.payer.id }),
    ]);
  });

  test("plans: upserted from the listing, archived when a complete listing misses one, never deleted, back when listed again", async () => {
    const t = newConvex();
    expect(await upsertPlans(t)).toMatchObject({ inserted: 3 });
    expect(await upsertPlans(t)).toMatchObject({ unchanged: 3 });
    expect(await t.mutation(internal.plans.archiveFromClerk, { planId: FREE.id })).toBe("archived");
    expect(await t.mutation(internal.plans.archiveFromClerk, { planId: FREE.id })).toBe("unchanged");
    expect(await t.mutation(internal.plans.archiveFromClerk, { planId: "cplan_never_seen" })).toBe("absent");
    const stored = await t.run(async (ctx) => await ctx.db.query("plans").collect());
    expect(stored.map((p) => [p.slug, p.payerType, p.featureSlugs, p.archived ?? false])).toEqual([
      ["pro-plan", "user", ["advanced_analytics", "priority_support"], false],
      ["free-plan", "user", ["basic_analytics"], true],
      ["team", "org", ["advanced_analytics", "seats"], false],
    ]);
    // A subscriber of an archived plan keeps its features: the plan is still in the table.
    await upsertItem(t, freeItem({ status: "active", updated_at: T }));
    expect(await entitlements(t, "user")).toEqual({ plans: ["free-plan"], features: ["basic_analytics"] });
    expect(await upsertPlans(t)).toMatchObject({ updated: 1, unchanged: 2 });
    expect(await t.query(internal.plans.pageExternalIds, { paginationOpts: { numItems: 2, cursor: null } })).toEqual({
      page: [PRO.id, FREE.id],
      isDone: false,
      continueCursor: expect.any(String),
    });
  });
});

describe("entitlement helpers", () => {
  async function proUser(t: TestConvex, withPlans = true) {
    if (withPlans) await upsertPlans(t);
    at(T);
    await upsertItem(t, item("user", { status: "active", updated_at: T, period_start: T, period_end: T + 30 * DAY }));
  }

  test("features come from the plans table only: without it, the plan counts and its features fail closed", async () => {
    const t = newConvex();
    await proUser(t, false);
    expect(await entitlements(t, "user")).toEqual({ plans: ["pro-plan"], features: [] });
    await upsertPlans(t);
    expect(await entitlements(t, "user")).toEqual({ plans: ["pro-plan"], features: ["advanced_analytics", "priority_support"] });
  });

  test("a deleted payer grants nothing, though Clerk sends no billing event for it", async () => {
    const t = newConvex();
    await proUser(t);
    at(T + DAY);
    const teamItem = item("org", { status: "active", updated_at: T + DAY, period_start: T, period_end: T + 30 * DAY });
    await upsertItem(t, teamItem);
    expect(await entitlements(t, "org")).toEqual({ plans: ["team"], features: featuresOf(TEAM) });
    await t.mutation(internal.organizations.deleteFromClerk, { organizationId: ORG });
    await t.mutation(internal.users.deleteFromClerk, { userId: USER });
    expect(await entitlements(t, "org")).toEqual(none);
    expect(await entitlements(t, "user")).toEqual(none);
    expect((await storedItems(t)).map((i) => i.status), "the items themselves stay as Clerk left them").toEqual(["active", "active"]);
  });

  test("the guarded mutation: FeatureRequired without the feature, runs with it; for an organization, members only", async () => {
    const t = newConvex();
    const asUser = t.withIdentity({ subject: USER });
    await expect(asUser.mutation(api.billing.startExport, {})).rejects.toThrow(/FeatureRequired/);
    await proUser(t, false);
    await expect(asUser.mutation(api.billing.startExport, {}), "plan without the plans table").rejects.toThrow(/FeatureRequired/);
    await upsertPlans(t);
    expect(await asUser.mutation(api.billing.startExport, {})).toMatchObject({ ownerId: USER });
    await expect(t.mutation(api.billing.startExport, {})).rejects.toThrow(/NotSignedIn/);
    await expect(asUser.mutation(api.billing.startExport, { organizationId: ORG })).rejects.toThrow(/NotAMember/);
  });

  test("hasPlan, hasFeature, requirePlan, requireFeature over payers", async () => {
    const t = newConvex();
    await proUser(t);
    const { clerk } = await import("./clerk");
    await t.withIdentity({ subject: USER }).run(async (ctx) => {
      expect(await clerk.hasPlan(ctx, "pro-plan")).toBe(true);
      expect(await clerk.hasPlan(ctx, "pro-plan", { organizationId: ORG })).toBe(false);
      expect(await clerk.hasFeature(ctx, "priority_support", { userId: USER })).toBe(true);
      expect(await clerk.hasFeature(ctx, "seats")).toBe(false);
      await expect(clerk.requirePlan(ctx, "team")).rejects.toThrow(/PlanRequired/);
      await expect(clerk.requireFeature(ctx, "seats", { organizationId: ORG })).rejects.toThrow(/FeatureRequired/);
      await clerk.requireFeature(ctx, "advanced_analytics");
      expect(await clerk.getEntitlements(ctx)).toEqual({ plans: ["pro-plan"], features: ["advanced_analytics", "priority_support"] });
    });
    expect(await t.run(async (ctx) => await clerk.getEntitlements(ctx)), "signed out: nothing").toEqual(none);
    const error = await t.run(async (ctx) => await clerk.requirePlan(ctx, "pro-plan")).catch((e: unknown) => e);
    expect((error as { data: { code: string } }).data.code).toBe("NotSignedIn");
  });

  test("the error a client reads names the missing plan or feature", async () => {
    const t = newConvex();
    const { clerk } = await import("./clerk");
    const error = await t.run(async (ctx) => await clerk.requireFeature(ctx, "seats", { organizationId: ORG })).catch((e: unknown) => e);
    expect((error as { data: unknown }).data).toEqual({
      code: "FeatureRequired",
      message: expect.stringContaining("seats"),
      feature: "seats",
      organizationId: ORG,
    });
  });
});
