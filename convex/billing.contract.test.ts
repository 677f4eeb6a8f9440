// The contract's billing and invitation entries (contract/convex-requests.json):
// the bodies the runtime sends for Clerk's sample payloads and Backend API
// listings, each run through the named internal function as sent.
import { describe, expect, test } from "vitest";
import type { FunctionReference } from "convex/server";
import { internal } from "./_generated/api";
import contract from "../contract/convex-requests.json";
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
import { newConvex, type TestConvex } from "./testing.helpers";

type Request = { path: string; args: Record<string, unknown>; format: string };
type Entry = { event?: string; reconcile?: string; kind?: string; listing?: string; request: Request };
const kinds = ["subscriptions", "subscriptionItems", "plans", "invitations"];
const entries = (contract as Entry[]).filter((e) => kinds.includes(e.request.path.split(":")[0]));
const webhooks = entries.filter((e) => e.event);
const reconciles = entries.filter((e) => e.reconcile);

// The runtime names functions by path (a path this app lacks fails in convex-test);
// pageExternalIds are queries, the rest mutations.
function send(t: TestConvex, { path, args }: Request): Promise<unknown> {
  const [module, name] = path.split(":");
  const ref = (internal as unknown as Record<string, Record<string, FunctionReference<"query" | "mutation", "internal">>>)[module][name];
  return name === "pageExternalIds" ? t.query(ref as FunctionReference<"query", "internal">, args) : t.mutation(ref as FunctionReference<"mutation", "internal">, args);
}
const request = (path: string, args: Record<string, unknown>) => ({ path, args, format: "json" });
const counts = (n: Record<string, number>) => ({ inserted: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0, ...n });
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

  test.each(webhooks.map((e) => [e.event, e.request]))("%s is accepted on its own", async (_, body) => {
    const t = newConvex();
    expect(await send(t, body)).toBe("inserted");
  });

  test.each(reconciles.map((e) => [`${e.kind} ${e.reconcile}`, e]))("%s is accepted on its own and answers its shape", async (_, { reconcile, request: body }) => {
    const t = newConvex();
    const answer = await send(t, body);
    if (body.path.endsWith(":upsertManyFromClerk")) {
      const [sent] = Object.values(body.args) as unknown[][];
      expect(answer, "a fresh deployment inserts the whole page").toEqual(counts({ inserted: sent.length }));
    } else if (reconcile === "pageExternalIds") {
      expect(answer).toEqual({ page: [], isDone: true, continueCursor: expect.any(String) });
    } else {
      expect(answer, "nothing stored yet").toBe("absent");
    }
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
