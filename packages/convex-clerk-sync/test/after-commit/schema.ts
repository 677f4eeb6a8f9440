// A test app whose hooks run after the sync's commit (hookMode "afterCommit").
import { defineSchema, defineTable, type DataModelFromSchemaDefinition } from "convex/server";
import { v } from "convex/values";
import { clerkTables } from "../../src/index.js";

const schema = defineSchema({
  ...clerkTables(),
  hookCalls: defineTable({ hook: v.string(), externalId: v.string(), previous: v.optional(v.number()) }),
});
export default schema;
export type DataModel = DataModelFromSchemaDefinition<typeof schema>;
