import {
  actionGeneric,
  internalMutationGeneric,
  internalQueryGeneric,
  makeFunctionReference,
  paginationOptsValidator,
  queryGeneric,
  type ActionBuilder,
  type DocumentByName,
  type GenericDataModel,
  type GenericMutationCtx,
  type GenericQueryCtx,
  type MutationBuilder,
  type PaginationOptions,
  type PaginationResult,
  type QueryBuilder,
  type TableNamesInDataModel,
} from "convex/server";
import { ConvexError, v, type GenericId, type Infer, type Validator, type Value, type VAny, type VArray } from "convex/values";
import {
  definedFields,
  membershipFromClerk,
  nestedOrganization,
  organizationFromClerk,
  text,
  userFromClerk,
  type Mapped,
  type MembershipFields,
  type OrganizationFields,
  type UserFields,
} from "./mapping.js";
import { defaultTableNames, type TableNames } from "./schema.js";

/**
 * What an upsert did, returned so the runtime can log it: `deleted` means the
 * id has a tombstone and nothing was written.
 */
export const upsertOutcome = v.union(
  v.literal("inserted"),
  v.literal("updated"),
  v.literal("unchanged"), // the same data is already stored (a duplicate)
  v.literal("stale"), // older than what is stored: an out-of-order delivery
  v.literal("deleted"), // refused: the id (or, for a membership, its organization or user) has a tombstone
);
export type UpsertOutcome = Infer<typeof upsertOutcome>;
/** upsertManyFromClerk's answer: how many objects of the batch ended in each outcome. */
export const upsertCounts = v.object({
  inserted: v.number(),
  updated: v.number(),
  unchanged: v.number(),
  stale: v.number(),
  deleted: v.number(),
});
export type UpsertCounts = Infer<typeof upsertCounts>;
const deleteOutcome = v.union(v.literal("deleted"), v.literal("absent"), v.literal("ignored"));

/**
 * The most users or organizations one upsertManyFromClerk call takes: two
 * index lookups each (tombstone, document) keeps 1000 at half of Convex's 4096
 * index ranges per transaction. The runtime sends 100.
 */
export const MAX_UPSERT_BATCH = 1000;
/** The same for memberships, which cost five lookups each (three tombstones, the organization, the membership). */
export const MAX_MEMBERSHIP_BATCH = 500;
/** The most ids one pageExternalIds call returns, whatever numItems asks: a returned array holds at most 8192 values. */
export const MAX_ID_PAGE = 4000;
/** Memberships one mutation removes in a cascade; the rest go on in a scheduled mutation. */
export const CASCADE_STEP = 1000;

type SystemFields = { _id: GenericId<string>; _creationTime: number };
export type StoredUser = UserFields & SystemFields;
export type StoredOrganization = OrganizationFields & SystemFields;
export type StoredMembership = MembershipFields & SystemFields;
// The app's own document types when it keeps the default table names (its extra fields included), else the defaults'.
type DocOf<DM extends GenericDataModel, T extends string, Fallback> = T extends TableNamesInDataModel<DM>
  ? DocumentByName<DM, T>
  : Fallback;
export type UserDoc<DM extends GenericDataModel> = DocOf<DM, "users", StoredUser>;
export type OrganizationDoc<DM extends GenericDataModel> = DocOf<DM, "organizations", StoredOrganization>;
export type MembershipDoc<DM extends GenericDataModel> = DocOf<DM, "memberships", StoredMembership>;

type Handler<Ctx, D> = (ctx: Ctx, doc: D) => Promise<void> | void;
type UpdateHandler<Ctx, D> = (ctx: Ctx, doc: D, previous: D) => Promise<void> | void;
/**
 * Handlers that run in the same mutation as the write, once per effective
 * change: never for a stale, unchanged or tombstoned event, nor for a delete
 * of something not stored. `*.deleted` gets the removed document; a membership
 * removed by an organization's or user's cascade counts as deleted too.
 */
