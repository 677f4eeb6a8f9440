// The contract between the two halves: contract/convex-requests.json holds the
// exact bodies the Java runtime POSTs to /api/mutation for the sample payloads
// (the runtime's tests check it writes them). Here each body is run through
// the named internal function, so its argument validator and handler must
// accept it as the runtime sends it.
import { describe, expect, test } from "vitest";
import type { FunctionReference } from "convex/server";
import { internal } from "./_generated/api";
import contract from "../contract/convex-requests.json";
import createdDocsExample from "./fixtures/user.created.docs-example.json";
import created from "./fixtures/user.created.json";
import deleted from "./fixtures/user.deleted.json";
import updated from "./fixtures/user.updated.json";
import { newConvex, snapshot, type TestConvex } from "./testing.helpers";

type Entry = { event: string; request: { path: string; args: Record<string, unknown>; format: string } };
const entries = contract as Entry[];

// The function paths the runtime may name, as convex-test references.
const mutations: Record<string, FunctionReference<"mutation", "internal">> = {
  "users:upsertFromClerk": internal.users.upsertFromClerk,
  "users:deleteFromClerk": internal.users.deleteFromClerk,
};

function send(t: TestConvex, { request }: Entry) {
  const fn = mutations[request.path];
  if (!fn) throw new Error(`the runtime calls ${request.path}, which these functions do not provide`);
  return t.mutation(fn, request.args);
}

const JOHN = created.data.id;
const EXAMPLE = createdDocsExample.data.id;

describe("contract/convex-requests.json", () => {
  test("covers the four sample payloads in order, as JSON-format mutation bodies", () => {
    expect(entries.map((e) => e.event)).toEqual([
      "user.created.json",
      "user.created.docs-example.json",
      "user.updated.json",
      "user.deleted.json",
    ]);
    for (const { request } of entries) {
      expect(Object.keys(request).sort()).toEqual(["args", "format", "path"]);
      expect(request.format).toBe("json");
    }
  });

  test("sends each event's data unchanged: the user object, or the deleted id", () => {
    const payloads = [created, createdDocsExample, updated];
    payloads.forEach((payload, i) => {
      expect(entries[i].request).toEqual({
        path: "users:upsertFromClerk",
        args: { user: payload.data },
        format: "json",
      });
    });
    expect(entries[3].request).toEqual({
      path: "users:deleteFromClerk",
      args: { userId: deleted.data.id },
      format: "json",
    });
  });

  test.each(entries.map((e) => [e.event, e]))("%s is accepted on its own", async (_, entry) => {
    const t = newConvex();
    await expect(send(t, entry)).resolves.toMatch(/^(inserted|absent)$/);
  });

  test("the bodies in order leave the state the events describe", async () => {
    const t = newConvex();
    const outcomes = [];
    for (const entry of entries) outcomes.push(await send(t, entry));
    expect(outcomes).toEqual(["inserted", "inserted", "updated", "deleted"]);

    expect(await snapshot(t)).toEqual({
      users: [
        {
          externalId: EXAMPLE,
          email: "example@example.org",
          name: "Example Example",
          imageUrl: "https://img.clerk.com/xxxxxx",
          clerkUpdatedAt: 1654012591835,
        },
      ],
      deletedUsers: [JOHN],
    });
  });

  test("user.updated's body overwrites user.created's", async () => {
    const t = newConvex();
    await send(t, entries[0]);
    await send(t, entries[2]);
    expect(await t.query(internal.users.byExternalId, { externalId: JOHN })).toMatchObject({
      name: "John Doe Updated",
      imageUrl: "https://img.clerk.com/yyyyy",
      clerkUpdatedAt: 1716883500000,
    });
  });

  // Shows the validators are enforced here, so the tests above mean something.
  test.each([
    ["the official guide's argument name", "users:upsertFromClerk", { data: created.data }],
    ["a numeric user id", "users:deleteFromClerk", { userId: 42 }],
    ["an extra argument", "users:deleteFromClerk", { userId: JOHN, clerkUserId: JOHN }],
  ])("a body with %s is rejected", async (_, path, args) => {
    const t = newConvex();
    await expect(send(t, { event: "bad", request: { path, args, format: "json" } })).rejects.toThrow(/Validator error/);
  });
});
