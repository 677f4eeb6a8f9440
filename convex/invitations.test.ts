// Organization invitations through the pinned functions, over Clerk's sample
// payloads: created, accepted and revoked in every order; pending ones by
// organization and by address, expired ones left out; an organization's
// deletion removes them.
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { internal } from "./_generated/api";
import { clerk } from "./clerk";
import created from "./fixtures/organizationInvitation.created.json";
import accepted from "./fixtures/organizationInvitation.accepted.json";
import revoked from "./fixtures/organizationInvitation.revoked.json";
import strictCreated from "./fixtures/organizationInvitation.created.schema-strict.json";
import listed from "./fixtures/backend/organization_invitations.json";
import orgCreated from "./fixtures/organization.created.json";
import { invitation, ORG } from "./billing.helpers";
import { newConvex, permutations, type TestConvex } from "./testing.helpers";

// Convex's clock never runs before the last commit, and Clerk objects may not
// be dated more than a day ahead of it: each test starts at the samples' time
// and only moves forward.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(created.data.created_at);
});
afterEach(() => vi.useRealTimers());

const INV = created.data.id;
const EXPIRES = created.data.expires_at; // 1717487999000
const upsert = (t: TestConvex, data: unknown) => t.mutation(internal.invitations.upsertFromClerk, { invitation: data });
const stored = (t: TestConvex) =>
  t.run(async (ctx) => (await ctx.db.query("invitations").collect()).map(({ _id, _creationTime, ...rest }) => rest));
const invitationChanges = (t: TestConvex) =>
  t.run(async (ctx) => (await ctx.db.query("invitationChanges").collect()).map((c) => [c.invitationId, c.change, c.status ?? null]));
const pending = (t: TestConvex, now: number) => {
  vi.setSystemTime(now);
  return t.run(async (ctx) => (await clerk.listPendingInvitations(ctx, ORG)).map((i) => i.externalId));
};

describe("created, accepted and revoked, in every order", () => {
  // Accepted and revoked carry the same updated_at in Clerk's samples (an
  // invitation is either accepted or revoked, never both), so each pair is run
  // in both orders, and the three with the revoke a minute later in all six.
  const later = { ...revoked, data: { ...revoked.data, updated_at: revoked.data.updated_at + 60_000 } };
  const cases: [string, { data: { status: string; updated_at: number } }[], string][] = [
    ["created, accepted", [created, accepted], "accepted"],
    ["created, revoked", [created, revoked], "revoked"],
    ["created, accepted, a later revoke", [created, accepted, later], "revoked"],
  ];
  test.each(cases)("%s: the newest wins whatever the order, duplicates write nothing", async (_, events, endStatus) => {
    for (const order of permutations(events)) {
      const t = newConvex();
      const outcomes = [];
      for (const event of [...order, ...order]) outcomes.push(await upsert(t, event.data));
      const label = order.map((e) => e.data.status).join(" > ");
      const [doc] = await stored(t);
      expect(doc.status, label).toBe(endStatus);
      expect(outcomes.slice(order.length), `${label}: the duplicates`).toEqual(order.map(() => expect.stringMatching(/^(unchanged|stale)$/)));
      const effective = outcomes.filter((o) => o === "inserted" || o === "updated").length;
      expect((await invitationChanges(t)).length, `${label}: a hook per effective change`).toBe(effective);
      expect(await pending(t, created.data.created_at), label).toEqual([]);
    }
  });

  test("the accepted one keeps who accepted", async () => {
    const t = newConvex();
    await upsert(t, accepted.data);
    await upsert(t, created.data);
    expect(await stored(t)).toEqual([
      {
        externalId: INV,
        organizationId: ORG,
        emailAddress: "jane.doe@acme.com",
        role: "org:member",
        roleName: "Member",
        status: "accepted",
        expiresAt: EXPIRES,
        url: created.data.url,
        userId: accepted.data.user_id,
        createdAt: created.data.created_at,
        clerkUpdatedAt: accepted.data.updated_at,
      },
    ]);
    expect(await invitationChanges(t)).toEqual([[INV, "created", "accepted"]]);
  });
});

