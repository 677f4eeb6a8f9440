/**
 * clerkSync: the options an app gives, composed into the engine, one module of
 * functions per kind, and the helpers by concern (identity, authorization).
 */
import {
  actionGeneric,
  internalMutationGeneric,
  internalQueryGeneric,
  queryGeneric,
  type ActionBuilder,
  type GenericDataModel,
  type GenericMutationCtx,
  type MutationBuilder,
  type QueryBuilder,
  type WithoutSystemFields,
} from "convex/server";
import type { Value } from "convex/values";
import { createAuthorization } from "./authorization.js";
import { CASCADE_STEP, createEngine, type HookMode } from "./engine.js";
import { createIdentity } from "./identity.js";
import { kinds } from "./kinds/index.js";
import { membershipFromClerk, membershipFunctions, type MappedMembership, type MembershipFields } from "./kinds/memberships.js";
import { organizationFromClerk, organizationFunctions, type OrganizationFields } from "./kinds/organizations.js";
import { userFromClerk, userFunctions, type UserFields } from "./kinds/users.js";
import { defaultTableNames } from "./schema.js";
import { roleFromClerk, roleFunctions, type RoleFields } from "./kinds/roles.js";
import { createEntitlements } from "./entitlements.js";
import { createInvitationHelpers } from "./invitations.js";
import { invitationFromClerk, invitationFunctions } from "./kinds/invitations.js";
import { planFunctions } from "./kinds/plans.js";
import { subscriptionItemFunctions } from "./kinds/subscriptionItems.js";
import { subscriptionFunctions } from "./kinds/subscriptions.js";
import type { InvitationDoc, PlanDoc, SubscriptionDoc, SubscriptionItemDoc } from "./types.js";
import type { MembershipDoc, OrganizationDoc, RoleDoc, TableNamesOf, UserDoc } from "./types.js";
import type { Mapped } from "./values.js";

type Handler<Ctx, D> = (ctx: Ctx, doc: D) => Promise<void> | void;
type UpdateHandler<Ctx, D> = (ctx: Ctx, doc: D, previous: D) => Promise<void> | void;
/** created, updated and deleted handlers of one Clerk event family. */
export type KindHooks<Event extends string, Ctx, D> = { [K in `${Event}.created` | `${Event}.deleted`]?: Handler<Ctx, D> } & {
  [K in `${Event}.updated`]?: UpdateHandler<Ctx, D>;
};
/**
 * Handlers that run once per effective change: never for a stale, unchanged
 * or tombstoned event, nor for a delete of something not stored. `*.deleted`
 * gets the removed document; a document removed by a cascade counts as
 * deleted too. By default they run in the sync's mutation (see hookMode).
 */
export type ClerkHooks<DM extends GenericDataModel, N = {}> = KindHooks<"user", GenericMutationCtx<DM>, UserDoc<DM, N>> &
  KindHooks<"organization", GenericMutationCtx<DM>, OrganizationDoc<DM, N>> &
  KindHooks<"organizationMembership", GenericMutationCtx<DM>, MembershipDoc<DM, N>> &
  KindHooks<"role", GenericMutationCtx<DM>, RoleDoc<DM, N>> &
  KindHooks<"organizationInvitation", GenericMutationCtx<DM>, InvitationDoc<DM, N>> &
  KindHooks<"subscription", GenericMutationCtx<DM>, SubscriptionDoc<DM, N>> &
  KindHooks<"subscriptionItem", GenericMutationCtx<DM>, SubscriptionItemDoc<DM, N>> &
  KindHooks<"plan", GenericMutationCtx<DM>, PlanDoc<DM, N>>;

/**
 * Turns Clerk's object into the stored fields; gets the default mapping to
 * extend. It may return only fields of the document (`Doc`): a name the table
 * does not have is a type error.
 */
export type Mapper<F, Doc = F> = (clerk: Record<string, unknown>, defaults: Mapped<F>) => MapperResult<F, Doc>;
/**
 * What a mapper may return: the kind's fields and the document's own optional
 * fields. TypeScript checks an arrow's returned object literal for unknown
 * names only against a written return type, so annotate the mapper with it:
 * `user: (clerk, fields): MapperResult<UserFields, UserDoc<DataModel>> => ({ ...fields, locale })`.
 */
export type MapperResult<F, Doc = F> = Mapped<F> & {
  [K in Exclude<keyof WithoutSystemFields<Doc & {}>, keyof F>]?: WithoutSystemFields<Doc & {}>[K] | undefined;
};

