import { afterEach, describe, expect, test, vi } from "vitest";
import { convexTest } from "convex-test";
import { MAX_MEMBERSHIP_BATCH } from "@clerk-convex-sync/convex";
import { internal } from "./_generated/api";
import { clerk } from "./clerk";
import orgCreated from "./fixtures/organization.created.json";
import memCreated from "./fixtures/organizationMembership.created.json";
import schema from "./schema";
import {
  modules,
  newConvex,
  organizationSnapshot,
  permutations,
  seededRandom,
  withDuplicates,
  type TestConvex,
} from "./testing.helpers";

const ORG = "org_29w9IfBrPmcpi0IeBVaKtA7R94W";
const MEM = "orgmem_29w9IptNja3mP8GDXpquBwN2qR9";
const USER = "user_29w83sxmDNGwOuEthce5gg56FcC";
const T0 = 1654013202977;

const organization = (overrides: Record<string, unknown> = {}) => ({ ...structuredClone(orgCreated.data), ...overrides });
const membership = (overrides: Record<string, unknown> = {}) => ({ ...structuredClone(memCreated.data), ...overrides });
const member = (userId: string, org = organization(), overrides: Record<string, unknown> = {}) =>
  membership({
    id: `orgmem_${org.id}_${userId}`,
    organization: org,
    public_user_data: { ...memCreated.data.public_user_data, user_id: userId },
    ...overrides,
  });

// One organization and one member, as Clerk sends them: the membership events
// carry the organization as of their time; the deleted membership carries an
// OLDER updated_at than the update before it (as in Clerk's own examples).
const orgV1 = organization({ name: "Acme", updated_at: T0 });
const orgV2 = organization({ name: "Acme Renamed", slug: "acme-renamed", image_url: null, updated_at: T0 + 100 });
const memV1 = membership({ role: "org:member", updated_at: T0 + 10, organization: orgV1 });
const memV2 = membership({
  role: "org:admin",
  permissions: ["org:sys_memberships:manage"],
  updated_at: T0 + 200,
  organization: orgV2,
});
const memGone = membership({ role: "org:admin", updated_at: T0 + 10, organization: orgV2 });

type Name = "org created" | "org updated" | "membership created" | "membership updated" | "membership deleted" | "org deleted";
type Event = { name: Name; deliver: (t: TestConvex) => Promise<unknown> };
const events: Event[] = [
  { name: "org created", deliver: (t) => t.mutation(internal.organizations.upsertFromClerk, { organization: orgV1 }) },
  { name: "org updated", deliver: (t) => t.mutation(internal.organizations.upsertFromClerk, { organization: orgV2 }) },
  { name: "membership created", deliver: (t) => t.mutation(internal.memberships.upsertFromClerk, { membership: memV1 }) },
  { name: "membership updated", deliver: (t) => t.mutation(internal.memberships.upsertFromClerk, { membership: memV2 }) },
  { name: "membership deleted", deliver: (t) => t.mutation(internal.memberships.deleteFromClerk, { membership: memGone }) },
  { name: "org deleted", deliver: (t) => t.mutation(internal.organizations.deleteFromClerk, { organizationId: ORG }) },
];

// The documents Clerk's data maps to, written out by hand.
const storedOrgV1 = { externalId: ORG, name: "Acme", slug: "acme-inc", imageUrl: "https://img.clerk.com/xxxxxx", clerkUpdatedAt: T0 };
const storedOrgV2 = { externalId: ORG, name: "Acme Renamed", slug: "acme-renamed", clerkUpdatedAt: T0 + 100 };
const storedMemV1 = { externalId: MEM, organizationId: ORG, userId: USER, role: "org:member", clerkUpdatedAt: T0 + 10, clerkCreatedAt: memCreated.data.created_at };
const storedMemV2 = {
  ...storedMemV1,
  role: "org:admin",
  permissions: ["org:sys_memberships:manage"],
  clerkUpdatedAt: T0 + 200,
};

