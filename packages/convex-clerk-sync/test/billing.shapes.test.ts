// The billing and invitation shapes, mappers and the entitlement decision,
// over the real payloads (../../convex/fixtures, copied from Clerk's specs).
import { describe, expect, test } from "vitest";
import {
  entitlementsOf,
  entitles,
  invitationFromClerk,
  isPending,
  payerFromClerk,
  planFromClerk,
  subscriptionFromClerk,
  subscriptionItemFromClerk,
} from "../src/index.js";
import subscriptionCreated from "../../../convex/fixtures/subscription.created.json";
import itemActive from "../../../convex/fixtures/subscriptionItem.active.json";
import itemCanceled from "../../../convex/fixtures/subscriptionItem.canceled.json";
import paymentAttempt from "../../../convex/fixtures/paymentAttempt.updated.json";
import invitationCreated from "../../../convex/fixtures/organizationInvitation.created.json";
import invitationAccepted from "../../../convex/fixtures/organizationInvitation.accepted.json";
import invitationRevoked from "../../../convex/fixtures/organizationInvitation.revoked.json";
import strictCreated from "../../../convex/fixtures/organizationInvitation.created.schema-strict.json";
import strictAccepted from "../../../convex/fixtures/organizationInvitation.accepted.schema-strict.json";
import listedItems from "../../../convex/fixtures/backend/billing_subscription_items.json";
import listedPlans from "../../../convex/fixtures/backend/billing_plans.json";
import listedInvitations from "../../../convex/fixtures/backend/organization_invitations.json";
import userSubscription from "../../../convex/fixtures/backend/user_billing_subscription.json";

const clone = <T>(value: T): T => structuredClone(value);
const USER = "user_34D368EufHwugfYh4yyGNEheM0S";
const ORG = "org_2g7np7Hrk0SN6kj5EDMLDaKNL0S";

describe("subscription items: the webhook and Backend API shapes", () => {
  test("a standalone item event maps with its payer and subscription", () => {
    expect(subscriptionItemFromClerk(itemCanceled.data)).toEqual({
      externalId: "csub_item_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      status: "canceled",
      isFreeTrial: false,
      subscriptionId: "csub_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      payerId: "cpayer_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      userId: USER,
      organizationId: undefined,
      planId: "cplan_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      planSlug: "pro-plan",
      planName: "Pro Plan",
      interval: "month",
      periodStart: 1716883200000,
      periodEnd: 1719561600000,
      clerkUpdatedAt: 1716969600000,
    });
  });

  test("the free plan's item has no period end", () => {
    expect(subscriptionItemFromClerk(itemActive.data)).toMatchObject({ planSlug: "free-plan", periodEnd: undefined });
  });

  test("a nested item takes the subscription's id and payer; its own null subscription_id and missing payer say nothing", () => {
    const nested = subscriptionCreated.data.items[0];
    expect(nested.subscription_id).toBeNull();
    expect(subscriptionItemFromClerk(nested, { subscriptionId: "csub_x", payerId: "cpayer_x", payer: { organizationId: "org_x" } }))
      .toMatchObject({ subscriptionId: "csub_x", payerId: "cpayer_x", organizationId: "org_x", userId: undefined });
    expect(subscriptionItemFromClerk(nested)).toMatchObject({ subscriptionId: undefined, payerId: undefined, userId: undefined });
  });

  test("listed items: plan_period for interval, an organization payer from explicit nulls, no subscription id", () => {
    const [userItem, orgItem] = listedItems.data.map((item) => subscriptionItemFromClerk(item));
    expect(userItem).toMatchObject({ interval: "month", userId: USER, organizationId: undefined, subscriptionId: undefined });
    expect(orgItem).toMatchObject({
      externalId: "csub_item_2g7np7Hrk0SN6kj5EDMLDaKNL0U",
      isFreeTrial: true,
      organizationId: ORG,
      userId: undefined,
      payerId: "cpayer_2g7np7Hrk0SN6kj5EDMLDaKNL0T",
      planSlug: "team",
    });
    // The payer's subscription, re-read: its items are the same listing shape.
    expect(subscriptionItemFromClerk(userSubscription.subscription_items[0])).toEqual(userItem);
  });

  test("unknown fields are tolerated, fields the spec does not require may be missing", () => {
    const item = { ...clone(itemCanceled.data), credit: { amount: 1 }, lifetime_paid: 0, brand_new_field: [1, 2] } as Record<string, unknown>;
    delete item.payer;
    delete item.seats;
    expect(subscriptionItemFromClerk(item)).toMatchObject({ externalId: itemCanceled.data.id, userId: undefined });
  });

  test.each([
    ["updated_at", undefined, /subscriptionItem.updated_at is missing|subscriptionItem.updated_at must be a number/],
    ["status", null, /subscriptionItem.status must not be null/],
    ["period_start", "2024-05-28", /subscriptionItem.period_start must be a number/],
    ["is_free_trial", undefined, /is_free_trial is missing/],
  ])("an item with %s = %s is refused, naming the field", (field, value, message) => {
    const item = clone(itemCanceled.data) as Record<string, unknown>;
    if (value === undefined) delete item[field];
    else item[field] = value;
    expect(() => subscriptionItemFromClerk(item)).toThrow(message);
  });

  test("a listed item without updated_at is refused: versions are ordered by it", () => {
    const item = clone(listedItems.data[0]) as Record<string, unknown>;
    delete item.updated_at;
    expect(() => subscriptionItemFromClerk(item)).toThrow(/updated_at must be a number: items are ordered by it/);
  });

  test("the older SDK-shaped items nested in payment attempts are not items (no updated_at, no interval)", () => {
    expect(() => subscriptionItemFromClerk(paymentAttempt.data.subscription_items[0])).toThrow(/as a webhook item: .* as a Backend API item: /);
  });
});

