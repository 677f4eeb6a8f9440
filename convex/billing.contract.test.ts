// The contract's billing and invitation entries (contract/convex-requests.json):
// the bodies the runtime sends for Clerk's sample payloads and Backend API
// listings, and what they leave in order. Each entry on its own, and the
// argument shapes, are tested with every other kind's in contract.test.ts.
import { describe, expect, test } from "vitest";
import subscriptionCreated from "./fixtures/subscription.created.json";
import itemActive from "./fixtures/subscriptionItem.active.json";
import itemCanceled from "./fixtures/subscriptionItem.canceled.json";
import invitationCreated from "./fixtures/organizationInvitation.created.json";
import invitationCreatedStrict from "./fixtures/organizationInvitation.created.schema-strict.json";
import invitationAccepted from "./fixtures/organizationInvitation.accepted.json";
import invitationAcceptedStrict from "./fixtures/organizationInvitation.accepted.schema-strict.json";
import invitationRevoked from "./fixtures/organizationInvitation.revoked.json";
import invitationRevokedStrict from "./fixtures/organizationInvitation.revoked.schema-strict.json";
import listedPlans from "./fixtures/backend/billing_plans.json";
import listedItems from "./fixtures/backend/billing_subscription_items.json";
import listedInvitations from "./fixtures/backend/organization_invitations.json";
import userSubscription from "./fixtures/backend/user_billing_subscription.json";
import { allReconciles, allWebhooks, counts, request, send } from "./contract.helpers";
import { newConvex } from "./testing.helpers";

const kinds = ["subscriptions", "subscriptionItems", "plans", "invitations"];
const ofKinds = (e: { request: { path: string } }) => kinds.includes(e.request.path.split(":")[0]);
const webhooks = allWebhooks.filter(ofKinds);
const reconciles = allReconciles.filter(ofKinds);
const firstPage = { paginationOpts: { numItems: 100, cursor: null } };

