/**
 * The memberships kind: Clerk's OrganizationMembership objects, keyed by
 * membership id and joined to organizations and users by their Clerk ids.
 * Removed with their organization or their user (cascade relations).
 */
import { defineTable } from "convex/server";
import { ConvexError, v, type Infer } from "convex/values";
import { deleteOutcome, MAX_MEMBERSHIP_BATCH, type AnyCtx, type Engine } from "../engine.js";
import { clerkObject, isRecord, text, tombstoneFields, type Mapped } from "../values.js";
import type { OrganizationFields } from "./organizations.js";

/** The default fields of a membership document. */
export const membershipFields = {
  externalId: v.string(), // orgmem_...
  organizationId: v.string(), // Clerk organization id (org_...)
  userId: v.string(), // Clerk user id (user_...), stored even before the user is synced
  role: v.string(), // "org:admin", "org:member", a custom key, or an older "admin"/"basic_member"
  permissions: v.optional(v.array(v.string())),
  clerkUpdatedAt: v.number(),
};
export type MembershipFields = Infer<ReturnType<typeof v.object<typeof membershipFields>>>;
export type MappedMembership = Mapped<MembershipFields> & { organizationId: string; userId: string; role: string };

export const membershipKind = {
  name: "memberships",
  event: "organizationMembership",
  table: "memberships",
  tombstones: "deletedMemberships",
  tables: () => ({
    memberships: defineTable(membershipFields)
      .index("byExternalId", ["externalId"])
      .index("byOrganizationAndUser", ["organizationId", "userId"])
      .index("byUser", ["userId"]),
    deletedMemberships: defineTable(tombstoneFields).index("byExternalId", ["externalId"]),
  }),
  cascadesFrom: [
    { parent: "organizations", arg: "organizationId", field: "organizationId", index: "byOrganizationAndUser" },
    { parent: "users", arg: "userId", field: "userId", index: "byUser" },
  ],
} as const;

/** Maps a Clerk OrganizationMembership object. */
export function membershipFromClerk(membership: unknown): MappedMembership {
  const record = clerkObject(membership, "membership");
  const organizationId = isRecord(record.organization) ? text(record.organization.id) : undefined;
  if (!organizationId) throw new ConvexError(`membership.organization.id must be a non-empty string (membership ${record.id})`);
  const userId = isRecord(record.public_user_data) ? text(record.public_user_data.user_id) : undefined;
  if (!userId) throw new ConvexError(`membership.public_user_data.user_id must be a non-empty string (membership ${record.id})`);
  const role = text(record.role);
  if (!role) throw new ConvexError(`membership.role must be a non-empty string (membership ${record.id})`);
  const permissions = Array.isArray(record.permissions)
    ? record.permissions.filter((p): p is string => typeof p === "string")
    : undefined;
  return {
    externalId: record.id,
    organizationId,
    userId,
    role,
    permissions,
    clerkUpdatedAt: record.updated_at,
  };
}

// The membership's nested organization as an organization, or undefined when it has none usable.
function nestedOrganization(membership: unknown): unknown {
  if (!isRecord(membership) || !isRecord(membership.organization)) return undefined;
  const organization = membership.organization;
  return typeof organization.updated_at === "number" && text(organization.id) ? organization : undefined;
}

/** The functions of memberships.ts. */
export function membershipFunctions(
  engine: Engine,
  map: (clerk: unknown) => MappedMembership,
  mapOrganization: (clerk: unknown) => Mapped<OrganizationFields>,
) {
  const memberships = engine.kind(membershipKind.name);
  const organizations = engine.kind("organizations");
  const users = engine.kind("users");

  async function upsertMembership(ctx: AnyCtx, clerk: unknown, fields: MappedMembership) {
    // Deleted with its organization (whose cascade may still be running): ignored, organization included.
    if (await engine.isDeleted(ctx, organizations, fields.organizationId)) return "deleted" as const;
    // The organization as of this event: creates it when its own event has not
    // arrived yet, refreshes it when newer, under the same updated_at guard.
    // It holds even when the membership itself is gone.
    const organization = nestedOrganization(clerk);
    if (organization) await engine.write(ctx, organizations, mapOrganization(organization));
    // A deleted membership, or one of a deleted user: never brought back.
    if (await engine.isDeleted(ctx, memberships, fields.externalId)) return "deleted" as const;
    if (await engine.isDeleted(ctx, users, fields.userId)) return "deleted" as const;
    return await engine.write(ctx, memberships, fields);
  }

  return {
    // organizationMembership.created, .updated: `{membership: data}`; reconcile's sweep pages
    // `{id, organizationId, userId}` (Clerk has no lookup of a membership by id; the runtime asks per
    // organization and user).
    ...engine.kindFunctions({
      one: "membership",
      many: "memberships",
      apply: (ctx, clerk) => upsertMembership(ctx, clerk, map(clerk)),
      applyMany: engine.upsertMany("memberships", map, MAX_MEMBERSHIP_BATCH, upsertMembership),
      table: memberships.table,
      item: v.object({ id: v.string(), organizationId: v.string(), userId: v.string() }),
      pick: (d) => ({ id: d.externalId as string, organizationId: d.organizationId as string, userId: d.userId as string }),
    }),
    /**
     * organizationMembership.deleted: `{membership: data}`. Never ordered by
     * its updated_at (Clerk's own examples carry an older one than the update
     * before it): a delete always wins and leaves a tombstone.
     */
    deleteFromClerk: engine.config.internalMutation({
      args: { membership: v.any() },
      returns: deleteOutcome,
      handler: async (ctx, { membership }) => {
        const externalId = text((membership as { id?: unknown } | null)?.id);
        if (!externalId) throw new ConvexError("membership.id must be a non-empty string");
        return await engine.remove(ctx as never, memberships, externalId);
      },
    }),
    /** The next step of a cascade; scheduled by the deletes above, not called by the runtime. */
    continueCascade: engine.continueCascade,
  };
}
