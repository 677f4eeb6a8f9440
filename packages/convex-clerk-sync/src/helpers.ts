/**
 * `@clerk-convex-sync/convex/helpers`: `orgQuery` and `orgMutation`, builders
 * on convex-helpers' customQuery and customMutation that take an
 * `organizationId` argument, check the signed-in user's membership (and a
 * role or permission, when the function asks for one), and put the
 * membership into `ctx`. A separate entry point: only apps that use it need
 * convex-helpers (an optional peer dependency).
 *
 *     const memberMutation = orgMutation(mutation, clerk);
 *     export const publish = memberMutation({
 *       args: { title: v.string() },
 *       permission: "org:posts:publish",
 *       handler: async (ctx, { organizationId, title }) => { ctx.membership.userId ... },
 *     });
 */
import { customMutation, customQuery } from "convex-helpers/server/customFunctions";
import type { GenericDataModel, GenericQueryCtx, FunctionVisibility, MutationBuilder, QueryBuilder } from "convex/server";
import { v } from "convex/values";

/** What a function built with orgQuery/orgMutation may require besides membership: one of `role`, and `permission`. */
export type OrgRequirement<Role extends string, Permission extends string> = {
  role?: Role | readonly Role[];
  permission?: Permission;
};

/** The part of clerkSync's result these builders use. */
export type OrgAuthorizer<Role extends string, Permission extends string, Membership> = {
  requireMembership(ctx: GenericQueryCtx<any>, organizationId: string): Promise<Membership>;
  requireRole(ctx: GenericQueryCtx<any>, organizationId: string, roles: Role | readonly Role[]): Promise<Membership>;
  requirePermission(ctx: GenericQueryCtx<any>, organizationId: string, permission: Permission): Promise<Membership>;
};

const organizationArgs = { organizationId: v.string() };

async function authorize<Role extends string, Permission extends string, Membership>(
  clerk: OrgAuthorizer<Role, Permission, Membership>,
  ctx: GenericQueryCtx<any>,
  organizationId: string,
  required: OrgRequirement<Role, Permission>,
) {
  // Each check answers the package's ConvexErrors: NotSignedIn, NotAMember, Forbidden.
  let membership = await clerk.requireMembership(ctx, organizationId);
  if (required.role !== undefined) membership = await clerk.requireRole(ctx, organizationId, required.role);
  if (required.permission !== undefined) membership = await clerk.requirePermission(ctx, organizationId, required.permission);
  return { ctx: { organizationId, membership }, args: { organizationId } };
}

// The one customization both builders apply.
function organizationCustomization<Role extends string, Permission extends string, Membership>(
  clerk: OrgAuthorizer<Role, Permission, Membership>,
) {
  return {
    args: organizationArgs,
    input: async (ctx: GenericQueryCtx<any>, { organizationId }: { organizationId: string }, required: OrgRequirement<Role, Permission>) =>
      await authorize(clerk, ctx, organizationId, required),
  };
}

/** A query builder for functions of one organization: `ctx.membership`, `ctx.organizationId`; `role`/`permission` optional. */
export function orgQuery<DM extends GenericDataModel, V extends FunctionVisibility, Role extends string, Permission extends string, Membership>(
  query: QueryBuilder<DM, V>,
  clerk: OrgAuthorizer<Role, Permission, Membership>,
) {
  return customQuery(query, organizationCustomization(clerk));
}

/** As orgQuery, for mutations. */
export function orgMutation<DM extends GenericDataModel, V extends FunctionVisibility, Role extends string, Permission extends string, Membership>(
  mutation: MutationBuilder<DM, V>,
  clerk: OrgAuthorizer<Role, Permission, Membership>,
) {
  return customMutation(mutation, organizationCustomization(clerk));
}
