// One membership per (organization, user), whatever the arrival order (issue
// 22, finding 1). A member removed and added back gets a new membership id:
// Clerk sends A.created, A.updated, A.deleted, then B.created, B.updated,
// B.deleted; Svix may deliver them in any order, and more than once.
import { describe, expect, test } from "vitest";
import { internal } from "./_generated/api";
import { clerk } from "./clerk";
import memCreated from "./fixtures/organizationMembership.created.json";
import { newConvex, permutations, seededRandom, withDuplicates, type TestConvex } from "./testing.helpers";

const ORG = memCreated.data.organization.id;
const USER = "user_returning";
const C0 = 1_716_883_200_000;
const version = (id: string, created_at: number, updated_at: number, role: string) => ({
  ...structuredClone(memCreated.data),
  id,
  created_at,
  updated_at,
  role,
  public_user_data: { ...memCreated.data.public_user_data, user_id: USER },
});
// A: the first membership; B: the one after the member was added back, created later.
const A1 = version("orgmem_A", C0, C0, "org:member");
const A2 = version("orgmem_A", C0, C0 + 100, "org:admin");
const A3 = version("orgmem_A", C0, C0 + 50, "org:admin"); // .deleted carries an older updated_at, as in Clerk's examples
const B1 = version("orgmem_B", C0 + 1_000, C0 + 1_000, "org:member");
const B2 = version("orgmem_B", C0 + 1_000, C0 + 1_100, "org:viewer");
const B3 = version("orgmem_B", C0 + 1_000, C0 + 1_050, "org:viewer");

type Name = "A created" | "A updated" | "A deleted" | "B created" | "B updated" | "B deleted";
type Event = { name: Name; deliver: (t: TestConvex) => Promise<unknown> };
const upsert = (m: unknown) => (t: TestConvex) => t.mutation(internal.memberships.upsertFromClerk, { membership: m });
const remove = (m: unknown) => (t: TestConvex) => t.mutation(internal.memberships.deleteFromClerk, { membership: m });
const events: Event[] = [
  { name: "A created", deliver: upsert(A1) },
  { name: "A updated", deliver: upsert(A2) },
  { name: "A deleted", deliver: remove(A3) },
  { name: "B created", deliver: upsert(B1) },
  { name: "B updated", deliver: upsert(B2) },
  { name: "B deleted", deliver: remove(B3) },
];

/** The membership Clerk holds, as far as the delivered events tell: B once anything of B is known, else A. */
function expected(delivered: Set<Name>): { externalId: string; role: string } | null {
  const has = (n: Name) => delivered.has(n);
  if (has("B created") || has("B updated") || has("B deleted")) {
    if (has("B deleted")) return null;
    return { externalId: "orgmem_B", role: has("B updated") ? "org:viewer" : "org:member" };
  }
  if (has("A deleted") || !(has("A created") || has("A updated"))) return null;
  return { externalId: "orgmem_A", role: has("A updated") ? "org:admin" : "org:member" };
}

async function check(t: TestConvex, delivered: Set<Name>, label: string) {
  const { stored, read, members, organizations } = await t.run(async (ctx) => ({
    stored: (await ctx.db.query("memberships").collect()).map((m) => ({ externalId: m.externalId, role: m.role })),
    read: await clerk.getMembership(ctx, ORG, USER),
    members: (await clerk.listMembers(ctx, ORG, { numItems: 10, cursor: null })).page.length,
    organizations: (await clerk.listUserOrganizations(ctx, USER)).length,
  }));
  const want = expected(delivered);
  expect(stored, label).toEqual(want ? [want] : []);
  expect(read === null ? null : { externalId: read.externalId, role: read.role }, label).toEqual(want);
  expect([members, organizations], label).toEqual(want ? [1, 1] : [0, 0]);
}

async function play(sequence: Event[]) {
  const t = newConvex();
  const delivered = new Set<Name>();
  const label = sequence.map((e) => e.name).join(" > ");
  for (const event of sequence) {
    await event.deliver(t);
    delivered.add(event.name);
    await check(t, delivered, label);
  }
}

describe("one membership per organization and user, whatever the order", () => {
  test("every ordering of the two memberships' six events, checked after every event", { timeout: 300_000 }, async () => {
    const orders = permutations(events);
    expect(orders).toHaveLength(720);
    for (const order of orders) await play(order);
  });

  test("with duplicates: 60 orders in which each event comes one to three times (fixed seed)", { timeout: 120_000 }, async () => {
    const random = seededRandom(22);
    for (let run = 0; run < 60; run++) {
      await play(withDuplicates(events, random));
    }
  });

  test("the returning member's new membership arriving first: role checks answer, with the new role", async () => {
    const t = newConvex();
    await upsert(B1)(t);
    expect(await upsert(A2)(t), "the older id is refused").toBe("deleted");
    await upsert(B2)(t);
    const asUser = t.withIdentity({ subject: USER });
    const membership = await asUser.run((ctx) => clerk.requireRole(ctx, ORG, "org:viewer"));
    expect(membership.externalId).toBe("orgmem_B");
    await expect(asUser.run((ctx) => clerk.requireRole(ctx, ORG, "org:admin"))).rejects.toMatchObject({
      data: { code: "Forbidden" },
    });
    expect(await t.run(async (ctx) => (await ctx.db.query("deletedMemberships").collect()).map((d) => d.externalId))).toEqual([
      "orgmem_A",
    ]);
  });

  test("the old membership stored first is replaced by the new one, with the deleted and created hooks' order kept", async () => {
    const t = newConvex();
    expect(await upsert(A1)(t)).toBe("inserted");
    expect(await upsert(B1)(t)).toBe("inserted");
    expect(await upsert(A2)(t), "a late update of the old id never brings it back").toBe("deleted");
    expect(await remove(A3)(t), "its delete finds nothing left to remove").toBe("absent");
    await check(t, new Set(["A created", "B created", "A updated", "A deleted"]), "A, B, late A");
  });
});
