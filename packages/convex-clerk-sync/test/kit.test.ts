/// <reference types="vite/client" />
// The /test kit routes each event as the runtime does: its routes must send
// exactly the contract file's bodies (the runtime's tests check the same file),
// and cover exactly the event types the runtime's translator routes.
import { convexTest } from "convex-test";
import { getFunctionName } from "convex/server";
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import contract from "../../../contract/convex-requests.json";
import { eventRoutes, feed, feedAll, payloads, type ClerkEvent } from "../src/testing/index.js";
import schema from "./app/schema";

const modules = import.meta.glob(["./app/**/*.ts", "./app/**/*.js"]);
type Entry = { event?: string; request: { path: string; args: unknown } };
const webhookEntries = (contract as Entry[]).filter((e) => e.event);
const eventType = (file: string) => file.replace(/(\.docs-example|\.schema-strict)?\.json$/, "");
// The event types the runtime routes to Convex: the string literals of its
// translator that look like "family.action" (the contract has samples of some).
const translator = new URL("../../../src/main/java/io/clerkconvexsync/routing/EventFamilyTranslator.java", import.meta.url);
const runtimeTypes = [...readFileSync(translator, "utf8").matchAll(/"([a-zA-Z]+\.[a-zA-Z]+)"/g)].map((m) => m[1]);

describe("feed sends what the runtime sends", () => {
  test.each(webhookEntries.map((e) => [e.event!, e] as const))("%s", async (file, entry) => {
    const type = eventType(file);
    const event = (payloads as Record<string, ClerkEvent>)[type] ?? { type, data: (entry.request.args as Record<string, unknown>)[Object.keys(entry.request.args as object)[0]] };
    const sent: unknown[] = [];
    await feed({ mutation: async (ref, args) => sent.push([getFunctionName(ref), args]) }, { ...event, type });
    if ((payloads as Record<string, ClerkEvent>)[type] && file === `${type}.json`) {
      expect(sent).toEqual([[entry.request.path, entry.request.args]]);
    } else {
      expect((sent[0] as unknown[])[0]).toBe(entry.request.path);
    }
  });

  test("the routes are exactly the runtime's event types, which include every contract event type", () => {
    expect(runtimeTypes, "the translator's event types were found").toContain("subscriptionItem.freeTrialEnding");
    expect(Object.keys(eventRoutes).sort()).toEqual([...new Set(runtimeTypes)].sort());
    expect(runtimeTypes).toEqual(expect.arrayContaining(webhookEntries.map((e) => eventType(e.event!))));
  });

  test("an event type without a contract sample goes where its family's samples go, under the same argument", () => {
    const family = (type: string) => type.split(".")[0];
    const sampled = new Map(webhookEntries.map((e) => [eventType(e.event!), e.request]));
    for (const [type, route] of Object.entries(eventRoutes)) {
      if (sampled.has(type) || !route.fn.startsWith("upsert")) continue;
      const sample = [...sampled].find(([t, r]) => family(t) === family(type) && r.path.endsWith(":upsertFromClerk"));
      expect(sample, `a contract sample of ${family(type)}.*`).toBeDefined();
      const [path, args] = [`${route.module}:${route.fn}`, route.args({ id: "x" })];
      expect([path, Object.keys(args)], type).toEqual([sample![1].path, Object.keys(sample![1].args as object)]);
    }
  });

  test("through a real app: the payloads in order, with a custom module path and an unhandled type", async () => {
    const t = convexTest(schema, modules);
    expect(
      await feedAll(t, [
        payloads["organization.created"],
        payloads["organizationMembership.created"],
        payloads["role.created"],
        payloads["permission.created"],
        payloads["subscriptionItem.active"],
        payloads["organizationInvitation.created"],
      ]),
    ).toEqual(["inserted", "inserted", "inserted", "unhandled", "inserted", "inserted"]);
    expect(await feed(t, payloads["user.created"], { modules: { users: "users" } })).toBe("inserted");
    await expect(feed(t, payloads["user.deleted"], { modules: { users: "nowhere" } })).rejects.toThrow(/nowhere/);
  });
});
