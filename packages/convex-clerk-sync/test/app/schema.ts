// A test app that renames two tables, adds a field of its own to the users,
// and records every hook call.
import { defineSchema, defineTable, type DataModelFromSchemaDefinition } from "convex/server";
import { v } from "convex/values";
import { clerkTables, userFields } from "../../src/index.js";

const tables = clerkTables({ users: "people", deletedUsers: "formerPeople" });
const schema = defineSchema({
  ...tables,
  // The app's own fields: `plan` it sets itself, `locale` and `metadata` its mapping adds.
  people: defineTable({
    ...userFields,
    plan: v.optional(v.string()),
    locale: v.optional(v.string()),
    metadata: v.optional(v.any()), // an object field its mapping keeps: public_metadata as Clerk sends it
  }).index(
    "byExternalId",
    ["externalId"],
  ),
  hookCalls: defineTable({ hook: v.string(), externalId: v.string(), previous: v.optional(v.number()) }),
});
export default schema;
export type DataModel = DataModelFromSchemaDefinition<typeof schema>;
