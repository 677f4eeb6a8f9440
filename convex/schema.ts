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
});
