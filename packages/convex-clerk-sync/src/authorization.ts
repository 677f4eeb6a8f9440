/**
 * Authorization helpers: memberships, role and permission checks, member lists.
 * Every answer first checks the organization's tombstone (and the user's): a
 * deleted organization grants nothing while its cascade runs, or after a step
 * of it failed.
 */
import type { GenericQueryCtx, PaginationOptions, PaginationResult } from "convex/server";
import type { AnyDoc, AnyQueryCtx, Engine } from "./engine.js";
import { clerkError } from "./errors.js";
import { signedInSubject } from "./identity.js";
import { supersedes } from "./kinds/memberships.js";
import type { StoredMembership } from "./types.js";

type Ctx = GenericQueryCtx<any>;

export function createAuthorization<MembershipDoc, OrganizationDoc, Role extends string, Permission extends string>(engine: Engine) {
  const memberships = engine.kind("memberships");
  const organizations = engine.kind("organizations");
  const users = engine.kind("users");
  const roles = engine.kind("roles");

  const organizationDeleted = (ctx: AnyQueryCtx, organizationId: string) => engine.isDeleted(ctx, organizations, organizationId);

  /**
   * The membership of a Clerk user in a Clerk organization, or null: also
   * null when the organization or the user is deleted (their cascade may be
   * running). The sync keeps one membership per pair; should two ever be
   * read, the newest (by Clerk's created_at, then updated_at) answers.
   */
  async function getMembership(ctx: Ctx, organizationId: string, userId: string): Promise<MembershipDoc | null> {
    if (await organizationDeleted(ctx, organizationId)) return null;
    if (await engine.isDeleted(ctx, users, userId)) return null;
    const pair = (await ctx.db
      .query(memberships.table)
      .withIndex("byOrganizationAndUser", (q: any) => q.eq("organizationId", organizationId).eq("userId", userId))
      .collect()) as AnyDoc[];
    const newest = pair.reduce<AnyDoc | null>((best, m) => (best && supersedes(best as never, m as never) ? best : m), null);
    return newest as MembershipDoc | null;
  }

  /**
   * The permission keys a membership holds: its role's current definition
   * when the roles table has the role (kept current by role.* and
   * permission.deleted events), else the permissions stored from the
   * membership's own payload.
   */
  async function permissionsOf(ctx: Ctx, membership: StoredMembership): Promise<string[]> {
    const definitions = (await ctx.db
      .query(roles.table)
      .withIndex("byKey", (q: any) => q.eq("key", membership.role))
      .collect()) as AnyDoc[];
    if (definitions.length === 0) return membership.permissions ?? [];
    // Role keys are unique in Clerk; a re-created role's old document waits for its delete. The newest answers.
    const current = definitions.reduce((a, b) => ((b.clerkUpdatedAt as number) > (a.clerkUpdatedAt as number) ? b : a));
    return (current.permissions as { key: string }[]).map((p) => p.key);
  }

  /** The signed-in user's membership of the organization; else a ConvexError NotSignedIn or NotAMember. */
  async function requireMembership(ctx: Ctx, organizationId: string): Promise<MembershipDoc> {
    const subject = await signedInSubject(ctx);
    const membership = await getMembership(ctx, organizationId, subject);
    if (!membership) {
      throw clerkError("NotAMember", `${subject} is not a member of ${organizationId}`, { organizationId });
    }
    return membership;
  }

  async function requireAllowed(
    ctx: Ctx,
    organizationId: string,
    allowed: (m: StoredMembership) => Promise<boolean>,
    required: { roles: string[] } | { permission: string },
  ): Promise<MembershipDoc> {
    const membership = await requireMembership(ctx, organizationId);
    if (!(await allowed(membership as unknown as StoredMembership))) {
      const subject = (membership as unknown as StoredMembership).userId;
      throw clerkError("Forbidden", `${subject} lacks ${JSON.stringify(required)} in ${organizationId}`, {
        organizationId,
        ...required,
      });
    }
    return membership;
  }

  /**
   * The signed-in user's membership of the organization when its role is one of
   * `roles`; else a ConvexError whose data is {code: "NotSignedIn", message},
   * {code: "NotAMember", message, organizationId} or {code: "Forbidden",
   * message, organizationId, roles}.
   */
  async function requireRole(ctx: Ctx, organizationId: string, roles: Role | readonly Role[]): Promise<MembershipDoc> {
    const wanted: string[] = typeof roles === "string" ? [roles] : [...roles];
    return await requireAllowed(ctx, organizationId, async (m) => wanted.includes(m.role), { roles: wanted });
  }

  /**
   * As requireRole, for a permission key (e.g. "org:posts:edit"): decided by
   * the role's current definition when the roles table has the role, else by
   * the membership's stored permissions. `permission` on Forbidden.
   */
  async function requirePermission(ctx: Ctx, organizationId: string, permission: Permission): Promise<MembershipDoc> {
    return await requireAllowed(ctx, organizationId, async (m) => (await permissionsOf(ctx, m)).includes(permission), {
      permission,
    });
  }

  /** An organization's memberships, a page at a time, ordered by Clerk user id; an empty last page for a deleted organization. */
  async function listMembers(ctx: Ctx, organizationId: string, paginationOpts: PaginationOptions): Promise<PaginationResult<MembershipDoc>> {
    if (await organizationDeleted(ctx, organizationId)) return { page: [], isDone: true, continueCursor: paginationOpts.cursor ?? "" };
    return (await ctx.db
      .query(memberships.table)
      .withIndex("byOrganizationAndUser", (q: any) => q.eq("organizationId", organizationId))
      .paginate(paginationOpts)) as PaginationResult<never>;
  }

  /** A user's organizations, each with the membership (role, permissions) that joins them; none of a deleted organization or user. */
  async function listUserOrganizations(ctx: Ctx, userId: string) {
    if (await engine.isDeleted(ctx, users, userId)) return [];
    const userMemberships = (await ctx.db
      .query(memberships.table)
      .withIndex("byUser", (q: any) => q.eq("userId", userId))
      .collect()) as StoredMembership[];
    const byOrganization = new Map<string, StoredMembership>();
    for (const m of userMemberships) {
      const seen = byOrganization.get(m.organizationId);
      if (!seen || supersedes(m as never, seen as never)) byOrganization.set(m.organizationId, m);
    }
    const joined = await Promise.all(
      [...byOrganization.values()].map(async (membership) => ({
        organization: (await organizationDeleted(ctx, membership.organizationId))
          ? null
          : ((await engine.byExternalId(ctx, organizations.table, membership.organizationId)) as OrganizationDoc | null),
        membership: membership as MembershipDoc,
      })),
    );
    return joined.filter((j): j is { organization: OrganizationDoc; membership: MembershipDoc } => j.organization !== null);
  }

  /** The permission keys the signed-in user holds in the organization (as requirePermission decides them); [] when none. */
  async function getPermissions(ctx: Ctx, organizationId: string): Promise<Permission[]> {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) return [];
    const membership = await getMembership(ctx, organizationId, identity.subject);
    return membership ? ((await permissionsOf(ctx, membership as unknown as StoredMembership)) as Permission[]) : [];
  }

  return { getMembership, requireMembership, requireRole, requirePermission, getPermissions, listMembers, listUserOrganizations };
}