describe("contract/convex-requests.json, billing and invitations", () => {
  test("has every entry, each sending Clerk's data unchanged under the argument the function takes", () => {
    expect(webhooks.map((e) => [e.event, e.request])).toEqual([
      ["subscription.created.json", request("subscriptions:upsertFromClerk", { subscription: subscriptionCreated.data })],
      ["subscriptionItem.active.json", request("subscriptionItems:upsertFromClerk", { subscriptionItem: itemActive.data })],
      ["subscriptionItem.canceled.json", request("subscriptionItems:upsertFromClerk", { subscriptionItem: itemCanceled.data })],
      ...[
        ["organizationInvitation.created.json", invitationCreated],
        ["organizationInvitation.created.schema-strict.json", invitationCreatedStrict],
        ["organizationInvitation.accepted.json", invitationAccepted],
        ["organizationInvitation.accepted.schema-strict.json", invitationAcceptedStrict],
        ["organizationInvitation.revoked.json", invitationRevoked],
        ["organizationInvitation.revoked.schema-strict.json", invitationRevokedStrict],
      ].map(([event, payload]) => [event, request("invitations:upsertFromClerk", { invitation: (payload as { data: unknown }).data })]),
    ]);
    expect(reconciles.map((e) => [e.kind, e.reconcile, e.listing ?? null, e.request])).toEqual([
      ["invitations", "upsertManyFromClerk", "backend/organization_invitations.json", request("invitations:upsertManyFromClerk", { invitations: listedInvitations.data })],
      ["invitations", "pageExternalIds", null, request("invitations:pageExternalIds", firstPage)],
      ["plans", "upsertManyFromClerk", "backend/billing_plans.json", request("plans:upsertManyFromClerk", { plans: listedPlans.data })],
      ["plans", "pageExternalIds", null, request("plans:pageExternalIds", firstPage)],
      ["subscriptionItems", "upsertManyFromClerk", "backend/billing_subscription_items.json", request("subscriptionItems:upsertManyFromClerk", { subscriptionItems: listedItems.data })],
      ["subscriptionItems", "pageExternalIds", null, request("subscriptionItems:pageExternalIds", firstPage)],
      ["invitations", "deleteFromClerk", null, request("invitations:deleteFromClerk", { invitationId: invitationCreated.data.id })],
      ["plans", "archiveFromClerk", null, request("plans:archiveFromClerk", { planId: listedPlans.data[1].id })],
      ["subscriptionItems", "rereadThroughPayer", "backend/user_billing_subscription.json", request("subscriptionItems:upsertManyFromClerk", { subscriptionItems: userSubscription.subscription_items })],
    ]);
  });

  test("the webhook bodies in order: the subscription with its item, then the free and the canceled item versions; the invitation ends revoked", async () => {
    const t = newConvex();
    const outcomes = [];
    for (const { request: body } of webhooks) outcomes.push(await send(t, body));
    // Clerk's samples reuse one item id: the free-plan sample has the same updated_at as the
    // subscription's nested item but other data (applied: ties go to the later arrival); the
    // canceled one is newer. The invitation's strict samples differ from the plain ones.
    expect(outcomes).toEqual(["inserted", "updated", "updated", "inserted", "updated", "updated", "updated", "updated", "updated"]);
    const state = await t.run(async (ctx) => ({
      subscriptions: (await ctx.db.query("subscriptions").collect()).map((s) => [s.externalId, s.status, s.userId]),
      items: (await ctx.db.query("subscriptionItems").collect()).map((i) => [i.externalId, i.status, i.subscriptionId, i.userId, i.planSlug]),
      invitations: (await ctx.db.query("invitations").collect()).map((i) => [i.externalId, i.status, i.inviterId]),
    }));
    expect(state).toEqual({
      subscriptions: [[subscriptionCreated.data.id, "active", itemCanceled.data.payer.user_id]],
      items: [[itemCanceled.data.id, "canceled", itemCanceled.data.subscription_id, itemCanceled.data.payer.user_id, "pro-plan"]],
      invitations: [[invitationCreated.data.id, "revoked", invitationRevokedStrict.data.inviter_id]],
    });
  });

  test("a reconcile pass on an empty deployment: listed, paged, archived, deleted; a second pass is all unchanged", async () => {
    const t = newConvex();
    const body = (kind: string, reconcile: string) => reconciles.find((e) => e.kind === kind && e.reconcile === reconcile)!.request;
    await send(t, body("plans", "upsertManyFromClerk"));
    await send(t, body("subscriptionItems", "upsertManyFromClerk"));
    await send(t, body("invitations", "upsertManyFromClerk"));
    expect(await send(t, body("plans", "pageExternalIds"))).toMatchObject({ page: listedPlans.data.map((p) => p.id), isDone: true });
    expect(await send(t, body("subscriptionItems", "pageExternalIds"))).toMatchObject({
      page: [
        { id: listedItems.data[0].id, status: "active", userId: listedItems.data[0].payer.user_id },
        { id: listedItems.data[1].id, status: "active", organizationId: listedItems.data[1].payer.organization_id },
      ],
    });
    expect(await send(t, body("invitations", "pageExternalIds"))).toMatchObject({
      page: listedInvitations.data.map((i) => ({ id: i.id, organizationId: i.organization_id })),
    });
    expect(await send(t, body("subscriptionItems", "rereadThroughPayer"))).toEqual(counts({ unchanged: 1 }));
    expect(await send(t, body("plans", "archiveFromClerk"))).toBe("archived");
    expect(await send(t, body("invitations", "deleteFromClerk"))).toBe("deleted");
    expect(await send(t, body("subscriptionItems", "upsertManyFromClerk"))).toEqual(counts({ unchanged: 2 }));
    expect(await send(t, body("invitations", "upsertManyFromClerk")), "the deleted one stays deleted").toEqual(counts({ unchanged: 1, deleted: 1 }));
    expect(await send(t, body("plans", "upsertManyFromClerk")), "listed again: no longer archived").toEqual(counts({ unchanged: 2, updated: 1 }));
  });

  test.each([
    ["the subscription under another name", "subscriptions:upsertFromClerk", { data: subscriptionCreated.data }],
    ["the item under the event's name", "subscriptionItems:upsertFromClerk", { item: itemActive.data }],
    ["one item instead of a list", "subscriptionItems:upsertManyFromClerk", { subscriptionItems: itemActive.data }],
    ["a numeric plan id", "plans:archiveFromClerk", { planId: 42 }],
    ["the invitation instead of its id", "invitations:deleteFromClerk", { invitationId: invitationCreated.data }],
    ["pagination without numItems", "invitations:pageExternalIds", { paginationOpts: { cursor: null } }],
  ])("a body with %s is rejected by the argument validator", async (_, path, args) => {
    await expect(send(newConvex(), request(path, args))).rejects.toThrow(/Validator error/);
  });

  test.each([
    ["an item without updated_at", "subscriptionItems:upsertFromClerk", { subscriptionItem: { ...itemActive.data, updated_at: undefined } }, /updated_at/],
    ["a listed plan with a null slug", "plans:upsertManyFromClerk", { plans: [listedPlans.data[0], { ...listedPlans.data[1], slug: null }] }, /plans\[1\].*slug must not be null/],
    ["an invitation without its address", "invitations:upsertFromClerk", { invitation: { ...invitationCreated.data, email_address: undefined } }, /invitation.email_address is missing/],
  ])("a body with %s is refused, naming the field", async (_, path, args, message) => {
    await expect(send(newConvex(), request(path, args))).rejects.toThrow(message);
  });
});
