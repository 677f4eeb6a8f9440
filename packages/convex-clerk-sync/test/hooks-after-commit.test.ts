/// <reference types="vite/client" />
// hookMode "afterCommit": the sync's write commits first; each hook runs in its
// own scheduled mutation, so a hook that throws never blocks the sync.
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { afterEach, expect, test, vi } from "vitest";
import schema from "./after-commit/schema";

const modules = import.meta.glob(["./after-commit/**/*.ts", "./after-commit/**/*.js"]);
const fn = anyApi as any;
const T0 = 1_700_000_000_000;
const org = (id: string, updated_at: number, name = "Acme") => ({ id, updated_at, name });

afterEach(() => vi.useRealTimers());

test("the write commits without the hook; the hook runs after, with the stored and previous documents", async () => {
  vi.useFakeTimers();
  const t = convexTest(schema, modules);
  const calls = () => t.run(async (ctx) => (await ctx.db.query("hookCalls").collect()).map((c) => [c.hook, c.externalId, c.previous ?? null]));
  expect(await t.mutation(fn.organizations.upsertFromClerk, { organization: org("org_1", T0) })).toBe("inserted");
  expect(await calls(), "not yet: the hook is scheduled").toEqual([]);
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  expect(await calls()).toEqual([["organization.created", "org_1", null]]);
  await t.mutation(fn.organizations.upsertFromClerk, { organization: org("org_1", T0 + 1, "Acme 2") });
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  expect((await calls())[1]).toEqual(["organization.updated", "org_1", T0]);
});

test("a hook that throws does not block the sync: the organization is stored, and its next event applies", async () => {
  vi.useFakeTimers();
  const t = convexTest(schema, modules);
  expect(await t.mutation(fn.organizations.upsertFromClerk, { organization: org("org_hook_fails", T0) })).toBe("inserted");
  await t.finishAllScheduledFunctions(vi.runAllTimers); // the scheduled hook fails (logged), nothing else
  expect(await t.mutation(fn.organizations.upsertFromClerk, { organization: org("org_hook_fails", T0 + 1, "Renamed") })).toBe("updated");
  const stored = await t.run(async (ctx) => await ctx.db.query("organizations").collect());
  expect(stored.map((o) => [o.externalId, o.name])).toEqual([["org_hook_fails", "Renamed"]]);
});

test("a deleted hook gets the removed document, after the commit", async () => {
  vi.useFakeTimers();
  const t = convexTest(schema, modules);
  const membership = { id: "orgmem_1", updated_at: T0, role: "org:member", organization: org("org_2", T0), public_user_data: { user_id: "user_1" } };
  await t.mutation(fn.memberships.upsertFromClerk, { membership });
  expect(await t.mutation(fn.memberships.deleteFromClerk, { membership })).toBe("deleted");
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  const calls = await t.run(async (ctx) => (await ctx.db.query("hookCalls").collect()).map((c) => [c.hook, c.externalId]));
  expect(calls).toEqual([
    ["organization.created", "org_2"],
    ["organizationMembership.deleted", "orgmem_1"],
  ]);
});
