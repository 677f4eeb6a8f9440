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

/** Every ordering of the items. */
export function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** A small seeded random generator (mulberry32), so a "random" test runs the same cases every time. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each item one to three times, shuffled: a delivery order with duplicates, drawn from `random`. */
export function withDuplicates<T>(items: T[], random: () => number): T[] {
  const sequence = items.flatMap((item) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => item));
  for (let i = sequence.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sequence[i], sequence[j]] = [sequence[j], sequence[i]];
  }
  return sequence;
}

/** The organization tables and the app's workspaces, without system fields or times, for comparing end states. */
export async function organizationSnapshot(t: TestConvex) {
  return await t.run(async (ctx) => {
    const strip = <D extends { _id: unknown; _creationTime: number }>({ _id, _creationTime, ...rest }: D) => rest;
    const ids = (docs: { externalId: string }[]) => docs.map((d) => d.externalId).sort();
    return {
      organizations: (await ctx.db.query("organizations").collect()).map(strip),
      memberships: (await ctx.db.query("memberships").collect()).map(strip),
      workspaces: (await ctx.db.query("workspaces").collect()).map(strip),
      deletedOrganizations: ids(await ctx.db.query("deletedOrganizations").collect()),
      deletedMemberships: ids(await ctx.db.query("deletedMemberships").collect()),
    };
  });
}
