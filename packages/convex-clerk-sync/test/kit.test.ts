/// <reference types="vite/client" />
// The /test kit routes each event as the runtime does: its routes must send
// exactly the contract file's bodies (the runtime's tests check the same file).
import { convexTest } from "convex-test";
import { getFunctionName } from "convex/server";
import { describe, expect, test } from "vitest";
import contract from "../../../contract/convex-requests.json";
import { eventRoutes, feed, feedAll, payloads, type ClerkEvent } from "../src/testing/index.js";
import schema from "./app/schema";

const modules = import.meta.glob(["./app/**/*.ts", "./app/**/*.js"]);
type Entry = { event?: string; request: { path: string; args: unknown } };
const webhookEntries = (contract as Entry[]).filter((e) => e.event && e.request.path.split(":")[0] in { users: 1, organizations: 1, memberships: 1, roles: 1 });

describe("feed sends what the runtime sends", () => {
  test.each(webhookEntries.map((e) => [e.event!, e] as const))("%s", async (file, entry) => {
    const type = file.replace(/(\.docs-example)?\.json$/, "");
    const event = (payloads as Record<string, ClerkEvent>)[type] ?? { type, data: (entry.request.args as Record<string, unknown>)[Object.keys(entry.request.args as object)[0]] };
    const sent: unknown[] = [];
    await feed({ mutation: async (ref, args) => sent.push([getFunctionName(ref), args]) }, { ...event, type });
    if ((payloads as Record<string, ClerkEvent>)[type] && !file.includes("docs-example")) {
      expect(sent).toEqual([[entry.request.path, entry.request.args]]);
    } else {
      expect((sent[0] as unknown[])[0]).toBe(entry.request.path);
    }
  });

  test("the routes are exactly the contract's event types of these kinds", () => {
    const contractTypes = new Set(webhookEntries.map((e) => e.event!.replace(/(\.docs-example)?\.json$/, "")));
    expect(Object.keys(eventRoutes).sort()).toEqual([...contractTypes].sort());
  });

  test("through a real app: the payloads in order, with a custom module path and an unhandled type", async () => {
    const t = convexTest(schema, modules);
    expect(
      await feedAll(t, [payloads["organization.created"], payloads["organizationMembership.created"], payloads["role.created"], payloads["permission.created"]]),
    ).toEqual(["inserted", "inserted", "inserted", "unhandled"]);
    expect(await feed(t, payloads["user.created"], { modules: { users: "users" } })).toBe("inserted");
    await expect(feed(t, payloads["user.deleted"], { modules: { users: "nowhere" } })).rejects.toThrow(/nowhere/);
  });
});
