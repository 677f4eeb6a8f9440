import { paginationOptsValidator } from "convex/server";
import { ConvexError, v, type Infer } from "convex/values";
import { internal } from "./_generated/api";
import type { Doc } from "./_generated/dataModel";
import {
  action,
  internalMutation,
  internalQuery,
  query,
  type MutationCtx,
  type QueryCtx,
} from "./_generated/server";

// What upsertFromClerk did; returned so the caller can log it.
const upsertOutcome = v.union(
  v.literal("inserted"),
  v.literal("updated"),
  v.literal("unchanged"), // the same data is already stored (a duplicate)
  v.literal("stale"), // older than what is stored: an out-of-order delivery
  v.literal("deleted"), // the id has a tombstone
);
type UpsertOutcome = Infer<typeof upsertOutcome>;
type UserFields = Omit<Doc<"users">, "_id" | "_creationTime">;

// upsertManyFromClerk's answer: how many users of the batch ended in each outcome.
const upsertCounts = v.object({
  inserted: v.number(),
  updated: v.number(),
  unchanged: v.number(),
  stale: v.number(),
  deleted: v.number(),
});
type UpsertCounts = Infer<typeof upsertCounts>;

/**
 * The most users one upsertManyFromClerk call takes. Each user costs two index
 * lookups (tombstone, user) and at most one write, so 1000 stays at half of
 * Convex's 4096 index ranges per transaction, far below its 16,000 writes, and
 * near 2 MB of arguments for full Clerk User objects (the body limit is 16 MiB).
 * The runtime sends 100 per call unless configured otherwise.
 */
export const MAX_UPSERT_BATCH = 1000;

/**
 * The most ids one pageExternalIds call returns, whatever numItems asks for:
 * a returned array may hold at most 8192 elements. A shorter page is still
 * correct: the caller goes on from continueCursor.
 */
export const MAX_ID_PAGE = 4000;

/**
 * Called by the runtime for user.created and user.updated with the event's
 * `data` object as `user`. Internal: only an admin or deploy key can call it.
 */
export const upsertFromClerk = internalMutation({
  // v.any(): Clerk payloads carry nulls and fields that come and go over API
  // versions; a strict validator turns those into retries forever.
  // userFromClerk checks the few fields we need instead.
  args: { user: v.any() },
  returns: upsertOutcome,
  handler: async (ctx, { user }) => await upsertUser(ctx, userFromClerk(user)),
});

/**
 * Called by the runtime's reconcile with a page of Clerk's user listing
 * (Backend API User objects, the same shape as a webhook's `data`). Applies
 * upsertFromClerk's rules to each user in order, in one transaction, so a
 * user listed twice sees its first write. Returns how many users ended in
 * each outcome; `deleted` counts users refused because of a tombstone, not
 * users removed. A malformed user rejects the whole batch, naming its index.
 */
export const upsertManyFromClerk = internalMutation({
  args: { users: v.array(v.any()) }, // v.any() for the reason given at upsertFromClerk
  returns: upsertCounts,
  handler: async (ctx, { users }) => {
    if (users.length > MAX_UPSERT_BATCH) {
      throw new ConvexError(
        `users holds ${users.length} users; send at most ${MAX_UPSERT_BATCH} per call`,
      );
    }
    const batch = users.map((user, index) => {
      try {
        return userFromClerk(user);
      } catch (error) {
        const reason = error instanceof ConvexError ? error.data : String(error);
        throw new ConvexError(`users[${index}]: ${reason}`);
      }
    });
    const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0 };
    // Sequential on purpose: a duplicate must see the earlier occurrence's write.
    for (const fields of batch) counts[await upsertUser(ctx, fields)]++;
    return counts;
  },
});

/**
 * Called by the runtime for user.deleted with `data.id` as `userId`.
 * Clerk types that id as optional, so a missing one is ignored, not retried.
 */