export type ClerkHooks<DM extends GenericDataModel> = {
  "user.created"?: Handler<GenericMutationCtx<DM>, UserDoc<DM>>;
  "user.updated"?: UpdateHandler<GenericMutationCtx<DM>, UserDoc<DM>>;
  "user.deleted"?: Handler<GenericMutationCtx<DM>, UserDoc<DM>>;
  "organization.created"?: Handler<GenericMutationCtx<DM>, OrganizationDoc<DM>>;
  "organization.updated"?: UpdateHandler<GenericMutationCtx<DM>, OrganizationDoc<DM>>;
  "organization.deleted"?: Handler<GenericMutationCtx<DM>, OrganizationDoc<DM>>;
  "organizationMembership.created"?: Handler<GenericMutationCtx<DM>, MembershipDoc<DM>>;
  "organizationMembership.updated"?: UpdateHandler<GenericMutationCtx<DM>, MembershipDoc<DM>>;
  "organizationMembership.deleted"?: Handler<GenericMutationCtx<DM>, MembershipDoc<DM>>;
};

/** Turns Clerk's object into the stored fields; gets the default mapping to extend. */
type Mapper<F> = (clerk: Record<string, unknown>, defaults: Mapped<F>) => Record<string, Value | undefined>;

export type ClerkSyncOptions<DM extends GenericDataModel> = {
  /** Table names, when not the defaults (pass the same names to clerkTables). */
  tables?: Partial<TableNames>;
  /** Your own mapping of Clerk's JSON; `externalId` and `clerkUpdatedAt` are always Clerk's. */
  map?: { user?: Mapper<UserFields>; organization?: Mapper<OrganizationFields>; membership?: Mapper<MembershipFields> };
  hooks?: ClerkHooks<DM>;
  /**
   * Your builders, when you wrap them (convex-helpers' customMutation, triggers,
   * ...): the sync then writes through them. Default: Convex's own.
   */
  internalMutation?: MutationBuilder<DM, "internal">;
  internalQuery?: QueryBuilder<DM, "internal">;
  query?: QueryBuilder<DM, "public">;
  action?: ActionBuilder<DM, "public">;
  /** The module files the functions are exported from, when not users.ts and memberships.ts. */
  modules?: { users?: string; memberships?: string };
  /** Memberships removed per mutation in a cascade (at most CASCADE_STEP). */
  cascadeStep?: number;
};

// The sync writes tables by configured names, which the app's DataModel types
// do not know; inside, the database is used untyped.
type AnyCtx = GenericMutationCtx<GenericDataModel>;
type AnyDoc = Record<string, Value> & SystemFields;

type Kind = {
  table: string;
  tombstones: string;
  created?: Handler<AnyCtx, AnyDoc>;
  updated?: UpdateHandler<AnyCtx, AnyDoc>;
  deleted?: Handler<AnyCtx, AnyDoc>;
};

/**
 * Builds the functions the runtime calls and the helpers for app code, over
 * the app's own tables. Export `sync.users`, `sync.organizations` and
 * `sync.memberships` from users.ts, organizations.ts and memberships.ts.
 */