/** What Clerk holds once these events have happened, whatever order they arrived in. */
function clerkState(delivered: Set<Name>) {
  const orgDeleted = delivered.has("org deleted");
  const memDeleted = delivered.has("membership deleted");
  const org = orgDeleted
    ? undefined
    : delivered.has("org updated") || delivered.has("membership updated")
      ? storedOrgV2
      : delivered.has("org created") || delivered.has("membership created")
        ? storedOrgV1
        : undefined;
  const mem =
    orgDeleted || memDeleted
      ? undefined
      : delivered.has("membership updated")
        ? storedMemV2
        : delivered.has("membership created")
          ? storedMemV1
          : undefined;
  return {
    organizations: org ? [org] : [],
    memberships: mem ? [mem] : [],
    workspaces: org ? [{ organizationId: ORG, name: "General" }] : [], // the app's hook: one per organization
    deletedOrganizations: orgDeleted ? [ORG] : [],
    deletedMemberships: memDeleted ? [MEM] : [],
  };
}

/** Delivers the events in turn to a fresh deployment, checking Clerk's state after each when asked to. */
async function play(sequence: Event[], checkEachStep: boolean) {
  const t = newConvex();
  const delivered = new Set<Name>();
  const label = sequence.map((e) => e.name).join(" > ");
  for (const [i, event] of sequence.entries()) {
    await event.deliver(t);
    delivered.add(event.name);
    if (checkEachStep || i === sequence.length - 1) {
      expect(await organizationSnapshot(t), label).toEqual(clerkState(delivered));
    }
  }
}

describe("any order of one organization's and one member's events ends in Clerk's state", () => {
  const orders = permutations(events);
  test("there are 720 orderings of the six events", () => expect(orders).toHaveLength(720));

  // All 720 in one test (each its own fresh deployment): 720 named tests would
  // mostly print names. After every event the state must be Clerk's for the
  // events delivered so far, so no prefix of any order goes wrong either.
  test("every ordering, checked after every event", { timeout: 120_000 }, async () => {
    for (const order of orders) await play(order, true);
  });

  test("duplicates anywhere change nothing (200 orders with repeats, fixed seed)", { timeout: 60_000 }, async () => {
    const random = seededRandom(16);
    for (let run = 0; run < 200; run++) {
      await play(withDuplicates(events, random), false);
    }
  });

  test("each upsert says what it did: inserted, unchanged, stale, updated, deleted", async () => {
    const t = newConvex();
    const upsertOrg = (o: unknown) => t.mutation(internal.organizations.upsertFromClerk, { organization: o });
    const upsertMem = (m: unknown) => t.mutation(internal.memberships.upsertFromClerk, { membership: m });
    expect(await upsertOrg(orgV2)).toBe("inserted");
    expect(await upsertOrg(orgV2)).toBe("unchanged");
    expect(await upsertOrg(orgV1)).toBe("stale");
    expect(await upsertMem(memV2)).toBe("inserted");
    expect(await upsertMem(memV1)).toBe("stale");
    expect(await upsertMem({ ...memV2, updated_at: T0 + 300, role: "org:member" })).toBe("updated");
    expect(await t.mutation(internal.memberships.deleteFromClerk, { membership: memGone })).toBe("deleted");
    expect(await t.mutation(internal.memberships.deleteFromClerk, { membership: memGone })).toBe("absent");
    expect(await upsertMem(memV2)).toBe("deleted");
    expect(await t.mutation(internal.organizations.deleteFromClerk, { organizationId: ORG })).toBe("deleted");
    expect(await upsertOrg({ ...orgV2, updated_at: T0 + 999 })).toBe("deleted");
    expect(await t.mutation(internal.organizations.deleteFromClerk, { organizationId: ORG })).toBe("absent");
  });
});

