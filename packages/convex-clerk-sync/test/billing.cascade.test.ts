/// <reference types="vite/client" />
// An organization's deletion removes its invitations in the same cascade
// steps as its memberships (this test app's cascadeStep is 2), and refuses
// invitations for it afterwards, also while the cascade runs.
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { afterEach, expect, test, vi } from "vitest";
import schema from "./app/schema";

const modules = import.meta.glob(["./app/**/*.ts", "./app/**/*.js"]);
const fn = anyApi as any;
const T0 = 1_700_000_000_000;
afterEach(() => vi.useRealTimers());

const invitation = (id: string, organizationId: string) => ({
  id,
  updated_at: T0,
  created_at: T0,
  object: "organization_invitation",
  email_address: `${id}@example.com`,
  role: "org:member",
  role_name: "Member",
  organization_id: organizationId,
  status: "pending",
  public_metadata: {},
  url: null,
  expires_at: null,
});
const membership = (id: string, organizationId: string) => ({
  id,
  updated_at: T0,
  role: "org:member",
  organization: { id: organizationId, updated_at: T0, name: "Acme" },
  public_user_data: { user_id: `user_${id}` },
});

test("memberships, then invitations, two per mutation; the other organization's are kept", async () => {
  vi.useFakeTimers();
  const t = convexTest({ schema, modules, transactionLimits: true });
  for (const i of [1, 2, 3]) await t.mutation(fn.memberships.upsertFromClerk, { membership: membership(`orgmem_${i}`, "org_gone") });
  for (const i of [1, 2, 3]) await t.mutation(fn.invitations.upsertFromClerk, { invitation: invitation(`orginv_${i}`, "org_gone") });
  await t.mutation(fn.invitations.upsertFromClerk, { invitation: invitation("orginv_kept", "org_kept") });
  const left = () =>
    t.run(async (ctx) => ({
      memberships: (await ctx.db.query("memberships").collect()).map((m) => m.externalId),
      invitations: (await ctx.db.query("invitations").collect()).map((i) => i.externalId),
    }));

  await t.mutation(fn.organizations.deleteFromClerk, { organizationId: "org_gone" });
  expect(await left(), "the first step").toEqual({ memberships: ["orgmem_3"], invitations: ["orginv_1", "orginv_2", "orginv_3", "orginv_kept"] });
  expect(await t.mutation(fn.invitations.upsertFromClerk, { invitation: invitation("orginv_4", "org_gone") }), "while the cascade runs").toBe(
    "deleted",
  );
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  expect(await left()).toEqual({ memberships: [], invitations: ["orginv_kept"] });
  expect(await t.mutation(fn.invitations.upsertManyFromClerk, { invitations: [invitation("orginv_1", "org_gone")] })).toMatchObject({ deleted: 1 });
});
