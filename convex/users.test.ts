import { describe, expect, test } from "vitest";
import { internal, api } from "./_generated/api";
import { clerkUser, emailAddress, newConvex, snapshot, type TestConvex } from "./testing.helpers";
import type { PaginationResult } from "convex/server";
import type { Doc } from "./_generated/dataModel";
import { getCurrentUserOrThrow } from "./users";

const USER_ID = "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
const T0 = 1716883200000;

// One user's life: created, updated twice, deleted.
const created = clerkUser({ updated_at: T0 });
const updatedV1 = clerkUser({
  updated_at: T0 + 1_000,
  last_name: "Doe v1",
  public_metadata: { role: "member" },
});
const updatedV2 = clerkUser({
  updated_at: T0 + 2_000,
  last_name: "Doe v2",
  image_url: "https://img.clerk.com/v2",
  public_metadata: { role: "admin" },
});

type Event = { name: string; deliver: (t: TestConvex) => Promise<unknown> };
const upsert = (name: string, user: Record<string, unknown>): Event => ({
  name,
  deliver: (t) => t.mutation(internal.users.upsertFromClerk, { user }),
});
const deleted: Event = {
  name: "deleted",
  deliver: (t) => t.mutation(internal.users.deleteFromClerk, { userId: USER_ID }),
};
const lifecycle = [
  upsert("created", created),
  upsert("updatedV1", updatedV1),
  upsert("updatedV2", updatedV2),
];

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

async function deliverAll(events: Event[]) {
  const t = newConvex();
  for (const event of events) await event.deliver(t);
  return await snapshot(t);
}

async function storedUser(t: TestConvex, externalId = USER_ID) {
  return await t.query(internal.users.byExternalId, { externalId });
}

describe("delivery order does not matter", () => {
  test("in-order created, updated, updated leaves the newest data", async () => {
    expect(await deliverAll(lifecycle)).toEqual({
      users: [
        {
          externalId: USER_ID,
          name: "John Doe v2",
          imageUrl: "https://img.clerk.com/v2",
          role: "admin",
          clerkUpdatedAt: T0 + 2_000,
        },
      ],
      deletedUsers: [],
    });
  });

  test.each(permutations(lifecycle).map((order) => [order.map((e) => e.name).join(" > "), order]))(
    "%s ends as in-order delivery",
    async (_, order) => {
      expect(await deliverAll(order)).toEqual(await deliverAll(lifecycle));
    },
  );

  const withDelete = [...lifecycle, deleted];
  test("in-order created, updated, updated, deleted leaves only a tombstone", async () => {
    expect(await deliverAll(withDelete)).toEqual({ users: [], deletedUsers: [USER_ID] });
  });

  const orders = permutations(withDelete);
  test("there are 24 orderings of the four events", () => expect(orders).toHaveLength(24));
  test.each(orders.map((order) => [order.map((e) => e.name).join(" > "), order]))(
    "%s ends as in-order delivery",
    async (_, order) => {
      expect(await deliverAll(order)).toEqual(await deliverAll(withDelete));
    },
  );
});