describe("pending invitations", () => {
  test("by organization and by address, until expires_at (exclusive); Clerk sends no event on expiry", async () => {
    const t = newConvex();
    await upsert(t, created.data);
    await upsert(t, invitation({ id: "orginv_other", email_address: "Sam.Roe@acme.com", expires_at: null }));
    await upsert(t, invitation({ id: "orginv_elsewhere", organization_id: "org_elsewhere", expires_at: EXPIRES + 1000 }));
    const byAddress = (address: string, now: number) => {
      vi.setSystemTime(now);
      return t.run(async (ctx) => (await clerk.listPendingInvitationsForEmail(ctx, address)).map((i) => [i.externalId, i.organizationId]));
    };
    expect(await pending(t, EXPIRES - 1)).toEqual([INV, "orginv_other"]);
    expect(await byAddress("JANE.DOE@acme.com ", EXPIRES - 1)).toEqual([
      [INV, ORG],
      ["orginv_elsewhere", "org_elsewhere"],
    ]);
    expect(await pending(t, EXPIRES), "expired at the instant of expires_at").toEqual(["orginv_other"]);
    expect(await byAddress("jane.doe@acme.com", EXPIRES)).toEqual([["orginv_elsewhere", "org_elsewhere"]]);
    expect(await byAddress("sam.roe@acme.com", EXPIRES * 2)).toEqual([["orginv_other", ORG]]);
  });

  test("a user's pending invitations, by the user's primary address", async () => {
    const t = newConvex();
    const { clerkUser, emailAddress } = await import("./testing.helpers");
    await t.mutation(internal.users.upsertFromClerk, {
      user: clerkUser({ id: "user_jane", email_addresses: [emailAddress("idn_1", "jane.doe@acme.com")], primary_email_address_id: "idn_1" }),
    });
    await upsert(t, created.data);
    vi.setSystemTime(EXPIRES - 1);
    expect(await t.run(async (ctx) => (await clerk.listPendingInvitationsForUser(ctx, "user_jane")).map((i) => i.externalId))).toEqual([INV]);
    expect(await t.run(async (ctx) => await clerk.listPendingInvitationsForUser(ctx, "user_unknown"))).toEqual([]);
  });

  test("a listing's expired invitation is stored as expired and never pending", async () => {
    const t = newConvex();
    const listedAt = listed.data[1].updated_at; // the listing is read after the second one expired
    vi.setSystemTime(listedAt);
    expect(await t.mutation(internal.invitations.upsertManyFromClerk, { invitations: listed.data })).toMatchObject({ inserted: 2 });
    expect(await pending(t, listedAt)).toEqual([listed.data[0].id]);
    expect(await t.query(internal.invitations.pageExternalIds, { paginationOpts: { numItems: 10, cursor: null } })).toEqual({
      page: listed.data.map((i) => ({ id: i.id, organizationId: ORG })),
      isDone: true,
      continueCursor: expect.any(String),
    });
    // The strict sample's later expiry, then the same invitation from the listing: one document.
    expect(await upsert(t, strictCreated.data)).toBe("unchanged");
  });
});

describe("deletes", () => {
  test("deleteFromClerk removes one and keeps a tombstone; a later upsert of it is refused", async () => {
    const t = newConvex();
    await upsert(t, created.data);
    expect(await t.mutation(internal.invitations.deleteFromClerk, { invitationId: INV })).toBe("deleted");
    expect(await t.mutation(internal.invitations.deleteFromClerk, { invitationId: INV })).toBe("absent");
    expect(await upsert(t, accepted.data)).toBe("deleted");
    expect(await stored(t)).toEqual([]);
    expect(await invitationChanges(t)).toEqual([[INV, "created", "pending"], [INV, "deleted", "pending"]]);
  });

  test("an organization's deletion removes its invitations with its memberships; later ones for it are refused", async () => {
    const t = newConvex();
    await t.mutation(internal.organizations.upsertFromClerk, { organization: { ...orgCreated.data, id: ORG } });
    for (let i = 0; i < 5; i++) await upsert(t, invitation({ id: `orginv_${i}`, email_address: `p${i}@acme.com` }));
    await upsert(t, invitation({ id: "orginv_kept", organization_id: "org_elsewhere" }));
    expect(await t.mutation(internal.organizations.deleteFromClerk, { organizationId: ORG })).toBe("deleted");
    expect((await stored(t)).map((i) => i.externalId)).toEqual(["orginv_kept"]);
    expect(await upsert(t, invitation({ id: "orginv_late" }))).toBe("deleted");
    expect((await invitationChanges(t)).filter(([, change]) => change === "deleted")).toHaveLength(5);
  });
});
