import { clerkSync } from "@clerk-convex-sync/convex";
import type { DataModel } from "./_generated/dataModel";

// The sync over this app's tables, with its hooks: each organization gets a
// default workspace, removed again with the organization; plan and invitation
// changes are logged.
export const clerk = clerkSync<DataModel>({
  hooks: {
    "organization.created": async (ctx, organization) => {
      await ctx.db.insert("workspaces", { organizationId: organization.externalId, name: "General" });
    },
    "organization.deleted": async (ctx, organization) => {
      const workspaces = ctx.db.query("workspaces").withIndex("byOrganization", (q) => q.eq("organizationId", organization.externalId));
      for await (const workspace of workspaces) await ctx.db.delete(workspace._id);
    },
    "subscriptionItem.created": async (ctx, item) => {
      await ctx.db.insert("planChanges", { itemId: item.externalId, status: item.status });
    },
    "subscriptionItem.updated": async (ctx, item, previous) => {
      await ctx.db.insert("planChanges", { itemId: item.externalId, status: item.status, previousStatus: previous.status });
    },
    "organizationInvitation.created": async (ctx, invitation) => {
      await ctx.db.insert("invitationChanges", { invitationId: invitation.externalId, change: "created", status: invitation.status });
    },
    "organizationInvitation.updated": async (ctx, invitation) => {
      await ctx.db.insert("invitationChanges", { invitationId: invitation.externalId, change: "updated", status: invitation.status });
    },
    "organizationInvitation.deleted": async (ctx, invitation) => {
      await ctx.db.insert("invitationChanges", { invitationId: invitation.externalId, change: "deleted", status: invitation.status });
    },
  },
});

// Where hooks run when hookMode is "afterCommit" (this app keeps the default, "inline").
export const runHook = clerk.runHook;
