import type { TableDefinition } from "convex/server";
import { kinds, type KindTables } from "./kinds/index.js";

// Each table with the indexes the sync and the helpers read, from its kind's
// module. An app adds indexes by chaining (tables.users.index("byEmail",
// ["email"])), and fields by defining the table itself from the exported
// fields, keeping these indexes: defineTable({ ...userFields, plan:
// v.optional(v.string()) }).index("byExternalId", ["externalId"]). Its own
// fields must be optional, as the sync inserts documents without them (and
// never touches them after). A function, as `.index()` changes the definition
// it is called on.
function tables(): KindTables {
  return Object.assign({}, ...kinds.map((k) => k.tables()));
}

/** The table names the sync writes, by table key. Override any of them in clerkTables() and clerkSync() alike. */
export const defaultTableNames = Object.fromEntries(Object.keys(tables()).map((key) => [key, key])) as {
  readonly [K in keyof KindTables]: K;
};
/** A name for each table key. */
export type TableNames = { [K in keyof KindTables]: string };

/**
 * Every kind's tables, keyed by their names, to spread into defineSchema:
 * `defineSchema({ ...clerkTables(), ...yourTables })`. Pass names to rename
 * any of them, and the same object to clerkSync (see its `tables` option).
 */
export function clerkTables<const N extends Partial<TableNames> = {}>(
  names?: N,
): { [K in keyof KindTables as K extends keyof N ? (N[K] extends string ? N[K] : K) : K]: KindTables[K] } {
  const named: Record<string, TableDefinition> = {};
  for (const [key, table] of Object.entries(tables())) {
    named[(names as Partial<TableNames> | undefined)?.[key as keyof TableNames] ?? key] = table as TableDefinition;
  }
  return named as never;
}
