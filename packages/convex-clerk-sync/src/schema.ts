import { defineTable } from "convex/server";
import { membershipFields, organizationFields, tombstoneFields, userFields } from "./mapping.js";

/** The table names the sync writes. Override any of them in clerkTables() and clerkSync() alike. */
export const defaultTableNames = {
  users: "users",
  deletedUsers: "deletedUsers",
  organizations: "organizations",
  deletedOrganizations: "deletedOrganizations",
  memberships: "memberships",
  deletedMemberships: "deletedMemberships",
} as const;
export type TableNames = { [K in keyof typeof defaultTableNames]: string };

// Each table with the indexes the sync and the helpers read. An app adds
// indexes by chaining (tables.users.index("byEmail", ["email"])), and fields
// by defining the table itself from the exported fields, keeping these
// indexes: defineTable({ ...userFields, plan: v.optional(v.string()) })
// .index("byExternalId", ["externalId"]). Its own fields must be optional, as
// the sync inserts documents without them (and never touches them after).
function tables() {
  return {
    users: defineTable(userFields).index("byExternalId", ["externalId"]),
    deletedUsers: defineTable(tombstoneFields).index("byExternalId", ["externalId"]),
    organizations: defineTable(organizationFields).index("byExternalId", ["externalId"]),
    deletedOrganizations: defineTable(tombstoneFields).index("byExternalId", ["externalId"]),
    memberships: defineTable(membershipFields)
      .index("byExternalId", ["externalId"])
      .index("byOrganizationAndUser", ["organizationId", "userId"])
      .index("byUser", ["userId"]),
    deletedMemberships: defineTable(tombstoneFields).index("byExternalId", ["externalId"]),
  };
}
type Tables = ReturnType<typeof tables>;

/**
 * The six tables, keyed by their names, to spread into defineSchema:
 * `defineSchema({ ...clerkTables(), ...yourTables })`. Pass names to rename
 * any of them (and the same names to clerkSync).
 */
export function clerkTables<const N extends Partial<TableNames> = {}>(
  names?: N,
): { [K in keyof Tables as K extends keyof N ? (N[K] extends string ? N[K] : K) : K]: Tables[K] } {
  const named: Record<string, unknown> = {};
  for (const [kind, table] of Object.entries(tables())) {
    named[(names as Partial<TableNames> | undefined)?.[kind as keyof TableNames] ?? kind] = table;
  }
  return named as never;
}
