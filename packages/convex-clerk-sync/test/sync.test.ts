/// <reference types="vite/client" />
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { CASCADE_STEP, clerkSync, isClerkSyncError, membershipFromClerk, organizationFromClerk, userFromClerk } from "../src/index.js";
import schema from "./app/schema";

const modules = import.meta.glob(["./app/**/*.ts", "./app/**/*.js"]);
const newConvex = () => convexTest({ schema, modules, transactionLimits: true });
type T = ReturnType<typeof newConvex>;
const fn = anyApi as any;

const T0 = 1_700_000_000_000;
const user = (id: string, updated_at: number, extra: Record<string, unknown> = {}) => ({ id, updated_at, first_name: "Ada", ...extra });
const org = (id: string, updated_at: number, name = "Acme") => ({ id, updated_at, name, slug: id });
const mem = (id: string, orgId: string, userId: string, updated_at: number, role = "org:member", orgAt = T0) => ({
  id,
  updated_at,
  role,
  organization: org(orgId, orgAt),
  public_user_data: { user_id: userId },
});

async function hookCalls(t: T) {
  return await t.run(async (ctx) =>
    (await ctx.db.query("hookCalls").collect()).map((c) => [c.hook, c.externalId, ...(c.previous ? [c.previous] : [])]),
  );
}

describe("hooks run once per effective change, in the same mutation", () => {
  afterEach(() => vi.useRealTimers());

  test("created, updated and deleted of each kind; never for unchanged, stale, tombstoned or absent", async () => {
    vi.useFakeTimers();
    const t = newConvex();
    const calls: unknown[] = [];
    const expectNew = async (action: () => Promise<unknown>, outcome: unknown, ...expected: unknown[][]) => {
      expect(await action()).toEqual(outcome);
      calls.push(...expected);
      expect(await hookCalls(t)).toEqual(calls);
    };
    const upsertUser = (u: unknown) => () => t.mutation(fn.users.upsertFromClerk, { user: u });
    const upsertOrg = (o: unknown) => () => t.mutation(fn.organizations.upsertFromClerk, { organization: o });
    const upsertMem = (m: unknown) => () => t.mutation(fn.memberships.upsertFromClerk, { membership: m });

    await expectNew(upsertUser(user("user_a", T0)), "inserted", ["user.created", "user_a"]);
    await expectNew(upsertUser(user("user_a", T0)), "unchanged");
    await expectNew(upsertUser(user("user_a", T0 + 5, { first_name: "Ada L." })), "updated", ["user.updated", "user_a", T0]);
    await expectNew(upsertUser(user("user_a", T0 + 1)), "stale");

    await expectNew(upsertOrg(org("org_1", T0)), "inserted", ["organization.created", "org_1"]);
    await expectNew(upsertOrg(org("org_1", T0)), "unchanged");
    await expectNew(upsertOrg(org("org_1", T0 + 5, "Acme 2")), "updated", ["organization.updated", "org_1", T0]);

    // A membership whose nested organization is newer updates the organization too.
    await expectNew(
      upsertMem(mem("orgmem_1", "org_1", "user_a", T0, "org:member", T0 + 9)),
      "inserted",
      ["organization.updated", "org_1", T0 + 5],
      ["organizationMembership.created", "orgmem_1"],
    );
    await expectNew(upsertMem(mem("orgmem_1", "org_1", "user_a", T0, "org:member", T0 + 9)), "unchanged");
    await expectNew(
      upsertMem(mem("orgmem_1", "org_1", "user_a", T0 + 1, "org:admin", T0 + 9)),
      "updated",
      ["organizationMembership.updated", "orgmem_1", T0],
    );
    // A membership of an unknown organization creates it: both created hooks.
    await expectNew(
      upsertMem(mem("orgmem_2", "org_2", "user_a", T0)),
      "inserted",
      ["organization.created", "org_2"],
      ["organizationMembership.created", "orgmem_2"],
    );
    await expectNew(
      () => t.mutation(fn.memberships.deleteFromClerk, { membership: { id: "orgmem_2" } }),
      "deleted",
      ["organizationMembership.deleted", "orgmem_2"],
    );
    await expectNew(() => t.mutation(fn.memberships.deleteFromClerk, { membership: { id: "orgmem_2" } }), "absent");
    await expectNew(upsertMem(mem("orgmem_2", "org_2", "user_a", T0 + 9)), "deleted");

    // Deleting the user cascades to its membership: one deleted hook each.
    await expectNew(
      () => t.mutation(fn.users.deleteFromClerk, { userId: "user_a" }),
      "deleted",
      ["user.deleted", "user_a"],
      ["organizationMembership.deleted", "orgmem_1"],
    );
    await expectNew(() => t.mutation(fn.users.deleteFromClerk, { userId: "user_a" }), "absent");
    await expectNew(upsertUser(user("user_a", T0 + 99)), "deleted");

    // An organization's cascade in steps of 2 (this app's cascadeStep): each membership's hook once.
    for (const u of ["user_x", "user_y", "user_z"]) {
      await expectNew(upsertMem(mem(`orgmem_${u}`, "org_2", u, T0)), "inserted", ["organizationMembership.created", `orgmem_${u}`]);
    }
    await expectNew(
      () => t.mutation(fn.organizations.deleteFromClerk, { organizationId: "org_2" }),
      "deleted",
      ["organization.deleted", "org_2"],
      ["organizationMembership.deleted", "orgmem_user_x"],
      ["organizationMembership.deleted", "orgmem_user_y"],
    );
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    calls.push(["organizationMembership.deleted", "orgmem_user_z"]);
    expect(await hookCalls(t)).toEqual(calls);
    await expectNew(() => t.mutation(fn.organizations.deleteFromClerk, { organizationId: "org_2" }), "absent");
  });

  test("a hook that throws rolls the whole write back", async () => {
    const t = newConvex();
    await expect(t.mutation(fn.organizations.upsertFromClerk, { organization: org("org_hook_fails", T0) })).rejects.toThrow(
      /the app's hook failed/,
    );
    expect(await t.run(async (ctx) => await ctx.db.query("organizations").collect())).toEqual([]);
  });
});

