/// <reference types="vite/client" />
// A deleted organization grants nothing (issue 22, finding 2), while its
// cascade runs and after a step of it failed. This test app removes two
// memberships per cascade step, so five members take three steps.
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { isClerkSyncError } from "../src/index.js";
import schema from "./app/schema";
import { sync } from "./app/sync";

const modules = import.meta.glob(["./app/**/*.ts", "./app/**/*.js"]);
const newConvex = () => convexTest({ schema, modules, transactionLimits: true });
type T = ReturnType<typeof newConvex>;
const fn = anyApi as any;
const T0 = 1_700_000_000_000;
const ORG = "org_cascading";
const member = (id: string, userId: string, role = "org:admin") => ({
  id,
  created_at: T0,
  updated_at: T0,
  role,
  permissions: ["org:sys_memberships:manage"],
  organization: { id: ORG, updated_at: T0, name: "Cascading" },
  public_user_data: { user_id: userId },
});

/** What each helper answers to `userId` about ORG: nothing a caller could act on, when the organization is deleted. */
async function whatHelpersGrant(t: T, userId: string) {
  const asUser = t.withIdentity({ subject: userId });
  const code = (p: Promise<unknown>) =>
    p.then(
      () => "granted",
      (e) => (isClerkSyncError(e) ? e.data.code : String(e)),
    );
  return await asUser.run(async (ctx) => ({
    getMembership: await sync.getMembership(ctx, ORG, userId),
    requireMembership: await code(sync.requireMembership(ctx, ORG)),
    requireRole: await code(sync.requireRole(ctx, ORG, "org:admin")),
    requirePermission: await code(sync.requirePermission(ctx, ORG, "org:sys_memberships:manage")),
    getPermissions: await sync.getPermissions(ctx, ORG),
    listMembers: (await sync.listMembers(ctx, ORG, { numItems: 10, cursor: null })).page.length,
    listUserOrganizations: (await sync.listUserOrganizations(ctx, userId)).length,
  }));
}
const nothing = {
  getMembership: null,
  requireMembership: "NotAMember",
  requireRole: "NotAMember",
  requirePermission: "NotAMember",
  getPermissions: [],
  listMembers: 0,
  listUserOrganizations: 0,
};
const remaining = (t: T) => t.run(async (ctx) => (await ctx.db.query("memberships").collect()).map((m) => m.externalId).sort());

describe("a deleted organization grants nothing", () => {
  afterEach(() => vi.useRealTimers());

  test("before the deletion every helper grants; while the cascade runs none does", async () => {
    vi.useFakeTimers();
    const t = newConvex();
    for (const i of [1, 2, 3, 4, 5]) await t.mutation(fn.memberships.upsertFromClerk, { membership: member(`orgmem_${i}`, `user_${i}`) });
    expect(await whatHelpersGrant(t, "user_5")).toMatchObject({
      requireRole: "granted",
      requirePermission: "granted",
      listMembers: 5,
      listUserOrganizations: 1,
    });

    await t.mutation(fn.organizations.deleteFromClerk, { organizationId: ORG });
    expect(await remaining(t), "the first step removed two; three wait for the scheduled steps").toHaveLength(3);
    for (const userId of (await remaining(t)).map((id) => id.replace("orgmem_", "user_"))) {
      expect(await whatHelpersGrant(t, userId), userId).toEqual(nothing);
    }
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await remaining(t)).toEqual([]);
  });

  test("a cascade step that failed leaves memberships behind, and they grant nothing", async () => {
    vi.useFakeTimers();
    const t = newConvex();
    // The app's organizationMembership.deleted hook throws for orgmem_hook_fails, so the step that reaches it fails.
    for (const [id, userId] of [["orgmem_a", "user_a"], ["orgmem_b", "user_b"], ["orgmem_hook_fails", "user_c"], ["orgmem_d", "user_d"]]) {
      await t.mutation(fn.memberships.upsertFromClerk, { membership: member(id, userId) });
    }
    await t.mutation(fn.organizations.deleteFromClerk, { organizationId: ORG });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const left = await remaining(t);
    expect(left, "the failed step removed nothing").toEqual(["orgmem_d", "orgmem_hook_fails"]);
    for (const userId of ["user_c", "user_d"]) expect(await whatHelpersGrant(t, userId), userId).toEqual(nothing);
  });
});
