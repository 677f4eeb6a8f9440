import { describe, expect, test } from "vitest";
import { internal, api } from "./_generated/api";
import { convexTest } from "convex-test";
import schema from "./schema";
import { clerkUser, emailAddress, modules, newConvex, permutations, snapshot, type TestConvex } from "./testing.helpers";
import type { PaginationResult } from "convex/server";
import type { Doc } from "./_generated/dataModel";
import { MAX_ID_PAGE, MAX_UPSERT_BATCH } from "@clerk-convex-sync/convex";
import { clerk } from "./clerk";

const { getCurrentUserOrThrow } = clerk;

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

describe("switching from the copied users.ts", () => {
  // Documents and tombstones exactly as the users.ts this repository used to
  // have copied wrote them: the package reads and updates them in place.
  test("stored users are updated in place and tombstones still refuse, with no migration", async () => {
    const t = newConvex();
    const id = await t.run(async (ctx) => {
      await ctx.db.insert("deletedUsers", { externalId: "user_gone", deletedAt: T0 });
      return await ctx.db.insert("users", { externalId: USER_ID, name: "John Doe", role: "member", clerkUpdatedAt: T0 });
    });
    expect(await t.mutation(internal.users.upsertFromClerk, { user: created })).toBe("updated");
    expect(await storedUser(t)).toMatchObject({ _id: id, name: "John Doe", imageUrl: "https://img.clerk.com/xxxxxx" });
    expect((await storedUser(t))?.role, "a role Clerk no longer has goes").toBeUndefined();
    expect(await t.mutation(internal.users.upsertFromClerk, { user: clerkUser({ id: "user_gone" }) })).toBe("deleted");
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

describe("upsertManyFromClerk", () => {
  const none = { inserted: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0 };
  const upsertMany = (t: TestConvex, users: unknown[]) => t.mutation(internal.users.upsertManyFromClerk, { users });

  // Stored before the batch: one user to change, one to resend as is, one
  // stored newer than the batch's copy, one deleted.
  async function driftedConvex() {
    const t = newConvex();
    for (const user of [
      clerkUser({ id: "user_changed", updated_at: T0 }),
      clerkUser({ id: "user_same", updated_at: T0 }),
      clerkUser({ id: "user_newer", updated_at: T0 + 5_000, last_name: "Newer" }),
      clerkUser({ id: "user_gone", updated_at: T0 }),
    ]) {
      await t.mutation(internal.users.upsertFromClerk, { user });
    }
    await t.mutation(internal.users.deleteFromClerk, { userId: "user_gone" });
    return t;
  }
  const mixedBatch = [
    clerkUser({ id: "user_new", updated_at: T0 }),
    clerkUser({ id: "user_changed", updated_at: T0 + 1_000, last_name: "Changed" }),
    clerkUser({ id: "user_same", updated_at: T0 }),
    clerkUser({ id: "user_newer", updated_at: T0 + 1_000, last_name: "Older" }),
    clerkUser({ id: "user_gone", updated_at: T0 + 60_000 }),
  ];

  test("a batch mixing new, changed, identical, stale and tombstoned users counts each outcome once", async () => {
    const t = await driftedConvex();
    expect(await upsertMany(t, mixedBatch)).toEqual({ inserted: 1, updated: 1, unchanged: 1, stale: 1, deleted: 1 });
    const names = Object.fromEntries((await snapshot(t)).users.map((u) => [u.externalId, u.name]));
    expect(names, "stored names after the batch").toEqual({
      user_new: "John Doe",
      user_changed: "John Changed",
      user_same: "John Doe",
      user_newer: "John Newer",
    });
    expect((await snapshot(t)).deletedUsers, "a tombstoned user came back").toEqual(["user_gone"]);
  });

  test("a batch ends as upsertFromClerk for each user in turn, with matching counts", async () => {
    const batched = await driftedConvex();
    const counts = await upsertMany(batched, mixedBatch);

    const oneByOne = await driftedConvex();
    const tally = { ...none };
    for (const user of mixedBatch) tally[await oneByOne.mutation(internal.users.upsertFromClerk, { user })]++;

    expect(counts).toEqual(tally);
    expect(await snapshot(batched)).toEqual(await snapshot(oneByOne));
  });

  test.each([
    ["the same user twice", [updatedV1, updatedV1], { inserted: 1, unchanged: 1 }, T0 + 1_000],
    ["an older copy after a newer one", [updatedV2, updatedV1], { inserted: 1, stale: 1 }, T0 + 2_000],
    ["a newer copy after an older one", [updatedV1, updatedV2], { inserted: 1, updated: 1 }, T0 + 2_000],
    ["three copies out of order", [updatedV1, updatedV2, created], { inserted: 1, updated: 1, stale: 1 }, T0 + 2_000],
  ])("a user listed twice in one batch (%s): the later copy sees the earlier write", async (_, users, counts, newest) => {
    const t = newConvex();
    expect(await upsertMany(t, users)).toEqual({ ...none, ...counts });
    const { users: stored } = await snapshot(t);
    expect(stored, "one document per user").toHaveLength(1);
    expect(stored[0].clerkUpdatedAt).toBe(newest);
  });

  test("a second identical batch is all unchanged and leaves the same documents", async () => {
    const t = newConvex();
    const users = ["user_1", "user_2", "user_3", "user_4", "user_5"].map((id, i) =>
      clerkUser({ id, updated_at: T0 + i, public_metadata: { role: "member" } }),
    );
    expect(await upsertMany(t, users)).toEqual({ ...none, inserted: 5 });
    const first = await t.run((ctx) => ctx.db.query("users").collect());
    expect(await upsertMany(t, users)).toEqual({ ...none, unchanged: 5 });
    expect(await t.run((ctx) => ctx.db.query("users").collect()), "documents changed").toEqual(first);
  });

  test("an empty batch counts nothing", async () => {
    expect(await upsertMany(newConvex(), [])).toEqual(none);
  });

  test("a malformed user rejects the whole batch, naming its index, and writes nothing", async () => {
    const t = newConvex();
    const batch = [clerkUser({ id: "user_ok" }), { id: "user_bad" }];
    await expect(upsertMany(t, batch)).rejects.toThrow(/users\[1\]: user.updated_at must be a number \(user user_bad\)/);
    expect((await snapshot(t)).users).toEqual([]);
  });

  test("users that is not an array is rejected by the validator", async () => {
    await expect(
      newConvex().mutation(internal.users.upsertManyFromClerk, { users: created } as never),
    ).rejects.toThrow(/Validator error/);
  });

  const fullBatch = (size: number, updated_at = T0) =>
    Array.from({ length: size }, (_, i) => clerkUser({ id: `user_${i}`, updated_at }));

  test(`a batch of MAX_UPSERT_BATCH (${MAX_UPSERT_BATCH}) full Clerk users fits Convex's transaction limits, twice`, async () => {
    const t = newConvex();
    expect(await upsertMany(t, fullBatch(MAX_UPSERT_BATCH))).toEqual({ ...none, inserted: MAX_UPSERT_BATCH });
    expect(await upsertMany(t, fullBatch(MAX_UPSERT_BATCH, T0 + 1))).toEqual({ ...none, updated: MAX_UPSERT_BATCH });
  });

  test("a batch over MAX_UPSERT_BATCH is refused with the limit, and writes nothing", async () => {
    const t = newConvex();
    await expect(upsertMany(t, fullBatch(MAX_UPSERT_BATCH + 1))).rejects.toThrow(
      `send at most ${MAX_UPSERT_BATCH} per call`,
    );
    expect((await snapshot(t)).users).toEqual([]);
  });

  // Shows the limits are enforced in these tests, so the test above means something.
  test("convex-test enforces the index-range limit: two lookups per user", async () => {
    const t = convexTest({ schema, modules, transactionLimits: { databaseQueries: 9 } });
    await expect(
      t.mutation(internal.users.upsertManyFromClerk, { users: fullBatch(5) }),
    ).rejects.toThrow(/Too many index ranges read/);
    await expect(t.mutation(internal.users.upsertManyFromClerk, { users: fullBatch(4) })).resolves.toMatchObject({
      inserted: 4,
    });
  });
});

describe("pageExternalIds", () => {
  type IdPage = { page: string[]; isDone: boolean; continueCursor: string };
  const pageOf = (t: TestConvex, numItems: number, cursor: string | null): Promise<IdPage> =>
    t.query(internal.users.pageExternalIds, { paginationOpts: { numItems, cursor } });

  async function allPages(t: TestConvex, numItems: number) {
    const pages: IdPage[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await pageOf(t, numItems, cursor);
      pages.push(page);
      if (page.isDone) return pages;
      cursor = page.continueCursor;
      expect(pages.length, "pagination never finished").toBeLessThan(20);
    }
  }

  test("pages visit every live user exactly once and skip deleted users", async () => {
    const t = newConvex();
    const ids = ["user_1", "user_2", "user_3", "user_4", "user_5", "user_6", "user_7"];
    await t.mutation(internal.users.upsertManyFromClerk, { users: ids.map((id) => clerkUser({ id })) });
    await t.mutation(internal.users.deleteFromClerk, { userId: "user_2" });
    await t.mutation(internal.users.deleteFromClerk, { userId: "user_6" });
    await t.mutation(internal.users.deleteFromClerk, { userId: "user_never_stored" });

    const pages = await allPages(t, 2);
    const seen = pages.flatMap((p) => p.page);
    expect(seen.sort(), "live users, each once").toEqual(["user_1", "user_3", "user_4", "user_5", "user_7"]);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) {
      expect(Object.keys(page).sort(), "answer fields").toEqual(["continueCursor", "isDone", "page"]);
      expect(page.page.length).toBeLessThanOrEqual(2);
      expect(typeof page.continueCursor).toBe("string");
    }
  });

  test("an empty table is one done, empty page", async () => {
    const page = await pageOf(newConvex(), 100, null);
    expect(page).toMatchObject({ page: [], isDone: true });
    expect(typeof page.continueCursor).toBe("string");
  });

  test(`a page holds at most MAX_ID_PAGE (${MAX_ID_PAGE}) ids, whatever numItems asks`, async () => {
    const t = newConvex();
    await t.run(async (ctx) => {
      for (let i = 0; i <= MAX_ID_PAGE; i++) await ctx.db.insert("users", { externalId: `user_${i}`, clerkUpdatedAt: T0 });
    });
    const pages = await allPages(t, 10_000);
    expect(pages.map((p) => p.page.length)).toEqual([MAX_ID_PAGE, 1]);
    expect(new Set(pages.flatMap((p) => p.page)).size).toBe(MAX_ID_PAGE + 1);
  });
});
