import { ConvexError, v } from "convex/values";
import { internalQuery, mutation } from "./_generated/server";
import { clerk } from "./clerk";

/**
 * What a user or an organization may use now, from the mirror: the plan and
 * feature slugs, sorted (`npx convex run billing:entitlements '{"userId":"user_..."}'`).
 * Without either id: the signed-in user's, or nothing.
 */
export const entitlements = internalQuery({
  args: { userId: v.optional(v.string()), organizationId: v.optional(v.string()) },
  returns: v.object({ plans: v.array(v.string()), features: v.array(v.string()) }),
  handler: async (ctx, { userId, organizationId }) =>
    await clerk.getEntitlements(ctx, organizationId ? { organizationId } : userId ? { userId } : undefined),
});

/**
 * A guarded mutation: starts an export, which needs the `advanced_analytics`
 * feature, for the signed-in user or, for an organization's export, the
 * organization (of which the caller must be a member).
 */
export const startExport = mutation({
  args: { organizationId: v.optional(v.string()) },
  handler: async (ctx, { organizationId }) => {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) throw new ConvexError({ code: "NotSignedIn", message: "Not signed in" });
    if (organizationId && !(await clerk.getMembership(ctx, organizationId, identity.subject))) {
      throw new ConvexError({ code: "NotAMember", message: `${identity.subject} is not a member of ${organizationId}`, organizationId });
    }
    await clerk.requireFeature(ctx, "advanced_analytics", organizationId ? { organizationId } : undefined);
    const id = await ctx.db.insert("exports", { ownerId: organizationId ?? identity.subject, requestedBy: identity.subject });
    return await ctx.db.get(id);
  },
});