describe("out-of-order arrival", () => {
  test("a membership of an unknown organization creates it from the nested organization, with its hook", async () => {
    const t = newConvex();
    expect(await t.mutation(internal.memberships.upsertFromClerk, { membership: memV1 })).toBe("inserted");
    expect(await organizationSnapshot(t)).toEqual(clerkState(new Set(["membership created"])));
  });

  test("the nested organization is under the updated_at guard: an older one does not overwrite", async () => {
    const t = newConvex();
    await t.mutation(internal.organizations.upsertFromClerk, { organization: orgV2 });
    await t.mutation(internal.memberships.upsertFromClerk, { membership: memV1 });
    expect((await organizationSnapshot(t)).organizations).toEqual([storedOrgV2]);
  });

  test("a membership of a tombstoned organization is ignored, organization included", async () => {
    const t = newConvex();
    await t.mutation(internal.organizations.deleteFromClerk, { organizationId: ORG });
    expect(await t.mutation(internal.memberships.upsertFromClerk, { membership: memV2 })).toBe("deleted");
    expect(await organizationSnapshot(t)).toEqual(clerkState(new Set(["org deleted"])));
  });

  test("a membership of a user not synced yet is stored, keyed by the Clerk user id", async () => {
    const t = newConvex();
    await t.mutation(internal.memberships.upsertFromClerk, { membership: memV1 });
    expect(await t.query(internal.users.byExternalId, { externalId: USER })).toBeNull();
    expect(await t.run((ctx) => clerk.getMembership(ctx, ORG, USER))).toMatchObject(storedMemV1);
  });

  test("a membership of a deleted user is not stored", async () => {
    const t = newConvex();
    await t.mutation(internal.users.deleteFromClerk, { userId: USER });
    expect(await t.mutation(internal.memberships.upsertFromClerk, { membership: memV1 })).toBe("deleted");
    expect((await organizationSnapshot(t)).memberships).toEqual([]);
  });

  test("a membership without organization, user, role or id is refused, naming the field", async () => {
    const t = newConvex();
    const upsertMem = (m: unknown) => t.mutation(internal.memberships.upsertFromClerk, { membership: m });
    await expect(upsertMem({ ...memV1, organization: null })).rejects.toThrow(/membership.organization.id/);
    await expect(upsertMem({ ...memV1, public_user_data: {} })).rejects.toThrow(/public_user_data.user_id/);
    await expect(upsertMem({ ...memV1, role: "" })).rejects.toThrow(/membership.role/);
    await expect(upsertMem({ ...memV1, id: null })).rejects.toThrow(/membership.id/);
    await expect(t.mutation(internal.memberships.deleteFromClerk, { membership: {} })).rejects.toThrow(/membership.id/);
  });
});

describe("cascades", () => {
  afterEach(() => vi.useRealTimers());
  const SIZE = 5_000;
  const limits = { documentsWritten: 2_500 };

  // Stores ORG through the function and SIZE members straight into the table,
  // in chunks under the write limit: through upsertManyFromClerk the seeding
  // alone takes 10-30 s in convex-test (full batches are tested below).
  async function insertMembers(t: TestConvex, from: number, count: number) {
    for (let start = from; start < from + count; start += 2_000) {
      await t.run(async (ctx) => {
        for (let i = start; i < Math.min(start + 2_000, from + count); i++) {
          const userId = `user_${i}`;
          await ctx.db.insert("memberships", { externalId: `orgmem_${i}`, organizationId: ORG, userId, role: "org:member", clerkUpdatedAt: T0 });
        }
      });
    }
  }
  async function bigOrganization(t: TestConvex) {
    await t.mutation(internal.organizations.upsertFromClerk, { organization: orgV1 });
    await insertMembers(t, 0, SIZE);
  }

  // Shows the limit bites: deleting more memberships than it allows in one transaction fails.
  test(`removing more than ${limits.documentsWritten} memberships in one transaction fails under that limit`, async () => {
    const t = convexTest({ schema, modules, transactionLimits: limits });
    await insertMembers(t, 0, limits.documentsWritten + 1);
    await expect(
      t.run(async (ctx) => {
        for (const m of await ctx.db.query("memberships").collect()) await ctx.db.delete(m._id);
      }),
    ).rejects.toThrow(/documents? written|Too many/i);
  });

  test(`organization.deleted removes all ${SIZE} memberships in steps under that limit; a member arriving mid-cascade is ignored`, { timeout: 60_000 }, async () => {
    vi.useFakeTimers();
    const t = convexTest({ schema, modules, transactionLimits: limits });
    await bigOrganization(t);
    expect(await t.mutation(internal.organizations.deleteFromClerk, { organizationId: ORG })).toBe("deleted");
    const left = await t.run(async (ctx) => (await ctx.db.query("memberships").collect()).length);
    expect(left, "the first step removes at most 1,000").toBe(SIZE - 1_000);
    expect(await t.mutation(internal.memberships.upsertFromClerk, { membership: member("user_late", orgV2) })).toBe("deleted");

    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await organizationSnapshot(t)).toEqual({ ...clerkState(new Set(["org deleted"])) });
  });

  test("user.deleted removes that user's memberships in every organization, and only theirs", async () => {
    const t = newConvex();
    const other = organization({ id: "org_other", name: "Other", slug: "other" });
    for (const m of [member(USER, orgV1), member(USER, other), member("user_stays", orgV1)]) {
      await t.mutation(internal.memberships.upsertFromClerk, { membership: m });
    }
    expect(await t.mutation(internal.users.deleteFromClerk, { userId: USER })).toBe("absent");
    expect((await organizationSnapshot(t)).memberships.map((m) => [m.organizationId, m.userId])).toEqual([
      [ORG, "user_stays"],
    ]);
    expect((await organizationSnapshot(t)).organizations).toHaveLength(2);
  });
});