describe("subscriptions, plans and invitations", () => {
  test("subscription.created maps the subscription with a user payer, and its items with the subscription's id and payer", () => {
    const { items, ...subscription } = subscriptionFromClerk(subscriptionCreated.data);
    expect(items).toEqual([
      {
        ...subscriptionItemFromClerk(subscriptionCreated.data.items[0]),
        subscriptionId: "csub_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
        payerId: "cpayer_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
        userId: USER,
      },
    ]);
    expect(subscription).toEqual({
      externalId: "csub_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      status: "active",
      payerId: "cpayer_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      userId: USER,
      organizationId: undefined,
      activeAt: 1716883200000,
      canceledAt: undefined,
      endedAt: undefined,
      pastDueAt: undefined,
      clerkUpdatedAt: 1716883200000,
    });
  });

  test("a subscription without its payer is refused (the spec requires all fourteen fields but the timestamps)", () => {
    const subscription = clone(subscriptionCreated.data) as Record<string, unknown>;
    delete subscription.payer;
    expect(() => subscriptionFromClerk(subscription)).toThrow(/subscription.payer is missing/);
    const badItem = clone(subscriptionCreated.data);
    (badItem.items[0] as Record<string, unknown>).period_start = null;
    expect(() => subscriptionFromClerk(badItem)).toThrow(/subscription.items\[0\].period_start must not be null/);
    const noTimestamps = clone(subscriptionCreated.data) as Record<string, unknown>;
    for (const key of ["active_at", "canceled_at", "ended_at", "past_due_at"]) delete noTimestamps[key];
    expect(subscriptionFromClerk(noTimestamps)).toMatchObject({ activeAt: undefined });
  });

  test("plans keep their feature slugs, sorted, and their payer type", () => {
    expect(listedPlans.data.map((p) => planFromClerk(p))).toEqual([
      { externalId: "cplan_2g7np7Hrk0SN6kj5EDMLDaKNL0S", slug: "pro-plan", name: "Pro Plan", payerType: "user", featureSlugs: ["advanced_analytics", "priority_support"], isDefault: false, archived: undefined },
      { externalId: "cplan_2g7np7Hrk0SN6kj5EDMLDaKNL0T", slug: "free-plan", name: "Free Plan", payerType: "user", featureSlugs: ["basic_analytics"], isDefault: true, archived: undefined },
      { externalId: "cplan_2g7np7Hrk0SN6kj5EDMLDaKNL0U", slug: "team", name: "Team", payerType: "org", featureSlugs: ["advanced_analytics", "seats"], isDefault: false, archived: undefined },
    ]);
    const noFeatures = clone(listedPlans.data[0]) as Record<string, unknown>;
    delete noFeatures.features;
    expect(planFromClerk(noFeatures).featureSlugs).toEqual([]);
  });

  test("a webhook's small plan is not a plan listing", () => {
    expect(() => planFromClerk(itemCanceled.data.plan)).toThrow(/plan.fee is missing/);
  });

  test("invitations from every source map alike; accepted carries the accepting user", () => {
    const all = [invitationCreated, invitationAccepted, invitationRevoked, strictCreated, strictAccepted].map((e) => invitationFromClerk(e.data));
    expect(all.map((i) => [i.status, i.organizationId, i.emailAddress])).toEqual([
      ["pending", ORG, "jane.doe@acme.com"],
      ["accepted", ORG, "jane.doe@acme.com"],
      ["revoked", ORG, "jane.doe@acme.com"],
      ["pending", ORG, "jane.doe@acme.com"],
      ["accepted", ORG, "jane.doe@acme.com"],
    ]);
    expect(all[1].userId).toBe("user_2h8op3Isl1QR7tKu5FGNfaLKEoU");
    expect(all[3].inviterId).toBe("user_2g7np7Hrk0SN6kj5EDMLDaKNL0S");
    expect(listedInvitations.data.map((i) => invitationFromClerk(i).status)).toEqual(["pending", "expired"]);
  });

  test("an invitation's organization comes from the public organization data when organization_id is missing", () => {
    const nested = clone(strictCreated.data) as Record<string, unknown>;
    delete nested.organization_id;
    expect(invitationFromClerk(nested).organizationId).toBe(ORG);
    const top = { ...clone(invitationCreated.data), organization_id: "", public_organization_data: { id: "org_top" } };
    expect(invitationFromClerk(top).organizationId).toBe("org_top");
    const none = { ...clone(invitationCreated.data), organization_id: null };
    expect(() => invitationFromClerk(none)).toThrow(/invitation.organization_id must be a non-empty string/);
  });

  test("ids and keys are bounded as the engine bounds them; a far-future updated_at is refused", () => {
    expect(() => invitationFromClerk({ ...clone(invitationCreated.data), organization_id: "org 1" })).toThrow(/invitation.organization_id must be a Clerk id/);
    expect(() => invitationFromClerk({ ...clone(invitationCreated.data), role: "x".repeat(200) })).toThrow(/invitation.role must be a key/);
    expect(() => subscriptionItemFromClerk({ ...clone(itemCanceled.data), plan_id: "cplan\u0000" })).toThrow(/subscriptionItem.plan_id must be a Clerk id/);
    expect(() => payerFromClerk({ organization_id: "org_1\u202e" })).toThrow(/payer.organization_id must be a Clerk id/);
    expect(() => subscriptionItemFromClerk({ ...clone(itemCanceled.data), updated_at: Date.now() + 2 * 86_400_000 })).toThrow(/a day ahead of now/);
    const many = { ...clone(subscriptionCreated.data), items: Array.from({ length: 1001 }, () => subscriptionCreated.data.items[0]) };
    expect(() => subscriptionFromClerk(many)).toThrow(/subscription.items holds 1001 items/);
  });

  test("addresses are stored trimmed and lower-cased", () => {
    expect(invitationFromClerk({ ...clone(invitationCreated.data), email_address: " Jane.Doe@ACME.com " }).emailAddress).toBe("jane.doe@acme.com");
  });
});

