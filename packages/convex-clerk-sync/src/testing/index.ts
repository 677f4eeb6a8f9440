/**
 * `@clerk-convex-sync/convex/test`: a kit for an app's own tests with
 * convex-test. `feed(t, event)` sends a Clerk event through the same internal
 * function, with the same arguments, as the clerk-convex-sync runtime would;
 * `payloads` holds Clerk's example events to start from.
 *
 *     const t = convexTest(schema, modules);
 *     await feed(t, payloads["organizationMembership.created"]);
 *     await feed(t, clerkEvent("role.updated", { ...payloads["role.created"].data, updated_at: Date.now() }));
 */
import { makeFunctionReference } from "convex/server";
import { payloads } from "./payloads.js";

export { payloads };
/** The name of one of Clerk's example events in `payloads`. */
export type PayloadName = keyof typeof payloads;

/** A Clerk webhook event: what Svix delivers, of which the runtime reads `type` and `data`. */
export type ClerkEvent = { type: string; data: any; [field: string]: unknown };

/** Anything with convex-test's `mutation`: a TestConvex, or one `withIdentity` returned. */
export type FeedTarget = { mutation: (fn: any, args: any) => Promise<any> };

/** Where each event type goes: the module (a key of FeedOptions.modules), the function and its arguments. */
export type EventRoute = { module: string; fn: string; args: (data: any) => Record<string, unknown> };

const id = (data: any) => data?.id;
/** Event types whose data goes, unchanged, to one module's upsertFromClerk under one argument. */
const upserts = (module: string, arg: string, types: string[]): Record<string, EventRoute> =>
  Object.fromEntries(types.map((type) => [type, { module, fn: "upsertFromClerk", args: (data: any) => ({ [arg]: data }) }]));
/**
 * The runtime's routing, event type by event type (contract/convex-requests.json
 * in the repository holds the exact bodies; the package's tests check both agree).
 */
export const eventRoutes: Record<string, EventRoute> = {
  "user.created": { module: "users", fn: "upsertFromClerk", args: (user) => ({ user }) },
  "user.updated": { module: "users", fn: "upsertFromClerk", args: (user) => ({ user }) },
  "user.deleted": { module: "users", fn: "deleteFromClerk", args: (data) => ({ userId: id(data) }) },
  "organization.created": { module: "organizations", fn: "upsertFromClerk", args: (organization) => ({ organization }) },
  "organization.updated": { module: "organizations", fn: "upsertFromClerk", args: (organization) => ({ organization }) },
  "organization.deleted": { module: "organizations", fn: "deleteFromClerk", args: (data) => ({ organizationId: id(data) }) },
  "organizationMembership.created": { module: "memberships", fn: "upsertFromClerk", args: (membership) => ({ membership }) },
  "organizationMembership.updated": { module: "memberships", fn: "upsertFromClerk", args: (membership) => ({ membership }) },
  "organizationMembership.deleted": { module: "memberships", fn: "deleteFromClerk", args: (membership) => ({ membership }) },
  "role.created": { module: "roles", fn: "upsertFromClerk", args: (role) => ({ role }) },
  "role.updated": { module: "roles", fn: "upsertFromClerk", args: (role) => ({ role }) },
  "role.deleted": { module: "roles", fn: "deleteFromClerk", args: (data) => ({ roleId: id(data) }) },
  "permission.deleted": { module: "roles", fn: "removePermissionFromClerk", args: (data) => ({ permissionId: id(data) }) },
  ...upserts("subscriptions", "subscription", ["created", "updated", "active", "pastDue"].map((s) => `subscription.${s}`)),
  ...upserts(
    "subscriptionItems",
    "subscriptionItem",
    ["created", "updated", "active", "canceled", "upcoming", "ended", "abandoned", "incomplete", "pastDue", "freeTrialEnding"].map(
      (s) => `subscriptionItem.${s}`,
    ),
  ),
  ...upserts("invitations", "invitation", ["created", "accepted", "revoked"].map((s) => `organizationInvitation.${s}`)),
};

export type FeedOptions = {
  /** Module paths, when the app exports the functions elsewhere (as clerkSync's `modules`): `{ users: "clerk/users" }`. */
  modules?: Record<string, string>;
};

/**
 * Feeds one Clerk event through the internal function the runtime calls for
 * its type, and returns that function's answer (an upsert's outcome, a
 * delete's). An event type the runtime does not deliver (permission.created,
 * say) answers "unhandled", as the runtime does.
 */
export async function feed(t: FeedTarget, event: ClerkEvent, options: FeedOptions = {}): Promise<unknown> {
  const route = eventRoutes[event.type];
  if (!route) return "unhandled";
  const module = options.modules?.[route.module] ?? route.module;
  return await t.mutation(makeFunctionReference<"mutation">(`${module}:${route.fn}`), route.args(event.data));
}

/** Feeds events in turn; returns their answers. */
export async function feedAll(t: FeedTarget, events: ClerkEvent[], options?: FeedOptions): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const event of events) answers.push(await feed(t, event, options));
  return answers;
}

/** An event of the type with this data (a copy of it), shaped as Clerk sends it. */
export function clerkEvent(type: string, data: unknown): ClerkEvent {
  return { type, object: "event", data: structuredClone(data), timestamp: Date.now() };
}