export type ClerkSyncOptions<DM extends GenericDataModel, N extends TableNamesOf<DM> = {}> = {
  /**
   * Table names, when not the defaults: pass the object you gave clerkTables
   * (declared `as const`), and its type as clerkSync's fourth type argument so
   * your documents keep their types: `clerkSync<DataModel, Role, Permission, typeof names>({ tables: names })`.
   * Each name must be a table of your schema.
   */
  tables?: [keyof N] extends [never] ? TableNamesOf<DM> : N;
  /** Your own mapping of Clerk's JSON; `externalId` and `clerkUpdatedAt` are always Clerk's. */
  map?: {
    user?: Mapper<UserFields, UserDoc<DM, N>>;
    organization?: Mapper<OrganizationFields, OrganizationDoc<DM, N>>;
    membership?: Mapper<MembershipFields, MembershipDoc<DM, N>>;
    role?: Mapper<RoleFields, RoleDoc<DM, N>>;
  };
  hooks?: ClerkHooks<DM, N>;
  /**
   * "inline" (default): hooks run in the sync's mutation; a hook that throws
   * rolls the write back and the sync answers a ConvexError `HookFailed`
   * naming the hook and the object (the runtime retries, then dead-letters).
   * "afterCommit": the write commits first and each hook runs in its own
   * scheduled mutation (`runHook`, export it from `modules.hooks`); a hook
   * that throws then never blocks the sync, and is not retried.
   */
  hookMode?: HookMode;
  /**
   * Your builders, when you wrap them (convex-helpers' customMutation, triggers,
   * ...): the sync then writes through them. Default: Convex's own.
   */
  internalMutation?: MutationBuilder<DM, "internal">;
  internalQuery?: QueryBuilder<DM, "internal">;
  query?: QueryBuilder<DM, "public">;
  action?: ActionBuilder<DM, "public">;
  /**
   * The module files the functions are exported from, when not users.ts and
   * memberships.ts; `hooks` is where `runHook` is exported for hookMode
   * "afterCommit" (default clerk.ts).
   */
  modules?: { users?: string; memberships?: string; hooks?: string };
  /** Documents removed per mutation in a cascade: a whole number from 1 to CASCADE_STEP. */
  cascadeStep?: number;
};

/**
 * Builds the functions the runtime calls and the helpers for app code, over
 * the app's own tables. Export `sync.users`, `sync.organizations`,
 * `sync.memberships` and `sync.roles` from users.ts, organizations.ts,
 * memberships.ts and roles.ts.
 *
 * Type arguments: your DataModel; the role keys and permission keys your app
 * uses (checked in requireRole and requirePermission); and the table names
 * object's type when you rename tables.
 */
export function clerkSync<
  DM extends GenericDataModel,
  Role extends string = string,
  Permission extends string = string,
  N extends TableNamesOf<DM> = {},
>(options: ClerkSyncOptions<DM, N> = {}) {
  const names = { ...defaultTableNames, ...(options.tables as Record<string, string> | undefined) } as Record<string, string>;
  const engine = createEngine({
    names,
    kinds,
    hooks: (options.hooks ?? {}) as never,
    hookMode: options.hookMode ?? "inline",
    hookModule: options.modules?.hooks ?? "clerk",
    cascadeModule: options.modules?.memberships ?? "memberships",
    cascadeStep: options.cascadeStep ?? CASCADE_STEP,
    internalMutation: options.internalMutation ?? internalMutationGeneric,
    internalQuery: options.internalQuery ?? internalQueryGeneric,
    query: options.query ?? queryGeneric,
    action: options.action ?? actionGeneric,
  });
  const mapper =
    <F, R extends Mapped<F>>(defaults: (clerk: unknown) => R, custom?: (clerk: Record<string, unknown>, fields: R) => unknown) =>
    (clerk: unknown): R => {
      const fields = defaults(clerk);
      if (!custom) return fields;
      const { externalId, clerkUpdatedAt } = fields;
      return { ...(custom(clerk as Record<string, unknown>, fields) as Record<string, Value | undefined>), externalId, clerkUpdatedAt } as R;
    };
  const mapUser = mapper(userFromClerk, options.map?.user as never);
  const mapOrganization = mapper(organizationFromClerk, options.map?.organization as never);
  const mapMembership = mapper<MembershipFields, MappedMembership>(membershipFromClerk, options.map?.membership as never);
  const mapRole = mapper(roleFromClerk, options.map?.role as never);

  const identity = createIdentity<UserDoc<DM, N>>(engine, options.modules?.users ?? "users");
  const authorization = createAuthorization<MembershipDoc<DM, N>, OrganizationDoc<DM, N>, Role, Permission>(engine);

  const entitlements = createEntitlements<SubscriptionItemDoc<DM, N>>(engine);
  const invitationHelpers = createInvitationHelpers<InvitationDoc<DM, N>>(engine);
  const items = subscriptionItemFunctions(engine);

  return {
    /** The table names in use, by table key. */
    tables: names as { [K in keyof typeof defaultTableNames]: string },
    getCurrentUser: identity.getCurrentUser,
    getCurrentUserOrThrow: identity.getCurrentUserOrThrow,
    ...authorization,
    users: { ...userFunctions<UserDoc<DM, N>>(engine, mapUser), ...identity.functions },
    organizations: organizationFunctions(engine, mapOrganization),
    memberships: membershipFunctions(engine, mapMembership, mapOrganization),
    roles: roleFunctions(engine, mapRole),
    ...entitlements,
    ...invitationHelpers,
    subscriptions: subscriptionFunctions(engine, items.upsertItem),
    subscriptionItems: items.functions,
    plans: planFunctions(engine),
    invitations: invitationFunctions(engine, invitationFromClerk),
    /** For hookMode "afterCommit": export from clerk.ts (or modules.hooks) as `runHook`. */
    runHook: engine.runHookFunction,
  };
}