describe("reconcile: upsertManyFromClerk and pageExternalIds", () => {
  const none = { inserted: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0 };

  test(`a full batch of ${MAX_MEMBERSHIP_BATCH} memberships fits Convex's transaction limits, twice`, async () => {
    const t = newConvex();
    const batch = Array.from({ length: MAX_MEMBERSHIP_BATCH }, (_, i) => member(`user_${i}`, orgV1));
    const send = () => t.mutation(internal.memberships.upsertManyFromClerk, { memberships: batch });
    expect(await send()).toEqual({ ...none, inserted: MAX_MEMBERSHIP_BATCH });
    expect(await send()).toEqual({ ...none, unchanged: MAX_MEMBERSHIP_BATCH });
  });

  test("a batch over the limit, or with a malformed entry, is refused whole", async () => {
    const t = newConvex();
    const batch = Array.from({ length: MAX_MEMBERSHIP_BATCH + 1 }, (_, i) => member(`user_${i}`, orgV1));
    await expect(t.mutation(internal.memberships.upsertManyFromClerk, { memberships: batch })).rejects.toThrow(
      `send at most ${MAX_MEMBERSHIP_BATCH} per call`,
    );
    await expect(
      t.mutation(internal.organizations.upsertManyFromClerk, { organizations: [orgV1, { id: "org_bad" }] }),
    ).rejects.toThrow(/organizations\[1\]: organization.updated_at must be a number \(organization org_bad\)/);
    expect(await organizationSnapshot(t)).toEqual(clerkState(new Set()));
  });

  test("organizations: counts per outcome, tombstones refuse", async () => {
    const t = newConvex();
    await t.mutation(internal.organizations.deleteFromClerk, { organizationId: "org_gone" });
    await t.mutation(internal.organizations.upsertFromClerk, { organization: orgV2 });
    const batch = [orgV1, organization({ id: "org_new" }), organization({ id: "org_gone" }), orgV2];
    expect(await t.mutation(internal.organizations.upsertManyFromClerk, { organizations: batch })).toEqual({
      ...none,
      stale: 1,
      inserted: 1,
      deleted: 1,
      unchanged: 1,
    });
  });

  test("pageExternalIds pages organization ids and {id, organizationId, userId} of memberships", async () => {
    const t = newConvex();
    const batch = Array.from({ length: 5 }, (_, i) => member(`user_${i}`, orgV1));
    await t.mutation(internal.memberships.upsertManyFromClerk, { memberships: batch });
    const seen: unknown[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page: { page: unknown[]; isDone: boolean; continueCursor: string } = await t.query(
        internal.memberships.pageExternalIds,
        { paginationOpts: { numItems: 2, cursor } },
      );
      seen.push(...page.page);
      if (page.isDone) break;
      cursor = page.continueCursor;
    }
    expect(seen).toEqual(
      expect.arrayContaining(batch.map((m) => ({ id: m.id, organizationId: ORG, userId: m.public_user_data.user_id }))),
    );
    expect(seen).toHaveLength(5);
    expect(
      await t.query(internal.organizations.pageExternalIds, { paginationOpts: { numItems: 10, cursor: null } }),
    ).toEqual({ page: [ORG], isDone: true, continueCursor: expect.any(String) });
  });
});

