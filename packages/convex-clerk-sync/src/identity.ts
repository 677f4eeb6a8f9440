/** Identity helpers: who is signed in, and their user document. */
import { makeFunctionReference, type GenericQueryCtx } from "convex/server";
import { v } from "convex/values";
import type { Engine, UpsertOutcome } from "./engine.js";
import { clerkError } from "./errors.js";

/** What currentStatus answers. */
export type CurrentStatus<UserDoc> =
  | { status: "signedOut" }
  | { status: "notSynced"; userId: string }
  | { status: "deleted"; userId: string }
  | { status: "synced"; userId: string; user: UserDoc };

type AuthCtx = { auth: GenericQueryCtx<any>["auth"] };

/** The Clerk user id of the signed-in user (the token's `subject`); a ConvexError `NotSignedIn` when there is none. */
export async function signedInSubject(ctx: AuthCtx): Promise<string> {
  const identity = await ctx.auth.getUserIdentity();
  if (!identity) throw clerkError("NotSignedIn", "Not signed in");
  return identity.subject;
}

export function createIdentity<UserDoc>(engine: Engine, usersModule: string) {
  const users = engine.kind("users");
  const byExternalIdRef = makeFunctionReference<"query", { externalId: string }, UserDoc | null>(`${usersModule}:byExternalId`);
  const upsertUserRef = makeFunctionReference<"mutation", { user: unknown }, UpsertOutcome>(`${usersModule}:upsertFromClerk`);

  const getUser = async (ctx: GenericQueryCtx<any>, externalId: string) =>
    (await engine.byExternalId(ctx, users.table, externalId)) as UserDoc | null;

  /** The signed-in user's document, or null (signed out or not synced yet). */
  async function getCurrentUser(ctx: GenericQueryCtx<any>): Promise<UserDoc | null> {
    const identity = await ctx.auth.getUserIdentity();
    return identity ? await getUser(ctx, identity.subject) : null; // subject = Clerk user id
  }
  /** The signed-in user's document; throws a ConvexError (code NotSignedIn or UserNotFound) when there is none. */
  async function getCurrentUserOrThrow(ctx: GenericQueryCtx<any>): Promise<UserDoc> {
    const subject = await signedInSubject(ctx);
    const user = await getUser(ctx, subject);
    if (!user) {
      throw clerkError("UserNotFound", `No user document for ${subject} yet; call ${usersModule}:getCurrentUserOrSync`, {
        userId: subject,
      });
    }
    return user;
  }

  const functions = {
    byExternalId: engine.config.internalQuery({
      args: { externalId: v.string() },
      handler: async (ctx, { externalId }) => await getUser(ctx, externalId),
    }),
    /** The signed-in user's document, or null (signed out, or not synced yet: currentStatus tells them apart). */
    current: engine.config.query({ args: {}, handler: async (ctx) => await getCurrentUser(ctx) }),
    /**
     * Where the signed-in user stands: `{status: "signedOut"}`, `{status:
     * "notSynced", userId}` (signed in before the first webhook: call
     * getCurrentUserOrSync), `{status: "deleted", userId}` or `{status:
     * "synced", userId, user}`.
     */
    currentStatus: engine.config.query({
      args: {},
      handler: async (ctx): Promise<CurrentStatus<UserDoc>> => {
        const identity = await ctx.auth.getUserIdentity();
        if (!identity) return { status: "signedOut" };
        const userId = identity.subject;
        const user = await getUser(ctx, userId);
        if (user) return { status: "synced", userId, user };
        return { status: (await engine.isDeleted(ctx, users, userId)) ? "deleted" : "notSynced", userId };
      },
    }),
    /**
     * The signed-in user's document; when the webhook has not arrived yet,
     * reads the user from Clerk's Backend API (CLERK_SECRET_KEY) and stores it
     * with the same upsert. Only ever syncs the caller's own id.
     */
    getCurrentUserOrSync: engine.config.action({
      args: {},
      handler: async (ctx): Promise<UserDoc> => {
        const userId = await signedInSubject(ctx);
        const stored = await ctx.runQuery(byExternalIdRef, { externalId: userId });
        if (stored) return stored;
        const outcome = await ctx.runMutation(upsertUserRef, { user: await fetchClerkUser(userId) });
        const synced = await ctx.runQuery(byExternalIdRef, { externalId: userId });
        if (!synced) {
          throw clerkError(outcome === "deleted" ? "UserDeleted" : "UserNotSynced", `Clerk user ${userId} could not be stored (${outcome})`, {
            userId,
          });
        }
        return synced;
      },
    }),
  };

  return { getUser, getCurrentUser, getCurrentUserOrThrow, functions };
}

async function fetchClerkUser(userId: string): Promise<unknown> {
  const secretKey = process.env.CLERK_SECRET_KEY;
  if (!secretKey) throw clerkError("ClerkNotConfigured", "CLERK_SECRET_KEY is not set");
  // CLERK_API_URL only exists so tests (or a proxy) can stand in for Clerk.
  const baseUrl = (process.env.CLERK_API_URL ?? "https://api.clerk.com").replace(/\/+$/, "");
  const response = await fetch(`${baseUrl}/v1/users/${encodeURIComponent(userId)}`, {
    headers: { Authorization: `Bearer ${secretKey}`, Accept: "application/json" },
  });
  if (response.status === 404) throw clerkError("ClerkUserNotFound", `Clerk has no user ${userId}`);
  if (!response.ok) {
    // Clerk's body ({errors: [...], clerk_trace_id}) helps support; the key is never in it.
    const body = (await response.text()).slice(0, 500);
    throw clerkError("ClerkApiError", `Clerk Backend API answered ${response.status} for user ${userId}: ${body}`);
  }
  return await response.json();
}
