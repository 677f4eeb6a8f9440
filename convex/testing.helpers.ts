/// <reference types="vite/client" />
// Shared by the tests. Two dots in the name keep Convex from deploying it.
import { convexTest } from "convex-test";
import schema from "./schema";
import created from "./fixtures/user.created.json";

// Every function module plus _generated/*.js, which convex-test needs to find
// the root; names with two dots (tests, helpers, .d.ts) are not modules.
export const modules = import.meta.glob(["./**/*.ts", "./**/*.js", "!./**/*.*.ts"]);

// transactionLimits: true enforces Convex's per-transaction limits (reads,
// writes, index ranges), so a batch that would fail in production fails here.
export function newConvex() {
  return convexTest({ schema, modules, transactionLimits: true });
}
export type TestConvex = ReturnType<typeof newConvex>;

/** The user.created payload's data, with overrides: a Clerk User object. */
export function clerkUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...structuredClone(created.data), ...overrides };
}

/** An email_addresses entry as Clerk sends it. */
export function emailAddress(id: string, address: string) {
  return {
    id,
    object: "email_address",
    email_address: address,
    verification: { status: "verified", strategy: "email_code" },
    linked_to: [],
  };
}

/** Both tables without system fields or times, for comparing end states. */
export async function snapshot(t: TestConvex) {
  return await t.run(async (ctx) => ({
    users: (await ctx.db.query("users").collect()).map(({ _id, _creationTime, ...user }) => user),
    deletedUsers: (await ctx.db.query("deletedUsers").collect()).map((d) => d.externalId),
  }));
}
