/// <reference types="vite/client" />
// The engine's guarantees, once for every kind: the ordering guard, tombstones
// that win, unchanged by deep equality, batches and id pages. A new kind adds
// a row to `kinds` below.
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { describe, expect, test } from "vitest";
import schema from "./app/schema";

const modules = import.meta.glob(["./app/**/*.ts", "./app/**/*.js"]);
const newConvex = () => convexTest({ schema, modules, transactionLimits: true });
const fn = anyApi as any;
const T0 = 1_700_000_000_000;

type KindCase = {
  module: string;
  table: string;
  one: string;
  many: string;
  /** A Clerk object of the kind; `variant` changes a mapped field. */
  clerk: (id: string, updatedAt: number, variant?: number) => Record<string, unknown>;
  /** The deleteFromClerk arguments; none for a kind Clerk never deletes. */
  deleteArgs?: (id: string) => Record<string, unknown>;
  /** What pageExternalIds lists for the id. */
  listed: (id: string) => unknown;
};

const kinds: KindCase[] = [
  {
    module: "users",
    table: "people",
    one: "user",
    many: "users",
    clerk: (id, updated_at, variant = 0) => ({ id, updated_at, first_name: `Ada ${variant}` }),
    deleteArgs: (id) => ({ userId: id }),
    listed: (id) => id,
  },
  {
    module: "organizations",
    table: "organizations",
    one: "organization",
    many: "organizations",
    clerk: (id, updated_at, variant = 0) => ({ id, updated_at, name: `Acme ${variant}` }),
    deleteArgs: (id) => ({ organizationId: id }),
    listed: (id) => id,
  },
  {
    module: "memberships",
    table: "memberships",
    one: "membership",
    many: "memberships",
    clerk: (id, updated_at, variant = 0) => ({
      id,
      updated_at,
      role: `org:role_${variant}`,
      organization: { id: "org_engine", updated_at: T0, name: "Engine" },
      public_user_data: { user_id: `user_of_${id}` },
    }),
    deleteArgs: (id) => ({ membership: { id } }),
    listed: (id) => ({ id, organizationId: "org_engine", userId: `user_of_${id}` }),
  },
  {
    module: "roles",
    table: "roles",
    one: "role",
    many: "roles",
    clerk: (id, updated_at, variant = 0) => ({
      id,
      updated_at,
      key: `org:role_${id}`,
      name: "Role",
      permissions: [{ id: `perm_${variant}`, key: `org:thing:${variant}` }],
    }),
    deleteArgs: (id) => ({ roleId: id }),
    listed: (id) => id,
  },
  {
    module: "invitations",
    table: "invitations",
    one: "invitation",
    many: "invitations",
    clerk: (id, updated_at, variant = 0) => ({
      id,
      updated_at,
      created_at: T0,
      object: "organization_invitation",
      email_address: `invitee_${variant}@example.com`,
      role: "org:member",
      role_name: "Member",
      organization_id: "org_engine",
      status: "pending",
      public_metadata: {},
      url: null,
      expires_at: null,
    }),
    deleteArgs: (id) => ({ invitationId: id }),
    listed: (id) => ({ id, organizationId: "org_engine" }),
  },
  {
    module: "subscriptionItems",
    table: "subscriptionItems",
    one: "subscriptionItem",
    many: "subscriptionItems",
    clerk: (id, updated_at, variant = 0) => ({
      id,
      updated_at,
      created_at: T0,
      object: "commerce_subscription_item",
      status: ["active", "canceled", "ended"][variant],
      is_free_trial: false,
      period_start: T0,
      period_end: null,
      interval: "month",
      plan_id: null,
      plan: null,
      subscription_id: "csub_engine",
      payer: { id: "cpayer_engine", user_id: "user_engine", organization_id: "" },
    }),
    listed: (id) => ({ id, status: expect.any(String), userId: "user_engine" }),
  },
];

describe.each(kinds.map((k) => [k.module, k] as const))("the engine, for %s", (_, k) => {
  const upsert = (t: ReturnType<typeof newConvex>, clerk: unknown) => t.mutation(fn[k.module].upsertFromClerk, { [k.one]: clerk });
  const stored = (t: ReturnType<typeof newConvex>) =>
    t.run(async (ctx) => (await ctx.db.query(k.table as never).collect()).map((d: any) => [d.externalId, d.clerkUpdatedAt]));

  test("inserted, unchanged on the same data, updated when newer, stale when older", async () => {
    const t = newConvex();
    expect(await upsert(t, k.clerk("id_1", T0))).toBe("inserted");
    expect(await upsert(t, k.clerk("id_1", T0))).toBe("unchanged");
    expect(await upsert(t, k.clerk("id_1", T0 + 5, 1))).toBe("updated");
    expect(await upsert(t, k.clerk("id_1", T0 + 1, 2))).toBe("stale");
    expect(await upsert(t, k.clerk("id_1", T0 + 5, 1))).toBe("unchanged");
    expect(await stored(t)).toEqual([["id_1", T0 + 5]]);
  });

  test.skipIf(!k.deleteArgs)("a delete wins: tombstoned, never brought back; a second delete is absent; an id with spaces is trimmed", async () => {
    const t = newConvex();
    const deleteArgs = k.deleteArgs!;
    await upsert(t, k.clerk("id_2", T0));
    expect(await t.mutation(fn[k.module].deleteFromClerk, deleteArgs("id_2"))).toBe("deleted");
    expect(await t.mutation(fn[k.module].deleteFromClerk, deleteArgs("id_2"))).toBe("absent");
    expect(await upsert(t, k.clerk("id_2", T0 + 1_000))).toBe("deleted");
    await upsert(t, k.clerk("id_3", T0));
    expect(await t.mutation(fn[k.module].deleteFromClerk, deleteArgs("  id_3 "))).toBe("deleted");
    expect(await stored(t)).toEqual([]);
  });

  test("a batch counts each outcome, in order; the id page lists what is stored", async () => {
    const t = newConvex();
    await upsert(t, k.clerk("id_old", T0 + 10));
    const batch = [k.clerk("id_a", T0), k.clerk("id_a", T0), k.clerk("id_a", T0 + 1, 1), k.clerk("id_old", T0)];
    expect(await t.mutation(fn[k.module].upsertManyFromClerk, { [k.many]: batch })).toEqual({
      inserted: 1,
      unchanged: 1,
      updated: 1,
      stale: 1,
      deleted: 0,
    });
    const page = await t.query(fn[k.module].pageExternalIds, { paginationOpts: { numItems: 10, cursor: null } });
    expect(page).toEqual({ page: expect.any(Array), isDone: true, continueCursor: expect.any(String) });
    expect(page.page).toEqual(expect.arrayContaining([k.listed("id_a"), k.listed("id_old")]));
    expect(page.page).toHaveLength(2);
  });
});
