import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { clerkTables } from "@clerk-convex-sync/convex";

export default defineSchema({
  // users, deletedUsers, organizations, deletedOrganizations, memberships,
  // deletedMemberships: written only by the functions in users.ts,
  // organizations.ts and memberships.ts.
  ...clerkTables(),

  // The app's own data, joined to Clerk's by organization id.
  workspaces: defineTable({ organizationId: v.string(), name: v.string() }).index("byOrganization", ["organizationId"]),
});