export const deleteFromClerk = internalMutation({
  args: { userId: v.optional(v.union(v.string(), v.null())) },
  returns: v.union(v.literal("deleted"), v.literal("absent"), v.literal("ignored")),
  handler: async (ctx, { userId }) => {
    if (!userId) {
      console.warn("deleteFromClerk: user.deleted without an id, ignored");
      return "ignored";
    }
    const existing = await userByExternalId(ctx, userId);
    if (existing) await ctx.db.delete(existing._id);
    if (!(await tombstone(ctx, userId))) {
      await ctx.db.insert("deletedUsers", { externalId: userId, deletedAt: Date.now() });
    }
    return existing ? "deleted" : "absent";
  },
});

/**
 * All users, a page at a time, for `npx convex run users:list`. Internal
 * because it exposes every email address.
 */
export const list = internalQuery({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) => {
    return await ctx.db.query("users").order("asc").paginate(paginationOpts);
  },
});

/** The signed-in user's document, or null (signed out or not synced yet). */
export const current = query({
  args: {},
  handler: async (ctx) => await getCurrentUser(ctx),
});

/**
 * The signed-in user's document; when the webhook has not arrived yet, fetch
 * the user from Clerk's Backend API and store it with the same upsert.
 * Use it where the first request after sign-up may race the webhook.
 */
export const getCurrentUserOrSync = action({
  args: {},
  handler: async (ctx): Promise<Doc<"users">> => {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) throw new ConvexError({ code: "NotSignedIn", message: "Not signed in" });
    const userId = identity.subject;

    const stored = await ctx.runQuery(internal.users.byExternalId, { externalId: userId });
    if (stored) return stored;

    const clerkUser = await fetchClerkUser(userId);
    const outcome = await ctx.runMutation(internal.users.upsertFromClerk, { user: clerkUser });
    const synced = await ctx.runQuery(internal.users.byExternalId, { externalId: userId });
    if (!synced) {
      throw new ConvexError({
        code: outcome === "deleted" ? "UserDeleted" : "UserNotSynced",
        message: `Clerk user ${userId} could not be stored (${outcome})`,
      });
    }
    return synced;
  },
});

/**
 * The Clerk ids of the stored users, a page at a time, for the runtime's
 * reconcile to find users that Clerk no longer has. Deleted users are not
 * listed: deleteFromClerk removes their document and keeps only a tombstone.
 * At most MAX_ID_PAGE ids per page.
 */
export const pageExternalIds = internalQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: v.object({ page: v.array(v.string()), isDone: v.boolean(), continueCursor: v.string() }),
  handler: async (ctx, { paginationOpts }) => {
    const numItems = Math.min(paginationOpts.numItems, MAX_ID_PAGE);
    const { page, isDone, continueCursor } = await ctx.db
      .query("users")
      .order("asc")
      .paginate({ ...paginationOpts, numItems });
    return { page: page.map((user) => user.externalId), isDone, continueCursor };
  },
});

export const byExternalId = internalQuery({
  args: { externalId: v.string() },
  handler: async (ctx, { externalId }) => await userByExternalId(ctx, externalId),
});

/** For app code: the signed-in user's document or null. */
export async function getCurrentUser(ctx: QueryCtx): Promise<Doc<"users"> | null> {
  const identity = await ctx.auth.getUserIdentity();
  if (!identity) return null;
  return await userByExternalId(ctx, identity.subject); // subject = Clerk user id
}

/** For app code that needs a user: throws a ConvexError when there is none. */
export async function getCurrentUserOrThrow(ctx: QueryCtx): Promise<Doc<"users">> {
  const identity = await ctx.auth.getUserIdentity();
  if (!identity) throw new ConvexError({ code: "NotSignedIn", message: "Not signed in" });
  const user = await userByExternalId(ctx, identity.subject);
  if (!user) {
    throw new ConvexError({
      code: "UserNotFound",
      message: `No user document for ${identity.subject} yet; call users:getCurrentUserOrSync`,
    });
  }
  return user;
}

/**
 * The one write path for Clerk users, shared by upsertFromClerk and
 * upsertManyFromClerk. A tombstone wins over any data; an older updated_at
 * than the stored one is refused; the same fields again write nothing (so a
 * second identical reconcile pass is all "unchanged"); else the fields replace
 * the stored ones.
 */
