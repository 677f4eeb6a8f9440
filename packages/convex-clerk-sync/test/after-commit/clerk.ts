import { clerkSync } from "../../src/index.js";
import type { DataModel } from "./schema";

export const sync = clerkSync<DataModel>({
  hookMode: "afterCommit",
  hooks: {
    "organization.created": async (ctx, organization) => {
      if (organization.externalId === "org_hook_fails") throw new Error("the app's hook failed");
      await ctx.db.insert("hookCalls", { hook: "organization.created", externalId: organization.externalId });
    },
    "organization.updated": async (ctx, organization, previous) => {
      await ctx.db.insert("hookCalls", { hook: "organization.updated", externalId: organization.externalId, previous: previous.clerkUpdatedAt });
    },
    "organizationMembership.deleted": async (ctx, membership) => {
      await ctx.db.insert("hookCalls", { hook: "organizationMembership.deleted", externalId: membership.externalId });
    },
  },
});
// Hooks after the commit run through this function (modules.hooks defaults to "clerk").
export const runHook = sync.runHook;
