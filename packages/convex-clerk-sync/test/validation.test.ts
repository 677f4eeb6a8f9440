/// <reference types="vite/client" />
// One poisoned version must not block an object for good (issue 22, finding
// 6): the validators refuse timestamps that are negative or more than a day
// ahead, and ids, keys, roles and lists longer than Clerk makes them.
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { describe, expect, test } from "vitest";
import schema from "./app/schema";

const modules = import.meta.glob(["./app/**/*.ts", "./app/**/*.js"]);
const newConvex = () => convexTest({ schema, modules, transactionLimits: true });
const fn = anyApi as any;
const T0 = 1_716_883_200_000;
const DAY = 24 * 60 * 60 * 1000;
const org = (extra: Record<string, unknown> = {}) => ({ id: "org_v", updated_at: T0, name: "Acme", ...extra });
const mem = (extra: Record<string, unknown> = {}) => ({
  id: "orgmem_v",
  updated_at: T0,
  role: "org:member",
  organization: org(),
  public_user_data: { user_id: "user_v" },
  ...extra,
});
const upsertOrg = (t: ReturnType<typeof newConvex>, o: unknown) => t.mutation(fn.organizations.upsertFromClerk, { organization: o });
const upsertMem = (t: ReturnType<typeof newConvex>, m: unknown) => t.mutation(fn.memberships.upsertFromClerk, { membership: m });

describe("timestamps", () => {
  test.each([
    ["-1", -1],
    ["1e308", 1e308],
    ["a day and a minute ahead", () => Date.now() + DAY + 60_000],
  ])("updated_at %s is refused, and the real updates after it still apply", async (_, at) => {
    const t = newConvex();
    const poisoned = typeof at === "function" ? at() : at;
    await expect(upsertOrg(t, org({ updated_at: poisoned }))).rejects.toThrow(/organization.updated_at must be a time in ms from 0 to a day ahead of now/);
    expect(await upsertOrg(t, org())).toBe("inserted");
    expect(await upsertOrg(t, org({ updated_at: T0 + 1, name: "Real" }))).toBe("updated");
  });

  test("a nested organization with updated_at 1e15 is refused with its membership, and does not overwrite the organization", async () => {
    const t = newConvex();
    await upsertOrg(t, org());
    await expect(upsertMem(t, mem({ organization: org({ updated_at: 1e15, name: "Poisoned" }) }))).rejects.toThrow(
      /organization.updated_at must be a time/,
    );
    expect(await upsertOrg(t, org({ updated_at: T0 + 1, name: "Real" }))).toBe("updated");
  });

  test("created_at is bounded too; a timestamp within the day ahead is accepted (clocks drift)", async () => {
    const t = newConvex();
    await expect(upsertMem(t, mem({ created_at: -5 }))).rejects.toThrow(/membership.created_at must be a time/);
    expect(await upsertOrg(t, org({ updated_at: Date.now() + DAY - 60_000 }))).toBe("inserted");
  });
});

describe("ids, keys, roles and lists", () => {
  test.each([
    ["a 5,004-character id", { id: "org_" + "x".repeat(5_000) }],
    ["an id with NUL", { id: "org_a\u0000b" }],
    ["an id with a right-to-left override", { id: "org_\u202Eevil" }],
  ])("an organization with %s is refused", async (_, extra) => {
    const t = newConvex();
    await expect(upsertOrg(t, org(extra))).rejects.toThrow(/organization.id must be a Clerk id/);
  });

  test.each([
    ["a 200 KB role", { role: "org:" + "r".repeat(200_000) }, /membership.role must be a key/],
    ["20,000 permissions", { permissions: Array.from({ length: 20_000 }, (_, i) => `org:p${i}`) }, /membership.permissions holds 20000/],
    ["a permission with a space", { permissions: ["org:a b"] }, /membership.permissions\[0\] must be a key/],
    ["a user id of 5,000 characters", { public_user_data: { user_id: "u".repeat(5_000) } }, /public_user_data.user_id must be a Clerk id/],
  ])("a membership with %s is refused, naming the field and the membership", async (_, extra, message) => {
    const t = newConvex();
    const error = await upsertMem(t, mem(extra)).catch((e) => e);
    expect(String(error.data)).toMatch(message);
    expect(String(error.data)).toMatch(/\(membership orgmem_v\)/);
  });

  test("a role with too many permissions, or a permission without an id, is refused", async () => {
    const t = newConvex();
    const role = (permissions: unknown[]) => ({ id: "role_v", key: "org:v", name: "V", updated_at: T0, permissions });
    await expect(
      t.mutation(fn.roles.upsertFromClerk, { role: role(Array.from({ length: 1_001 }, (_, i) => ({ id: `perm_${i}`, key: `org:p${i}` }))) }),
    ).rejects.toThrow(/role.permissions holds 1001/);
    await expect(t.mutation(fn.roles.upsertFromClerk, { role: role([{ key: "org:p" }]) })).rejects.toThrow(/role.permissions\[0\].id/);
  });
});

describe("deletes take the id as the upserts do", () => {
  test("an organization id with surrounding spaces is trimmed, so the delete removes the organization", async () => {
    const t = newConvex();
    await upsertOrg(t, org({ id: " org_spaced " }));
    expect(await t.mutation(fn.organizations.deleteFromClerk, { organizationId: " org_spaced  " })).toBe("deleted");
    expect(await t.run(async (ctx) => await ctx.db.query("organizations").collect())).toEqual([]);
  });
});
