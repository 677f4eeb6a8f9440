/** The users kind: Clerk's User objects in `users`, deleted ids in `deletedUsers`; a user's deletion cascades to its memberships. */
import { defineTable, paginationOptsValidator, type PaginationResult } from "convex/server";
import { v, type Infer } from "convex/values";
import { MAX_UPSERT_BATCH, type Engine } from "../engine.js";
import { clerkObject, isRecord, text, tombstoneFields, type Mapped } from "../values.js";

/** The default fields of a user document. */
export const userFields = {
  externalId: v.string(), // Clerk user id (user_...), the JWT `subject`
  email: v.optional(v.string()), // primary address; absent when Clerk has none
  name: v.optional(v.string()), // "first last", else username, else email
  imageUrl: v.optional(v.string()),
  role: v.optional(v.string()), // public_metadata.role; absent when unset
  clerkUpdatedAt: v.number(), // Clerk's updated_at (ms): the ordering guard
};
export type UserFields = Infer<ReturnType<typeof v.object<typeof userFields>>>;

export const userKind = {
  name: "users",
  event: "user",
  table: "users",
  tombstones: "deletedUsers",
  tables: () => ({
    users: defineTable(userFields).index("byExternalId", ["externalId"]),
    deletedUsers: defineTable(tombstoneFields).index("byExternalId", ["externalId"]),
  }),
} as const;

/** Maps a Clerk User object (webhook `data` or Backend API listing entry). */
export function userFromClerk(user: unknown): Mapped<UserFields> {
  const record = clerkObject(user, "user");
  const email = primaryEmail(record);
  const fullName = [text(record.first_name), text(record.last_name)].filter(Boolean).join(" ");
  return {
    externalId: record.id,
    email,
    name: fullName || text(record.username) || email,
    imageUrl: text(record.image_url),
    role: isRecord(record.public_metadata) ? text(record.public_metadata.role) : undefined,
    clerkUpdatedAt: record.updated_at,
  };
}

// The address whose id is primary_email_address_id; Clerk lists all of them.
function primaryEmail(user: Record<string, unknown>): string | undefined {
  const primaryId = user.primary_email_address_id;
  if (!primaryId || !Array.isArray(user.email_addresses)) return undefined;
  const primary = user.email_addresses.find((e) => isRecord(e) && e.id === primaryId);
  return isRecord(primary) ? text(primary.email_address) : undefined;
}

/** The functions of users.ts the runtime calls, and `list`; the app-facing ones come from identity.ts. */
export function userFunctions<UserDoc>(engine: Engine, map: (clerk: unknown) => Mapped<UserFields>) {
  const users = engine.kind(userKind.name);
  return {
    // user.created, user.updated: `{user: data}`; reconcile: a page of the listing, and the sweep of stored ids.
    ...engine.kindFunctions({
      one: "user",
      many: "users",
      apply: (ctx, clerk) => engine.upsert(ctx, users, map(clerk)),
      applyMany: engine.upsertMany("users", map, MAX_UPSERT_BATCH, (ctx, _, fields) => engine.upsert(ctx, users, fields)),
      table: users.table,
      item: v.string(),
      pick: (d) => d.externalId as string,
    }),
    /** user.deleted: `{userId: data.id}`. Removes the user and its memberships (cascadeStep per mutation). */
    deleteFromClerk: engine.deleteFunction("userId", users),
    /** All users, a page at a time (`npx convex run users:list`). Internal: it shows every email address. */
    list: engine.config.internalQuery({
      args: { paginationOpts: paginationOptsValidator },
      handler: async (ctx, { paginationOpts }) =>
        (await ctx.db.query(users.table).order("asc").paginate(paginationOpts)) as PaginationResult<UserDoc>,
    }),
  };
}
