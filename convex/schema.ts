import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  // One document per Clerk user, written only by users:upsertFromClerk and
  // users:upsertManyFromClerk (one shared write path) and users:deleteFromClerk.
  users: defineTable({
    externalId: v.string(), // Clerk user id (user_...), the JWT `subject`
    email: v.optional(v.string()), // primary address; absent when Clerk has none
    name: v.optional(v.string()), // "first last", else username, else email
    imageUrl: v.optional(v.string()),
    role: v.optional(v.string()), // public_metadata.role; absent when unset
    clerkUpdatedAt: v.number(), // Clerk's updated_at (ms): the ordering guard
  }).index("byExternalId", ["externalId"]),

  // Clerk ids that were deleted. Clerk never reuses ids, so a tombstone is
  // permanent and stops late or retried user.created/updated from
  // re-inserting a deleted user.
  deletedUsers: defineTable({
    externalId: v.string(),
    deletedAt: v.number(), // ms, when deleteFromClerk first ran
  }).index("byExternalId", ["externalId"]),
});
