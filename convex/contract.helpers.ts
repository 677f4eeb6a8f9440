// Shared by the contract tests (contract.test.ts, billing.contract.test.ts):
// contract/convex-requests.json's entries, and the functions the runtime may
// name, by path, so each body is run through the real function it names.
// Two dots in the name keep Convex from deploying it.
import { expect } from "vitest";
import type { FunctionReference } from "convex/server";
import { internal } from "./_generated/api";
import contract from "../contract/convex-requests.json";
import type { TestConvex } from "./testing.helpers";

export type Request = { path: string; args: Record<string, unknown>; format: string };
export type WebhookEntry = { event: string; request: Request };
export type ReconcileEntry = { reconcile: string; kind: string; listing?: string; request: Request };
export const entries = contract as (WebhookEntry | ReconcileEntry)[];
export const allWebhooks = entries.filter((e): e is WebhookEntry => "event" in e);
export const allReconciles = entries.filter((e): e is ReconcileEntry => "reconcile" in e);

// The function paths the runtime may name, as convex-test references. A
// contract entry whose path is missing here fails contract.test.ts.
type Callable =
  | { kind: "mutation"; ref: FunctionReference<"mutation", "internal"> }
  | { kind: "query"; ref: FunctionReference<"query", "internal"> };
const mutation = (ref: FunctionReference<"mutation", "internal">): Callable => ({ kind: "mutation", ref });
const query = (ref: FunctionReference<"query", "internal">): Callable => ({ kind: "query", ref });
export const functions: Record<string, Callable> = {
  "users:upsertFromClerk": mutation(internal.users.upsertFromClerk),
  "users:deleteFromClerk": mutation(internal.users.deleteFromClerk),
  "users:upsertManyFromClerk": mutation(internal.users.upsertManyFromClerk),
  "users:pageExternalIds": query(internal.users.pageExternalIds),
  "organizations:upsertFromClerk": mutation(internal.organizations.upsertFromClerk),
  "organizations:deleteFromClerk": mutation(internal.organizations.deleteFromClerk),
  "organizations:upsertManyFromClerk": mutation(internal.organizations.upsertManyFromClerk),
  "organizations:pageExternalIds": query(internal.organizations.pageExternalIds),
  "memberships:upsertFromClerk": mutation(internal.memberships.upsertFromClerk),
  "memberships:deleteFromClerk": mutation(internal.memberships.deleteFromClerk),
  "memberships:upsertManyFromClerk": mutation(internal.memberships.upsertManyFromClerk),
  "memberships:pageExternalIds": query(internal.memberships.pageExternalIds),
  "roles:upsertFromClerk": mutation(internal.roles.upsertFromClerk),
  "roles:deleteFromClerk": mutation(internal.roles.deleteFromClerk),
  "roles:upsertManyFromClerk": mutation(internal.roles.upsertManyFromClerk),
  "roles:pageExternalIds": query(internal.roles.pageExternalIds),
  "roles:removePermissionFromClerk": mutation(internal.roles.removePermissionFromClerk),
  "subscriptions:upsertFromClerk": mutation(internal.subscriptions.upsertFromClerk),
  "subscriptionItems:upsertFromClerk": mutation(internal.subscriptionItems.upsertFromClerk),
  "subscriptionItems:upsertManyFromClerk": mutation(internal.subscriptionItems.upsertManyFromClerk),
  "subscriptionItems:pageExternalIds": query(internal.subscriptionItems.pageExternalIds),
  "plans:upsertManyFromClerk": mutation(internal.plans.upsertManyFromClerk),
  "plans:pageExternalIds": query(internal.plans.pageExternalIds),
  "plans:archiveFromClerk": mutation(internal.plans.archiveFromClerk),
  "invitations:upsertFromClerk": mutation(internal.invitations.upsertFromClerk),
  "invitations:upsertManyFromClerk": mutation(internal.invitations.upsertManyFromClerk),
  "invitations:pageExternalIds": query(internal.invitations.pageExternalIds),
  "invitations:deleteFromClerk": mutation(internal.invitations.deleteFromClerk),
};

export function send(t: TestConvex, { path, args }: Request): Promise<unknown> {
  const fn = functions[path];
  if (!fn) throw new Error(`the runtime calls ${path}, which these functions do not provide`);
  return fn.kind === "query" ? t.query(fn.ref, args) : t.mutation(fn.ref, args);
}

export const request = (path: string, args: Record<string, unknown>): Request => ({ path, args, format: "json" });

// What each reconcile call answers, as the runtime reads it.
const outcomes = ["inserted", "updated", "unchanged", "stale", "deleted"] as const;
export const counts = (n: Partial<Record<(typeof outcomes)[number], number>>) => ({
  ...Object.fromEntries(outcomes.map((o) => [o, 0])),
  ...n,
});
/** Each function's answer, by its name (the part of the path after the colon). */
export const answerShapes: Record<string, unknown> = {
  upsertManyFromClerk: Object.fromEntries(outcomes.map((o) => [o, expect.any(Number)])),
  pageExternalIds: { page: expect.any(Array), isDone: expect.any(Boolean), continueCursor: expect.any(String) },
  deleteFromClerk: expect.stringMatching(/^(deleted|absent)$/),
  archiveFromClerk: expect.stringMatching(/^(archived|absent)$/),
};