describe("upsertFromClerk", () => {
  test("an older update arriving late is ignored", async () => {
    const t = newConvex();
    await t.mutation(internal.users.upsertFromClerk, { user: updatedV2 });
    expect(await t.mutation(internal.users.upsertFromClerk, { user: updatedV1 })).toBe("stale");
    expect(await storedUser(t)).toMatchObject({ name: "John Doe v2", clerkUpdatedAt: T0 + 2_000 });
  });

  test("a duplicate delivery changes nothing", async () => {
    const t = newConvex();
    expect(await t.mutation(internal.users.upsertFromClerk, { user: updatedV1 })).toBe("inserted");
    const first = await storedUser(t);
    expect(await t.mutation(internal.users.upsertFromClerk, { user: updatedV1 })).toBe("unchanged");
    expect(await storedUser(t), "document rewritten by a duplicate").toEqual(first);
    expect((await snapshot(t)).users).toHaveLength(1);
  });

  test("replaying a whole lifecycle changes nothing", async () => {
    const events = [...lifecycle, deleted];
    expect(await deliverAll([...events, ...events])).toEqual(await deliverAll(events));
  });

  test("a newer update replaces the stored fields", async () => {
    const t = newConvex();
    await t.mutation(internal.users.upsertFromClerk, { user: updatedV1 });
    expect(await t.mutation(internal.users.upsertFromClerk, { user: updatedV2 })).toBe("updated");
    expect(await storedUser(t)).toMatchObject({ name: "John Doe v2", role: "admin" });
  });

  test("null first and last name fall back to username, then to the primary email", async () => {
    const t = newConvex();
    const emailSignUp = {
      first_name: null,
      last_name: null,
      primary_email_address_id: "idn_1",
      email_addresses: [emailAddress("idn_1", "jane@example.com")],
    };
    await t.mutation(internal.users.upsertFromClerk, {
      user: clerkUser({ ...emailSignUp, id: "user_a", username: "jane" }),
    });
    await t.mutation(internal.users.upsertFromClerk, {
      user: clerkUser({ ...emailSignUp, id: "user_b", username: null }),
    });
    await t.mutation(internal.users.upsertFromClerk, {
      user: clerkUser({ ...emailSignUp, id: "user_c", first_name: null, last_name: "Roe" }),
    });
    expect((await storedUser(t, "user_a"))?.name).toBe("jane");
    expect((await storedUser(t, "user_b"))?.name).toBe("jane@example.com");
    expect((await storedUser(t, "user_c"))?.name).toBe("Roe");
  });

  test("a user with no name, username or email is stored without a name", async () => {
    const t = newConvex();
    const phoneOnly = clerkUser({ first_name: null, last_name: null, username: null });
    expect(await t.mutation(internal.users.upsertFromClerk, { user: phoneOnly })).toBe("inserted");
    expect(await storedUser(t)).not.toHaveProperty("name");
  });

  test("the email is the address named by primary_email_address_id", async () => {
    const t = newConvex();
    const user = clerkUser({
      primary_email_address_id: "idn_2",
      email_addresses: [emailAddress("idn_1", "old@example.com"), emailAddress("idn_2", "new@example.com")],
    });
    await t.mutation(internal.users.upsertFromClerk, { user });
    expect((await storedUser(t))?.email).toBe("new@example.com");
  });

  test.each([
    ["the primary id matches no address", { email_addresses: [] }],
    ["the primary id is null", { primary_email_address_id: null, email_addresses: [emailAddress("idn_1", "a@example.com")] }],
    ["email fields are missing", { primary_email_address_id: undefined, email_addresses: undefined }],
  ])("a missing primary email leaves email absent when %s", async (_, overrides) => {
    const t = newConvex();
    expect(await t.mutation(internal.users.upsertFromClerk, { user: clerkUser(overrides) })).toBe("inserted");
    const user = await storedUser(t);
    expect(user).not.toHaveProperty("email");
    expect(user?.name).toBe("John Doe");
  });

  test("role follows public_metadata.role, and goes when the role is removed", async () => {
    const t = newConvex();
    const withRole = (updated_at: number, public_metadata: unknown) =>
      t.mutation(internal.users.upsertFromClerk, { user: clerkUser({ updated_at, public_metadata }) });
    await withRole(T0, {});
    expect(await storedUser(t)).not.toHaveProperty("role");
    await withRole(T0 + 1, { role: "member" });
    expect((await storedUser(t))?.role).toBe("member");
    await withRole(T0 + 2, { role: "admin", department: "engineering" });
    expect((await storedUser(t))?.role).toBe("admin");
    await withRole(T0 + 3, { department: "engineering" });
    expect(await storedUser(t), "role kept after Clerk removed it").not.toHaveProperty("role");
  });

  test("a role that is not a string, or null metadata, is left out", async () => {
    const t = newConvex();
    await t.mutation(internal.users.upsertFromClerk, { user: clerkUser({ public_metadata: { role: ["admin"] } }) });
    expect(await storedUser(t)).not.toHaveProperty("role");
    await t.mutation(internal.users.upsertFromClerk, { user: clerkUser({ updated_at: T0 + 1, public_metadata: null }) });
    expect(await storedUser(t)).toMatchObject({ clerkUpdatedAt: T0 + 1 });
  });

  test("a minimal user with only id and updated_at is accepted", async () => {
    const t = newConvex();
    await t.mutation(internal.users.upsertFromClerk, { user: { id: "user_min", updated_at: 5 } });
    expect(await storedUser(t, "user_min")).toMatchObject({ externalId: "user_min", clerkUpdatedAt: 5 });
  });

  test("unknown extra fields are accepted", async () => {
    const t = newConvex();
    const user = clerkUser({ some_future_field: { nested: [1, null] }, passkeys: null });
    expect(await t.mutation(internal.users.upsertFromClerk, { user })).toBe("inserted");
  });

  test.each([
    ["not an object", "user_1"],
    ["without id", { updated_at: 1 }],
    ["without updated_at", { id: "user_1" }],
    ["with a non-numeric updated_at", { id: "user_1", updated_at: "1716883200000" }],
  ])("a user %s is rejected with a clear error", async (_, user) => {
    const t = newConvex();
    await expect(t.mutation(internal.users.upsertFromClerk, { user })).rejects.toThrow(/user/);
    expect((await snapshot(t)).users).toEqual([]);
  });
});