export function clerkSync<DM extends GenericDataModel>(options: ClerkSyncOptions<DM> = {}) {
  const names: TableNames = { ...defaultTableNames, ...options.tables };
  const hooks = (options.hooks ?? {}) as ClerkHooks<GenericDataModel> as Record<string, never>;
  const internalMutation = (options.internalMutation ?? internalMutationGeneric) as MutationBuilder<DM, "internal">;
  const internalQuery = (options.internalQuery ?? internalQueryGeneric) as QueryBuilder<DM, "internal">;
  const query = (options.query ?? queryGeneric) as QueryBuilder<DM, "public">;
  const action = (options.action ?? actionGeneric) as ActionBuilder<DM, "public">;
  const usersModule = options.modules?.users ?? "users";
  const membershipsModule = options.modules?.memberships ?? "memberships";
  const cascadeStep = Math.min(options.cascadeStep ?? CASCADE_STEP, CASCADE_STEP);
  const continueCascadeRef = makeFunctionReference<"mutation">(`${membershipsModule}:continueCascade`);

  const kind = (table: keyof TableNames, tombstones: keyof TableNames, event: string): Kind => ({
    table: names[table],
    tombstones: names[tombstones],
    created: hooks[`${event}.created`],
    updated: hooks[`${event}.updated`],
    deleted: hooks[`${event}.deleted`],
  });
  const users = kind("users", "deletedUsers", "user");
  const organizations = kind("organizations", "deletedOrganizations", "organization");
  const memberships = kind("memberships", "deletedMemberships", "organizationMembership");

  const mapper = <F>(defaults: (clerk: unknown) => Mapped<F>, custom?: Mapper<F>) =>
    (clerk: unknown): Mapped<F> => {
      const fields = defaults(clerk);
      if (!custom) return fields;
      const { externalId, clerkUpdatedAt } = fields;
      return { ...custom(clerk as Record<string, unknown>, fields), externalId, clerkUpdatedAt } as Mapped<F>;
    };
  const mapUser = mapper(userFromClerk, options.map?.user);
  const mapOrganization = mapper(organizationFromClerk, options.map?.organization);
  const mapMembership = mapper(membershipFromClerk, options.map?.membership) as (
    clerk: unknown,
  ) => Mapped<MembershipFields> & { organizationId: string; userId: string };

  async function upsertMembership(ctx: AnyCtx, clerk: unknown, fields: ReturnType<typeof mapMembership>) {
    // Deleted with its organization (whose cascade may still be running): ignored, organization included.
    if (await byExternalId(ctx, organizations.tombstones, fields.organizationId)) return "deleted";
    // The organization as of this event: creates it when its own event has not
    // arrived yet, refreshes it when newer, under the same updated_at guard.
    // It holds even when the membership itself is gone.
    const organization = nestedOrganization(clerk);
    if (organization) await write(ctx, organizations, mapOrganization(organization));
    // A deleted membership, or one of a deleted user: never brought back.
    if (await byExternalId(ctx, memberships.tombstones, fields.externalId)) return "deleted";
    if (await byExternalId(ctx, users.tombstones, fields.userId)) return "deleted";
    return await write(ctx, memberships, fields);
  }

  // Removes one step of a deleted organization's or user's memberships, and
  // schedules the next step while a full step was removed.
  async function cascade(ctx: AnyCtx, of: { organizationId: string } | { userId: string }) {
    const q = ctx.db.query(memberships.table);
    const batch = (await ("organizationId" in of
      ? q.withIndex("byOrganizationAndUser", (i) => i.eq("organizationId", of.organizationId))
      : q.withIndex("byUser", (i) => i.eq("userId", of.userId))
    ).take(cascadeStep)) as AnyDoc[];
    for (const membership of batch) {
      await ctx.db.delete(membership._id);
      await memberships.deleted?.(ctx, membership);
    }
    if (batch.length === cascadeStep) await ctx.scheduler.runAfter(0, continueCascadeRef, of);
    return batch.length;
  }

  const upsertMany = (kindName: string, map: (clerk: unknown) => Mapped<unknown>, max: number, apply: (ctx: AnyCtx, clerk: unknown, fields: never) => Promise<UpsertOutcome>) =>
    async (ctx: AnyCtx, items: unknown[]): Promise<UpsertCounts> => {
      if (items.length > max) throw new ConvexError(`${kindName} holds ${items.length} ${kindName}; send at most ${max} per call`);
      const batch = items.map((item, index) => {
        try {
          return map(item);
        } catch (error) {
          const reason = error instanceof ConvexError ? error.data : String(error);
          throw new ConvexError(`${kindName}[${index}]: ${reason}`);
        }
      });
      const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0 };
      // Sequential on purpose: a duplicate must see the earlier occurrence's write.
      for (let i = 0; i < batch.length; i++) counts[await apply(ctx, items[i], batch[i] as never)]++;
      return counts;
    };
  const upsertManyUsers = upsertMany("users", mapUser, MAX_UPSERT_BATCH, (ctx, _, fields) => upsert(ctx, users, fields));
  const upsertManyOrganizations = upsertMany("organizations", mapOrganization, MAX_UPSERT_BATCH, (ctx, _, fields) =>
    upsert(ctx, organizations, fields),
  );
  const upsertManyMemberships = upsertMany("memberships", mapMembership, MAX_MEMBERSHIP_BATCH, upsertMembership);

  // Deletes one document: removes it, keeps a tombstone, and for a user or an
  // organization starts the cascade over its memberships.
  async function remove(ctx: AnyCtx, k: Kind, externalId: string, of?: { organizationId: string } | { userId: string }) {
    const existing = await byExternalId(ctx, k.table, externalId);
    if (existing) {
      await ctx.db.delete(existing._id);
      await k.deleted?.(ctx, existing);
    }
    if (!(await byExternalId(ctx, k.tombstones, externalId))) {
      await ctx.db.insert(k.tombstones, { externalId, deletedAt: Date.now() });
    }
    if (of) await cascade(ctx, of);
    return existing ? ("deleted" as const) : ("absent" as const);
  }

  const idPage = <T>(table: string, pick: (doc: AnyDoc) => T) =>
    async (ctx: GenericQueryCtx<GenericDataModel>, paginationOpts: PaginationOptions) => {
      const numItems = Math.min(paginationOpts.numItems, MAX_ID_PAGE);
      const { page, isDone, continueCursor } = await ctx.db
        .query(table)
        .order("asc")
        .paginate({ ...paginationOpts, numItems });
      return { page: page.map((doc) => pick(doc as AnyDoc)), isDone, continueCursor };
    };
  const pageReturns = <T extends Parameters<typeof v.array>[0]>(item: T) =>
    v.object({ page: v.array(item), isDone: v.boolean(), continueCursor: v.string() });

  // upsertFromClerk, upsertManyFromClerk and pageExternalIds of one kind: the
  // same three functions, with the argument names the runtime sends for it.
  const kindFunctions = <const One extends string, const Many extends string, P extends Validator<any, "required", any>>(
    one: One,
    many: Many,
    apply: (ctx: AnyCtx, clerk: unknown) => Promise<UpsertOutcome>,
    applyMany: (ctx: AnyCtx, items: unknown[]) => Promise<UpsertCounts>,
    table: string,
    item: P,
    pick: (doc: AnyDoc) => Infer<P>,
  ) => ({
    upsertFromClerk: internalMutation({
      // v.any(): Clerk's payloads carry nulls and fields that come and go; the mappers check the few fields needed.
      args: { [one]: v.any() } as Record<One, VAny>,
      returns: upsertOutcome,
      handler: async (ctx, args) => await apply(ctx as never, (args as Record<string, unknown>)[one]),
    }),
    upsertManyFromClerk: internalMutation({
      args: { [many]: v.array(v.any()) } as Record<Many, VArray<any[], VAny>>,
      returns: upsertCounts,
      handler: async (ctx, args) => await applyMany(ctx as never, (args as Record<string, unknown[]>)[many]),
    }),
    pageExternalIds: internalQuery({
      args: { paginationOpts: paginationOptsValidator },
      returns: pageReturns(item),
      handler: async (ctx, { paginationOpts }) => await idPage(table, pick)(ctx as never, paginationOpts),
    }),
  });

  // deleteFromClerk of users and organizations: Clerk types the deleted id as
  // optional, so a missing one is ignored, not retried.
  const optionalId = v.optional(v.union(v.string(), v.null()));
  const deleteFunction = <const Arg extends string>(
    arg: Arg,
    k: Kind,
    of: (id: string) => { organizationId: string } | { userId: string },
  ) =>
    internalMutation({
      args: { [arg]: optionalId } as Record<Arg, typeof optionalId>,
      returns: deleteOutcome,
      handler: async (ctx, args) => {
        const id = (args as Record<string, string | null | undefined>)[arg];
        if (!id) {
          console.warn(`deleteFromClerk: a delete without ${arg}, ignored`);
          return "ignored" as const;
        }
        return await remove(ctx as never, k, id, of(id));
      },
    });

  // --- helpers for app code ---------------------------------------------------------------------------------------
  const getUser = async (ctx: GenericQueryCtx<DM>, externalId: string) =>
    (await byExternalId(ctx as never, names.users, externalId)) as UserDoc<DM> | null;

  /** The signed-in user's document, or null (signed out or not synced yet). */
  async function getCurrentUser(ctx: GenericQueryCtx<DM>): Promise<UserDoc<DM> | null> {
    const identity = await ctx.auth.getUserIdentity();
    return identity ? await getUser(ctx, identity.subject) : null; // subject = Clerk user id
  }
  /** The signed-in user's document; throws a ConvexError (code NotSignedIn or UserNotFound) when there is none. */
  async function getCurrentUserOrThrow(ctx: GenericQueryCtx<DM>): Promise<UserDoc<DM>> {
    const subject = await signedInSubject(ctx);
    const user = await getUser(ctx, subject);
    if (!user) {
      throw new ConvexError({
        code: "UserNotFound",
        message: `No user document for ${subject} yet; call ${usersModule}:getCurrentUserOrSync`,
      });
    }
    return user;
  }
  /** The membership of a Clerk user in a Clerk organization, or null. */
  async function getMembership(ctx: GenericQueryCtx<DM>, organizationId: string, userId: string) {
    return (await ctx.db
      .query(names.memberships as never)
      .withIndex("byOrganizationAndUser" as never, (q: any) => q.eq("organizationId", organizationId).eq("userId", userId))
      .unique()) as MembershipDoc<DM> | null;
  }
  async function requireMembership(ctx: GenericQueryCtx<DM>, organizationId: string, allowed: (m: MembershipDoc<DM>) => boolean, required: Record<string, unknown>) {
    const subject = await signedInSubject(ctx);
    const membership = await getMembership(ctx, organizationId, subject);
    if (!membership) {
      throw new ConvexError({ code: "NotAMember", message: `${subject} is not a member of ${organizationId}`, organizationId });
    }
    if (!allowed(membership)) {
      throw new ConvexError({
        code: "Forbidden",
        message: `${subject} lacks ${JSON.stringify(required)} in ${organizationId}`,
        organizationId,
        ...required,
      });
    }
    return membership;
  }
  /**
   * The signed-in user's membership of the organization when its role is one of
   * `roles`; else a ConvexError a client can read: {code: "NotSignedIn" |
   * "NotAMember" | "Forbidden", message, organizationId, roles}.
   */
  async function requireRole(ctx: GenericQueryCtx<DM>, organizationId: string, roles: string | string[]) {
    const wanted = typeof roles === "string" ? [roles] : roles;
    return await requireMembership(ctx, organizationId, (m) => wanted.includes((m as StoredMembership).role), { roles: wanted });
  }
  /** As requireRole, for a permission key (e.g. "org:sys_memberships:manage") among the membership's permissions. */
  async function requirePermission(ctx: GenericQueryCtx<DM>, organizationId: string, permission: string) {
    return await requireMembership(ctx, organizationId, (m) => ((m as StoredMembership).permissions ?? []).includes(permission), { permission });
  }
  /** An organization's memberships, a page at a time, ordered by Clerk user id. */
  async function listMembers(
    ctx: GenericQueryCtx<DM>,
    organizationId: string,
    paginationOpts: PaginationOptions,
  ): Promise<PaginationResult<MembershipDoc<DM>>> {
    return (await ctx.db
      .query(names.memberships as never)
      .withIndex("byOrganizationAndUser" as never, (q: any) => q.eq("organizationId", organizationId))
      .paginate(paginationOpts)) as PaginationResult<never>;
  }
  /** A user's organizations, each with the membership (role, permissions) that joins them. */
  async function listUserOrganizations(ctx: GenericQueryCtx<DM>, userId: string) {
    const userMemberships = (await ctx.db
      .query(names.memberships as never)
      .withIndex("byUser" as never, (q: any) => q.eq("userId", userId))
      .collect()) as MembershipDoc<DM>[];
    const joined = await Promise.all(
      userMemberships.map(async (membership) => ({
        organization: (await byExternalId(ctx as never, names.organizations, (membership as StoredMembership).organizationId)) as OrganizationDoc<DM> | null,
        membership,
      })),
    );
    // Only during an organization's cascade can a membership outlive its organization.
    return joined.filter((j): j is { organization: OrganizationDoc<DM>; membership: MembershipDoc<DM> } => j.organization !== null);
  }

  const byExternalIdRef = makeFunctionReference<"query", { externalId: string }, UserDoc<DM> | null>(`${usersModule}:byExternalId`);
  const upsertUserRef = makeFunctionReference<"mutation", { user: unknown }, UpsertOutcome>(`${usersModule}:upsertFromClerk`);

  return {
    tables: names,
    getCurrentUser,
    getCurrentUserOrThrow,
    getMembership,
    requireRole,
    requirePermission,
    listMembers,
    listUserOrganizations,

    users: {
      // user.created, user.updated: `{user: data}`; reconcile: a page of the listing, and the sweep of stored ids.
      ...kindFunctions(
        "user",
        "users",
        (ctx, clerk) => upsert(ctx, users, mapUser(clerk)),
        upsertManyUsers,
        names.users,
        v.string(),
        (d) => d.externalId as string,
      ),
      /** user.deleted: `{userId: data.id}`. Removes the user and its memberships (CASCADE_STEP per mutation). */
      deleteFromClerk: deleteFunction("userId", users, (userId) => ({ userId })),
      byExternalId: internalQuery({
        args: { externalId: v.string() },
        handler: async (ctx, { externalId }) => await getUser(ctx as never, externalId),
      }),
      /** All users, a page at a time (`npx convex run users:list`). Internal: it shows every email address. */
      list: internalQuery({
        args: { paginationOpts: paginationOptsValidator },
        handler: async (ctx, { paginationOpts }) =>
          (await ctx.db.query(names.users as never).order("asc").paginate(paginationOpts)) as PaginationResult<UserDoc<DM>>,
      }),
      /** The signed-in user's document, or null. */
      current: query({ args: {}, handler: async (ctx) => await getCurrentUser(ctx as never) }),
      /**
       * The signed-in user's document; when the webhook has not arrived yet,
       * reads the user from Clerk's Backend API (CLERK_SECRET_KEY) and stores it
       * with the same upsert. Only ever syncs the caller's own id.
       */
      getCurrentUserOrSync: action({
        args: {},
        handler: async (ctx): Promise<UserDoc<DM>> => {
          const userId = await signedInSubject(ctx);
          const stored = await ctx.runQuery(byExternalIdRef, { externalId: userId });
          if (stored) return stored;
          const outcome = await ctx.runMutation(upsertUserRef, { user: await fetchClerkUser(userId) });
          const synced = await ctx.runQuery(byExternalIdRef, { externalId: userId });
          if (!synced) {
            throw new ConvexError({
              code: outcome === "deleted" ? "UserDeleted" : "UserNotSynced",
              message: `Clerk user ${userId} could not be stored (${outcome})`,
            });
          }
          return synced;
        },
      }),
    },

    organizations: {
      ...kindFunctions(
        "organization",
        "organizations",
        (ctx, clerk) => upsert(ctx, organizations, mapOrganization(clerk)),
        upsertManyOrganizations,
        names.organizations,
        v.string(),
        (d) => d.externalId as string,
      ),
      /** organization.deleted: `{organizationId: data.id}`. Removes it and its memberships (CASCADE_STEP per mutation). */
      deleteFromClerk: deleteFunction("organizationId", organizations, (organizationId) => ({ organizationId })),
    },

    memberships: {
      // organizationMembership.created, .updated: `{membership: data}`; reconcile's sweep pages
      // `{id, organizationId, userId}` (Clerk has no lookup of a membership by id; the runtime asks per
      // organization and user).
      ...kindFunctions(
        "membership",
        "memberships",
        (ctx, clerk) => upsertMembership(ctx, clerk, mapMembership(clerk)),
        upsertManyMemberships,
        names.memberships,
        v.object({ id: v.string(), organizationId: v.string(), userId: v.string() }),
        (d) => ({ id: d.externalId as string, organizationId: d.organizationId as string, userId: d.userId as string }),
      ),
      /**
       * organizationMembership.deleted: `{membership: data}`. Never ordered by
       * its updated_at (Clerk's own examples carry an older one than the update
       * before it): a delete always wins and leaves a tombstone.
       */
      deleteFromClerk: internalMutation({
        args: { membership: v.any() },
        returns: deleteOutcome,
        handler: async (ctx, { membership }) => {
          const externalId = text((membership as { id?: unknown } | null)?.id);
          if (!externalId) throw new ConvexError("membership.id must be a non-empty string");
          return await remove(ctx as never, memberships, externalId);
        },
      }),
      /** The next step of a cascade; scheduled by the deletes above, not called by the runtime. */
      continueCascade: internalMutation({
        args: { organizationId: v.optional(v.string()), userId: v.optional(v.string()) },
        returns: v.number(),
        handler: async (ctx, { organizationId, userId }) =>
          await cascade(ctx as never, organizationId ? { organizationId } : { userId: userId ?? "" }),
      }),
    },
  };
}

