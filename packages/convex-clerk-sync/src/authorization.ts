/** Authorization helpers: memberships, role and permission checks, member lists. */
import type { GenericQueryCtx, PaginationOptions, PaginationResult } from "convex/server";
import type { Engine } from "./engine.js";
import { clerkError } from "./errors.js";
import { signedInSubject } from "./identity.js";
import type { StoredMembership } from "./types.js";

export function createAuthorization<MembershipDoc, OrganizationDoc, Role extends string, Permission extends string>(engine: Engine) {
  const memberships = engine.kind("memberships");
  const organizations = engine.kind("organizations");

  /** The membership of a Clerk user in a Clerk organization, or null. */
  async function getMembership(ctx: GenericQueryCtx<any>, organizationId: string, userId: string): Promise<MembershipDoc | null> {
    return (await ctx.db
      .query(memberships.table)
      .withIndex("byOrganizationAndUser", (q: any) => q.eq("organizationId", organizationId).eq("userId", userId))
      .unique()) as MembershipDoc | null;
  }

  async function requireMembership(
    ctx: GenericQueryCtx<any>,
    organizationId: string,
    allowed: (m: StoredMembership) => boolean,
    required: { roles: string[] } | { permission: string },
  ): Promise<MembershipDoc> {
    const subject = await signedInSubject(ctx);
    const membership = await getMembership(ctx, organizationId, subject);
    if (!membership) {
      throw clerkError("NotAMember", `${subject} is not a member of ${organizationId}`, { organizationId });
    }
    if (!allowed(membership as unknown as StoredMembership)) {
      throw clerkError("Forbidden", `${subject} lacks ${JSON.stringify(required)} in ${organizationId}`, {
        organizationId,
        ...required,
      });
    }
    return membership;
  }

  /**
   * The signed-in user's membership of the organization when its role is one of
   * `roles`; else a ConvexError whose data is {code: "NotSignedIn", message} or
   * {code: "NotAMember", message, organizationId} or {code: "Forbidden", message, organizationId, roles}.
   */
  async function requireRole(ctx: GenericQueryCtx<any>, organizationId: string, roles: Role | Role[]): Promise<MembershipDoc> {
    const wanted: string[] = typeof roles === "string" ? [roles] : roles;
    return await requireMembership(ctx, organizationId, (m) => wanted.includes(m.role), { roles: wanted });
  }

  /** As requireRole, for a permission key (e.g. "org:sys_memberships:manage"); `permission` on Forbidden. */
  async function requirePermission(ctx: GenericQueryCtx<any>, organizationId: string, permission: Permission): Promise<MembershipDoc> {
    return await requireMembership(ctx, organizationId, (m) => (m.permissions ?? []).includes(permission), { permission });
  }

  /** An organization's memberships, a page at a time, ordered by Clerk user id. */
  async function listMembers(
    ctx: GenericQueryCtx<any>,
    organizationId: string,
    paginationOpts: PaginationOptions,
  ): Promise<PaginationResult<MembershipDoc>> {
    return (await ctx.db
      .query(memberships.table)
      .withIndex("byOrganizationAndUser", (q) => q.eq("organizationId", organizationId))
      .paginate(paginationOpts)) as PaginationResult<never>;
  }

  /** A user's organizations, each with the membership (role, permissions) that joins them. */
  async function listUserOrganizations(ctx: GenericQueryCtx<any>, userId: string) {
    const userMemberships = (await ctx.db
      .query(memberships.table)
      .withIndex("byUser", (q) => q.eq("userId", userId))
      .collect()) as StoredMembership[];
    const joined = await Promise.all(
      userMemberships.map(async (membership) => ({
        organization: (await engine.byExternalId(ctx, organizations.table, membership.organizationId)) as OrganizationDoc | null,
        membership: membership as MembershipDoc,
      })),
    );
    // Only during an organization's cascade can a membership outlive its organization.
    return joined.filter((j): j is { organization: OrganizationDoc; membership: MembershipDoc } => j.organization !== null);
  }

  return { getMembership, requireRole, requirePermission, listMembers, listUserOrganizations };
}
