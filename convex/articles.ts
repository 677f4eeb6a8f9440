import { v } from "convex/values";
import { mutation } from "./_generated/server";
import { clerk } from "./clerk";

// The app's own data guarded by a Clerk permission: who may publish follows the
// role's current definition in Clerk (roles.test.ts shows a role.updated
// changing the answer).
export const publish = mutation({
  args: { organizationId: v.string(), title: v.string() },
  handler: async (ctx, { organizationId, title }) => {
    const membership = await clerk.requirePermission(ctx, organizationId, "org:posts:publish");
    return await ctx.db.insert("articles", { organizationId, title, author: membership.userId });
  },
});