describe("the entitlement decision", () => {
  test.each([
    [{ user_id: "user_1", organization_id: "" }, { userId: "user_1" }],
    [{ user_id: "user_1", organization_id: null }, { userId: "user_1" }],
    [{ user_id: "user_1" }, { userId: "user_1" }],
    [{ user_id: "", organization_id: "org_1" }, { organizationId: "org_1" }],
    [{ user_id: null, organization_id: "org_1" }, { organizationId: "org_1" }],
    [{ user_id: "user_1", organization_id: "org_1" }, { organizationId: "org_1" }],
    [{ user_id: "", organization_id: "" }, undefined],
    [null, undefined],
  ])("payer %j is %j", (payer, expected) => {
    expect(payerFromClerk(payer)).toEqual(expected);
  });

  const END = 1_719_561_600_000;
  test.each([
    ["active", END, END + 1, true],
    ["active", undefined, END, true],
    ["canceled", END, END - 1, true],
    ["canceled", END, END, false],
    ["canceled", undefined, END, false],
    ["past_due", END, END - 1, false],
    ["upcoming", END, END - 1, false],
    ["ended", END, END - 1, false],
    ["abandoned", END, END - 1, false],
    ["incomplete", END, END - 1, false],
    ["expired", END, END - 1, false],
    ["some_future_status", END, END - 1, false],
  ])("%s with period end %s, at %s: %s", (status, periodEnd, now, expected) => {
    expect(entitles({ status, periodEnd }, now)).toBe(expected);
  });

  test("features come from the plans table only; a plan missing there gives its slug but no features", () => {
    const plans = new Map([["cplan_pro", { slug: "pro", featureSlugs: ["b", "a"] }]]);
    const items = [
      { status: "active", planId: "cplan_pro", planSlug: "pro" },
      { status: "active", planId: "cplan_gone", planSlug: "legacy" },
      { status: "canceled", planId: "cplan_pro", planSlug: "pro", periodEnd: 10 },
      { status: "upcoming", planId: "cplan_other", planSlug: "other" },
    ];
    expect(entitlementsOf(items, (id) => plans.get(id), 5)).toEqual({ plans: ["legacy", "pro"], features: ["a", "b"] });
    expect(entitlementsOf(items.slice(1), (id) => plans.get(id), 10)).toEqual({ plans: ["legacy"], features: [] });
    // An item whose webhook plan was null: the slug comes from the plans table.
    expect(entitlementsOf([{ status: "active", planId: "cplan_pro" }], (id) => plans.get(id), 0)).toEqual({ plans: ["pro"], features: ["a", "b"] });
  });

  test("an invitation is pending until expires_at, exclusive", () => {
    expect(isPending({ status: "pending", expiresAt: 10 }, 9)).toBe(true);
    expect(isPending({ status: "pending", expiresAt: 10 }, 10)).toBe(false);
    expect(isPending({ status: "pending" }, 10)).toBe(true);
    expect(isPending({ status: "accepted", expiresAt: 10 }, 9)).toBe(false);
    expect(isPending({ expiresAt: 10 }, 9)).toBe(false);
  });
});