describe("the app's tables and mapping", () => {
  test("renamed tables are written; the app's own field survives an update; a field the mapping drops goes", async () => {
    const t = newConvex();
    await t.mutation(fn.users.upsertFromClerk, { user: user("user_b", T0, { public_metadata: { locale: "de", role: "admin" } }) });
    await t.run(async (ctx) => {
      const person = (await ctx.db.query("people").collect())[0];
      await ctx.db.patch(person._id, { plan: "pro" });
    });
    await t.mutation(fn.users.upsertFromClerk, { user: user("user_b", T0 + 1, { public_metadata: {} }) });
    const [person] = await t.run(async (ctx) => await ctx.db.query("people").collect());
    expect(person).toMatchObject({ externalId: "user_b", name: "Ada", plan: "pro", clerkUpdatedAt: T0 + 1 });
    expect(person.locale, "dropped by the mapping").toBeUndefined();
    expect(person.role, "dropped by Clerk").toBeUndefined();

    await t.mutation(fn.users.deleteFromClerk, { userId: "user_b" });
    expect(await t.run(async (ctx) => (await ctx.db.query("formerPeople").collect()).map((p) => p.externalId))).toEqual([
      "user_b",
    ]);
  });
});

describe("default mapping", () => {
  test("an organization without slug or image keeps its name; without a name it takes the slug", () => {
    expect(organizationFromClerk({ id: "org_1", updated_at: 1, name: "Acme", slug: null, image_url: "" })).toEqual({
      externalId: "org_1",
      name: "Acme",
      slug: undefined,
      imageUrl: undefined,
      clerkUpdatedAt: 1,
    });
    expect(organizationFromClerk({ id: "org_1", updated_at: 1, name: null, slug: "acme" }).name).toBe("acme");
  });

  test("a membership keeps its string permissions only, and names what is missing", () => {
    const base = { id: "orgmem_1", updated_at: 1, role: "org:admin", organization: { id: "org_1" }, public_user_data: { user_id: "user_1" } };
    expect(membershipFromClerk({ ...base, permissions: ["org:a", 3, null] }).permissions).toEqual(["org:a"]);
    expect(membershipFromClerk(base).permissions).toBeUndefined();
    expect(() => membershipFromClerk({ ...base, updated_at: "1" })).toThrow(/membership.updated_at must be a number \(membership orgmem_1\)/);
    expect(() => userFromClerk([])).toThrow(/user must be a Clerk user object/);
  });
});

describe("unchanged is decided by deep equality over whatever the mapping returns", () => {
  test("a mapping that keeps public_metadata (nested objects and arrays): the same user again writes nothing", async () => {
    const t = newConvex();
    const metadata = { role: "admin", flags: { beta: true, tiers: [1, 2, { deep: null }] }, tags: ["a", "b"] };
    const upsert = (m: unknown, at = T0) => t.mutation(fn.users.upsertFromClerk, { user: user("user_meta", at, { public_metadata: m }) });
    expect(await upsert(metadata)).toBe("inserted");
    // A duplicate delivery, and a copy whose keys come in another order.
    expect(await upsert(structuredClone(metadata))).toBe("unchanged");
    expect(await upsert({ tags: ["a", "b"], flags: { tiers: [1, 2, { deep: null }], beta: true }, role: "admin" })).toBe("unchanged");
    expect(await t.mutation(fn.users.upsertManyFromClerk, { users: [user("user_meta", T0, { public_metadata: metadata })] })).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 1,
      stale: 0,
      deleted: 0,
    });
    expect(await hookCalls(t), "user.updated never fired").toEqual([["user.created", "user_meta"]]);
    // A nested change is a change.
    expect(await upsert({ ...metadata, flags: { beta: true, tiers: [1, 2, { deep: 0 }] } })).toBe("updated");
    expect(await upsert({ ...metadata, tags: ["b", "a"] })).toBe("updated");
  });
});

describe("a hook that throws names itself", () => {
  test("a ConvexError HookFailed with the hook and the object, and nothing written", async () => {
    const t = newConvex();
    const error = await t.mutation(fn.organizations.upsertFromClerk, { organization: org("org_hook_fails", T0) }).catch((e) => e);
    expect(error.data).toMatchObject({ code: "HookFailed", hook: "organization.created", externalId: "org_hook_fails" });
    expect(isClerkSyncError(error, "HookFailed")).toBe(true);
    expect(error.data.message).toMatch(/organization\.created failed for org_hook_fails: the app's hook failed/);
    // In a batch, the same error (reconcile's refusedItems carries it).
    await expect(t.mutation(fn.organizations.upsertManyFromClerk, { organizations: [org("org_ok", T0), org("org_hook_fails", T0)] })).rejects.toMatchObject({
      data: { code: "HookFailed", hook: "organization.created", externalId: "org_hook_fails" },
    });
    expect(await t.run(async (ctx) => await ctx.db.query("organizations").collect())).toEqual([]);
  });
});

describe("options that cannot work are refused when the sync is built", () => {
  test.each([0, -1, 1.5, CASCADE_STEP + 1, Number.NaN])("cascadeStep %s", (cascadeStep) => {
    expect(() => clerkSync({ cascadeStep })).toThrow(/cascadeStep must be a whole number from 1 to 1000/);
  });
});
