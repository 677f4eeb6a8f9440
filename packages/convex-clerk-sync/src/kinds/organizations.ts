/** The organizations kind: Clerk's Organization objects; a deletion cascades to the memberships (and other kinds that declare it). */
import { defineTable } from "convex/server";
import { v, type Infer } from "convex/values";
import { MAX_UPSERT_BATCH, type Engine } from "../engine.js";
import { clerkObject, text, tombstoneFields, type Mapped } from "../values.js";

/** The default fields of an organization document. */
export const organizationFields = {
  externalId: v.string(), // org_...
  name: v.string(),
  // Optional although Clerk usually sends one: an instance can turn slugs off,
  // and a required field would turn such events into endless retries.
  slug: v.optional(v.string()),
  imageUrl: v.optional(v.string()),
  clerkUpdatedAt: v.number(),
};
export type OrganizationFields = Infer<ReturnType<typeof v.object<typeof organizationFields>>>;

export const organizationKind = {
  name: "organizations",
  event: "organization",
  table: "organizations",
  tombstones: "deletedOrganizations",
  tables: () => ({
    organizations: defineTable(organizationFields).index("byExternalId", ["externalId"]),
    deletedOrganizations: defineTable(tombstoneFields).index("byExternalId", ["externalId"]),
  }),
} as const;

/** Maps a Clerk Organization object (webhook `data`, a listing entry, or a membership's nested `organization`). */
export function organizationFromClerk(organization: unknown): Mapped<OrganizationFields> & { name: string } {
  const record = clerkObject(organization, "organization");
  // Clerk requires a name; fall back to the slug, then the id, rather than refuse the event.
  const name = text(record.name) ?? text(record.slug) ?? record.id;
  return {
    externalId: record.id,
    name,
    slug: text(record.slug),
    imageUrl: text(record.image_url),
    clerkUpdatedAt: record.updated_at,
  };
}

/** The functions of organizations.ts. */
export function organizationFunctions(engine: Engine, map: (clerk: unknown) => Mapped<OrganizationFields>) {
  const organizations = engine.kind(organizationKind.name);
  return {
    // organization.created, .updated: `{organization: data}`; reconcile: a page of the listing, and the sweep.
    ...engine.kindFunctions({
      one: "organization",
      many: "organizations",
      apply: (ctx, clerk) => engine.upsert(ctx, organizations, map(clerk)),
      applyMany: engine.upsertMany("organizations", map, MAX_UPSERT_BATCH, (ctx, _, fields) =>
        engine.upsert(ctx, organizations, fields),
      ),
      table: organizations.table,
      item: v.string(),
      pick: (d) => d.externalId as string,
    }),
    /** organization.deleted: `{organizationId: data.id}`. Removes it and its memberships (cascadeStep per mutation). */
    deleteFromClerk: engine.deleteFunction("organizationId", organizations),
  };
}
