import { clerkSync } from "@clerk-convex-sync/convex";
import type { DataModel } from "./_generated/dataModel";

// The sync over this app's tables, with its hooks: each organization gets a
// default workspace, removed again with the organization.
export const clerk = clerkSync<DataModel>({
  hooks: {
    "organization.created": async (ctx, organization) => {
      await ctx.db.insert("workspaces", { organizationId: organization.externalId, name: "General" });
    },
    "organization.deleted": async (ctx, organization) => {
      const workspaces = ctx.db.query("workspaces").withIndex("byOrganization", (q) => q.eq("organizationId", organization.externalId));
      for await (const workspace of workspaces) await ctx.db.delete(workspace._id);
    },
  },
});

// Where hooks run when hookMode is "afterCommit" (this app keeps the default, "inline").
export const runHook = clerk.runHook;