async function upsertUser(ctx: MutationCtx, fields: UserFields): Promise<UpsertOutcome> {
  if (await tombstone(ctx, fields.externalId)) return "deleted";

  const existing = await userByExternalId(ctx, fields.externalId);
  if (!existing) {
    await ctx.db.insert("users", fields);
    return "inserted";
  }
  if (fields.clerkUpdatedAt < existing.clerkUpdatedAt) return "stale";
  if (sameFields(existing, fields)) return "unchanged";
  // replace, not patch: a field Clerk dropped (e.g. role) must go too.
  await ctx.db.replace(existing._id, fields);
  return "updated";
}

async function userByExternalId(ctx: QueryCtx, externalId: string) {
  return await ctx.db
    .query("users")
    .withIndex("byExternalId", (q) => q.eq("externalId", externalId))
    .unique();
}

async function tombstone(ctx: QueryCtx, externalId: string) {
  return await ctx.db
    .query("deletedUsers")
    .withIndex("byExternalId", (q) => q.eq("externalId", externalId))
    .unique();
}

/**
 * Maps a Clerk User object (webhook `data` or Backend API response) onto our
 * fields. Only `id` and `updated_at` are required; anything else may be null,
 * missing or of another type and then simply leaves its field absent.
 */
export function userFromClerk(user: unknown): UserFields {
  if (!isRecord(user)) throw new ConvexError("user must be a Clerk User object");
  const externalId = text(user.id);
  if (!externalId) throw new ConvexError("user.id must be a non-empty string");
  if (typeof user.updated_at !== "number" || !Number.isFinite(user.updated_at)) {
    throw new ConvexError(`user.updated_at must be a number (user ${externalId})`);
  }

  const email = primaryEmail(user);
  const fullName = [text(user.first_name), text(user.last_name)].filter(Boolean).join(" ");
  const role = isRecord(user.public_metadata) ? text(user.public_metadata.role) : undefined;
  return withoutUndefined({
    externalId,
    email,
    name: fullName || text(user.username) || email,
    imageUrl: text(user.image_url),
    role,
    clerkUpdatedAt: user.updated_at,
  });
}

// The address whose id is primary_email_address_id; Clerk lists all of them.
function primaryEmail(user: Record<string, unknown>): string | undefined {
  const primaryId = user.primary_email_address_id;
  if (!primaryId || !Array.isArray(user.email_addresses)) return undefined;
  const primary = user.email_addresses.find((e) => isRecord(e) && e.id === primaryId);
  return isRecord(primary) ? text(primary.email_address) : undefined;
}

async function fetchClerkUser(userId: string): Promise<unknown> {
  const secretKey = process.env.CLERK_SECRET_KEY;
  if (!secretKey) {
    throw new ConvexError({ code: "ClerkNotConfigured", message: "CLERK_SECRET_KEY is not set" });
  }
  // CLERK_API_URL only exists so tests (or a proxy) can stand in for Clerk.
  const baseUrl = (process.env.CLERK_API_URL ?? "https://api.clerk.com").replace(/\/+$/, "");
  const response = await fetch(`${baseUrl}/v1/users/${encodeURIComponent(userId)}`, {
    headers: { Authorization: `Bearer ${secretKey}`, Accept: "application/json" },
  });
  if (response.status === 404) {
    throw new ConvexError({ code: "ClerkUserNotFound", message: `Clerk has no user ${userId}` });
  }
  if (!response.ok) {
    // Clerk's body ({errors: [...], clerk_trace_id}) helps support; the key is never in it.
    const body = (await response.text()).slice(0, 500);
    throw new ConvexError({
      code: "ClerkApiError",
      message: `Clerk Backend API answered ${response.status} for user ${userId}: ${body}`,
    });
  }
  return await response.json();
}

function sameFields(existing: Doc<"users">, fields: UserFields): boolean {
  const { _id, _creationTime, ...stored } = existing;
  const keys = new Set([...Object.keys(stored), ...Object.keys(fields)]);
  return [...keys].every((key) => stored[key as keyof UserFields] === fields[key as keyof UserFields]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// A trimmed non-empty string, else undefined (covers null, "" and non-strings).
function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

// Convex stores no undefined values; leave such fields out.
function withoutUndefined<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