describe("deleteFromClerk", () => {
  test("removes the user and records a tombstone with the deletion time", async () => {
    const t = newConvex();
    await t.mutation(internal.users.upsertFromClerk, { user: created });
    const before = Date.now();
    expect(await t.mutation(internal.users.deleteFromClerk, { userId: USER_ID })).toBe("deleted");
    expect(await storedUser(t)).toBeNull();
    const tombstones = await t.run((ctx) => ctx.db.query("deletedUsers").collect());
    expect(tombstones).toHaveLength(1);
    expect(tombstones[0]).toMatchObject({ externalId: USER_ID });
    expect(tombstones[0].deletedAt).toBeGreaterThanOrEqual(before);
  });

  test("is idempotent: a second delete keeps the first tombstone", async () => {
    const t = newConvex();
    await t.mutation(internal.users.deleteFromClerk, { userId: USER_ID });
    const first = await t.run((ctx) => ctx.db.query("deletedUsers").collect());
    expect(await t.mutation(internal.users.deleteFromClerk, { userId: USER_ID })).toBe("absent");
    expect(await t.run((ctx) => ctx.db.query("deletedUsers").collect())).toEqual(first);
  });

  test("a tombstone blocks resurrection by a late created or updated", async () => {
    const t = newConvex();
    await t.mutation(internal.users.upsertFromClerk, { user: created });
    await t.mutation(internal.users.deleteFromClerk, { userId: USER_ID });
    // Even an update newer than anything seen must not bring the user back.
    const later = clerkUser({ updated_at: Date.now() + 60_000 });
    expect(await t.mutation(internal.users.upsertFromClerk, { user: created })).toBe("deleted");
    expect(await t.mutation(internal.users.upsertFromClerk, { user: later })).toBe("deleted");
    expect(await snapshot(t)).toEqual({ users: [], deletedUsers: [USER_ID] });
  });

  test("only touches the deleted user", async () => {
    const t = newConvex();
    await t.mutation(internal.users.upsertFromClerk, { user: clerkUser({ id: "user_keep" }) });
    await t.mutation(internal.users.deleteFromClerk, { userId: USER_ID });
    expect(await storedUser(t, "user_keep")).not.toBeNull();
    expect(await t.mutation(internal.users.upsertFromClerk, { user: clerkUser({ id: "user_new" }) })).toBe("inserted");
  });

  test.each([[{}], [{ userId: null }]])("a user.deleted without an id (%j) is ignored", async (args) => {
    const t = newConvex();
    expect(await t.mutation(internal.users.deleteFromClerk, args)).toBe("ignored");
    expect(await snapshot(t)).toEqual({ users: [], deletedUsers: [] });
  });
});

describe("list", () => {
  test("pages through every user", async () => {
    const t = newConvex();
    const ids = ["user_1", "user_2", "user_3", "user_4", "user_5"];
    for (const id of ids) await t.mutation(internal.users.upsertFromClerk, { user: clerkUser({ id }) });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const page: PaginationResult<Doc<"users">> = await t.query(internal.users.list, { paginationOpts: { numItems: 2, cursor } });
      expect(page.page.length).toBeLessThanOrEqual(2);
      seen.push(...page.page.map((u) => u.externalId));
      pages++;
      if (page.isDone) break;
      cursor = page.continueCursor;
      expect(pages, "pagination never finished").toBeLessThan(10);
    }
    expect(seen.sort()).toEqual(ids);
    expect(pages).toBeGreaterThanOrEqual(3);
  });
});

describe("current user", () => {
  test("current returns the signed-in user's document", async () => {
    const t = newConvex();
    await t.mutation(internal.users.upsertFromClerk, { user: created });
    await t.mutation(internal.users.upsertFromClerk, { user: clerkUser({ id: "user_other" }) });
    const me = await t.withIdentity({ subject: USER_ID }).query(api.users.current, {});
    expect(me?.externalId).toBe(USER_ID);
  });

  test("current returns null when signed out or not synced yet", async () => {
    const t = newConvex();
    await t.mutation(internal.users.upsertFromClerk, { user: created });
    expect(await t.query(api.users.current, {})).toBeNull();
    expect(await t.withIdentity({ subject: "user_unknown" }).query(api.users.current, {})).toBeNull();
  });

  test("getCurrentUserOrThrow returns the user, or throws when there is none", async () => {
    const t = newConvex();
    await t.mutation(internal.users.upsertFromClerk, { user: created });
    const me = await t.withIdentity({ subject: USER_ID }).run((ctx) => getCurrentUserOrThrow(ctx));
    expect(me.name).toBe("John Doe");
    await expect(t.run((ctx) => getCurrentUserOrThrow(ctx))).rejects.toThrow(/Not signed in/);
    await expect(
      t.withIdentity({ subject: "user_unknown" }).run((ctx) => getCurrentUserOrThrow(ctx)),
    ).rejects.toThrow(/user_unknown/);
  });
});
