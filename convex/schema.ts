import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { clerkTables } from "@clerk-convex-sync/convex";

export default defineSchema({
  // users, organizations, memberships, roles and their tombstone tables:
  // written only by the functions in users.ts, organizations.ts,
  // memberships.ts and roles.ts.
  ...clerkTables(),

  // The app's own data, joined to Clerk's by organization id.
  workspaces: defineTable({ organizationId: v.string(), name: v.string() }).index("byOrganization", ["organizationId"]),
  articles: defineTable({ organizationId: v.string(), title: v.string(), author: v.string() }),
  // A log of plan changes, written by the subscriptionItem hooks (shown on an account page).
  planChanges: defineTable({ itemId: v.string(), status: v.string(), previousStatus: v.optional(v.string()) }),
  // A log of invitation changes, written by the organizationInvitation hooks.
  invitationChanges: defineTable({ invitationId: v.string(), change: v.string(), status: v.optional(v.string()) }),
  // Exports started by billing:startExport, a feature-gated mutation.
  exports: defineTable({ ownerId: v.string(), requestedBy: v.string() }),
});