/**
 * The one write path of every kind: a tombstone wins over any data; an older
 * updated_at than the stored one is refused; the same fields again write
 * nothing; else the fields are patched in (undefined ones removed), leaving
 * the app's own fields alone.
 */
async function upsert(ctx: AnyCtx, k: Kind, fields: Mapped<unknown>): Promise<UpsertOutcome> {
  if (await byExternalId(ctx, k.tombstones, fields.externalId)) return "deleted";
  return await write(ctx, k, fields);
}

async function write(ctx: AnyCtx, k: Kind, fields: Mapped<unknown>): Promise<UpsertOutcome> {
  const existing = await byExternalId(ctx, k.table, fields.externalId);
  if (!existing) {
    const id = await ctx.db.insert(k.table, definedFields(fields));
    if (k.created) await k.created(ctx, (await ctx.db.get(id)) as AnyDoc);
    return "inserted";
  }
  if (fields.clerkUpdatedAt < (existing.clerkUpdatedAt as number)) return "stale";
  const changes = fields as Record<string, Value | undefined>;
  if (Object.keys(changes).every((key) => existing[key] === changes[key] || sameValue(existing[key], changes[key]))) {
    return "unchanged";
  }
  await ctx.db.patch(existing._id, changes as Record<string, Value>);
  if (k.updated) await k.updated(ctx, (await ctx.db.get(existing._id)) as AnyDoc, existing);
  return "updated";
}

// Arrays (permissions) compare by content; everything else the sync maps is a scalar.
function sameValue(a: unknown, b: unknown) {
  return Array.isArray(a) && Array.isArray(b) && JSON.stringify(a) === JSON.stringify(b);
}

async function byExternalId(ctx: GenericQueryCtx<GenericDataModel>, table: string, externalId: string) {
  return (await ctx.db
    .query(table)
    .withIndex("byExternalId", (q) => q.eq("externalId", externalId))
    .unique()) as AnyDoc | null;
}

async function signedInSubject(ctx: { auth: GenericQueryCtx<GenericDataModel>["auth"] }): Promise<string> {
  const identity = await ctx.auth.getUserIdentity();
  if (!identity) throw new ConvexError({ code: "NotSignedIn", message: "Not signed in" });
  return identity.subject;
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