describe("helpers for app code", () => {
  const admin = member("user_admin", orgV1, { role: "org:admin", permissions: ["org:sys_memberships:manage"] });
  const plain = member("user_plain", orgV1, { role: "org:member", permissions: [] });
  async function seeded() {
    const t = newConvex();
    for (const m of [admin, plain]) await t.mutation(internal.memberships.upsertFromClerk, { membership: m });
    return t;
  }
  const as = (t: TestConvex, subject: string) => t.withIdentity({ subject });

  test("requireRole allows a member with one of the roles and returns the membership", async () => {
    const t = await seeded();
    await expect(as(t, "user_admin").run((ctx) => clerk.requireRole(ctx, ORG, ["org:admin", "org:owner"]))).resolves.toMatchObject({
      userId: "user_admin",
      role: "org:admin",
    });
    await expect(as(t, "user_plain").run((ctx) => clerk.requireRole(ctx, ORG, "org:member"))).resolves.toMatchObject({
      userId: "user_plain",
    });
  });

  test("requireRole refuses another role, a non-member and a signed-out caller with a readable ConvexError", async () => {
    const t = await seeded();
    await expect(as(t, "user_plain").run((ctx) => clerk.requireRole(ctx, ORG, "org:admin"))).rejects.toMatchObject({
      data: { code: "Forbidden", organizationId: ORG, roles: ["org:admin"] },
    });
    await expect(as(t, "user_stranger").run((ctx) => clerk.requireRole(ctx, ORG, "org:member"))).rejects.toMatchObject({
      data: { code: "NotAMember", organizationId: ORG },
    });
    await expect(as(t, "user_admin").run((ctx) => clerk.requireRole(ctx, "org_other", "org:admin"))).rejects.toMatchObject({
      data: { code: "NotAMember" },
    });
    await expect(t.run((ctx) => clerk.requireRole(ctx, ORG, "org:admin"))).rejects.toMatchObject({
      data: { code: "NotSignedIn" },
    });
  });

  test("requirePermission allows a held permission and refuses a missing one", async () => {
    const t = await seeded();
    const perm = "org:sys_memberships:manage";
    await expect(as(t, "user_admin").run((ctx) => clerk.requirePermission(ctx, ORG, perm))).resolves.toMatchObject({
      userId: "user_admin",
    });
    await expect(as(t, "user_plain").run((ctx) => clerk.requirePermission(ctx, ORG, perm))).rejects.toMatchObject({
      data: { code: "Forbidden", permission: perm },
    });
    await expect(as(t, "user_admin").run((ctx) => clerk.requirePermission(ctx, ORG, "org:billing:manage"))).rejects.toMatchObject({
      data: { code: "Forbidden" },
    });
  });

  test("a role change reaches the helper: a demoted admin is refused", async () => {
    const t = await seeded();
    await t.mutation(internal.memberships.upsertFromClerk, {
      membership: { ...admin, role: "org:member", permissions: [], updated_at: admin.updated_at + 1 },
    });
    await expect(as(t, "user_admin").run((ctx) => clerk.requireRole(ctx, ORG, "org:admin"))).rejects.toMatchObject({
      data: { code: "Forbidden" },
    });
  });

  test("listMembers pages an organization's members; listUserOrganizations joins a user's organizations", async () => {
    const t = await seeded();
    const other = organization({ id: "org_other", name: "Other", slug: "other", updated_at: T0 });
    await t.mutation(internal.memberships.upsertFromClerk, { membership: member("user_admin", other) });

    const first = await t.run((ctx) => clerk.listMembers(ctx, ORG, { numItems: 1, cursor: null }));
    expect(first.page.map((m) => m.userId)).toEqual(["user_admin"]);
    expect(first.isDone).toBe(false);
    const second = await t.run((ctx) => clerk.listMembers(ctx, ORG, { numItems: 1, cursor: first.continueCursor }));
    expect(second.page.map((m) => m.userId)).toEqual(["user_plain"]);

    const orgs = await t.run((ctx) => clerk.listUserOrganizations(ctx, "user_admin"));
    expect(orgs.map((o) => [o.organization.name, o.membership.role]).sort()).toEqual([
      ["Acme", "org:admin"],
      ["Other", "admin"],
    ]);
    expect(await t.run((ctx) => clerk.listUserOrganizations(ctx, "user_nobody"))).toEqual([]);
  });
});
