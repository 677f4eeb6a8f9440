/**
 * The memberships kind: Clerk's OrganizationMembership objects, keyed by
 * membership id and joined to organizations and users by their Clerk ids.
 * Removed with their organization or their user (cascade relations).
 */
import { defineTable } from "convex/server";
import { v, type Infer, type Value } from "convex/values";
import { deleteOutcome, MAX_MEMBERSHIP_BATCH, type AnyCtx, type AnyDoc, type Engine } from "../engine.js";
import { boundedList, clerkId, clerkKey, clerkObject, forObject, definedFields, isRecord, text, tombstoneFields, type Mapped } from "../values.js";
import type { OrganizationFields } from "./organizations.js";

/** The default fields of a membership document. */
export const membershipFields = {
  externalId: v.string(), // orgmem_...
  organizationId: v.string(), // Clerk organization id (org_...)
  userId: v.string(), // Clerk user id (user_...), stored even before the user is synced
  role: v.string(), // "org:admin", "org:member", a custom key, or an older "admin"/"basic_member"
  permissions: v.optional(v.array(v.string())),
  clerkUpdatedAt: v.number(),
  // Clerk's created_at: of two memberships of one user in one organization, the newest wins.
  // Optional: documents stored by 0.1.0 have none until their next event or reconcile.
  clerkCreatedAt: v.optional(v.number()),
};

/**
 * A membership's tombstone also keeps its pair and created_at (from the
 * deleted membership's payload), so a late event of an older membership of the
 * same pair is refused after the newer one's deletion.
 */
export const membershipTombstoneFields = {
  ...tombstoneFields,
  organizationId: v.optional(v.string()),
  userId: v.optional(v.string()),
  clerkCreatedAt: v.optional(v.number()),
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
    deletedMemberships: defineTable(membershipTombstoneFields)
      .index("byExternalId", ["externalId"])
      .index("byOrganizationAndUser", ["organizationId", "userId"]),
  }),
  cascadesFrom: [
    { parent: "organizations", arg: "organizationId", field: "organizationId", index: "byOrganizationAndUser" },
    { parent: "users", arg: "userId", field: "userId", index: "byUser" },
  ],
} as const;

/** Maps a Clerk OrganizationMembership object. */
export function membershipFromClerk(membership: unknown): MappedMembership {
  const record = clerkObject(membership, "membership");
  const named = forObject("membership", record.id);
  const organizationId = named(() => clerkId(isRecord(record.organization) ? record.organization.id : undefined, "membership.organization.id"));
  const userId = named(() => clerkId(isRecord(record.public_user_data) ? record.public_user_data.user_id : undefined, "membership.public_user_data.user_id"));
  const role = named(() => clerkKey(record.role, "membership.role"));
  const permissions = Array.isArray(record.permissions)
    ? named(() =>
        boundedList(record.permissions as unknown[], "membership.permissions")
          .filter((p): p is string => typeof p === "string")
          .map((p, i) => clerkKey(p, `membership.permissions[${i}]`)),
      )
    : undefined;
  return {
    externalId: record.id,
    organizationId,
    userId,
    role,
    permissions,
    clerkUpdatedAt: record.updated_at,
    clerkCreatedAt: record.created_at,
  };
}

// The membership's nested organization, or undefined when it has none (an
// organization with an id and updated_at is mapped, and refused when out of bounds).
function nestedOrganization(membership: unknown): unknown {
  if (!isRecord(membership) || !isRecord(membership.organization)) return undefined;
  const organization = membership.organization;
  return organization.updated_at !== undefined && organization.updated_at !== null && text(organization.id) ? organization : undefined;
}

type Version = { externalId: string; clerkCreatedAt?: number; clerkUpdatedAt?: number };
/**
 * Whether membership `a` supersedes `b` of the same organization and user:
 * the newer Clerk created_at, then the newer updated_at, then the greater id
 * (so that every pair has one winner). When either lacks created_at (stored
 * by 0.1.0), updated_at alone decides.
 */
export function supersedes(a: Version, b: Version): boolean {
  if (a.clerkCreatedAt !== undefined && b.clerkCreatedAt !== undefined && a.clerkCreatedAt !== b.clerkCreatedAt) {
    return a.clerkCreatedAt > b.clerkCreatedAt;
  }
  if (a.clerkUpdatedAt !== undefined && b.clerkUpdatedAt !== undefined && a.clerkUpdatedAt !== b.clerkUpdatedAt) {
    return a.clerkUpdatedAt > b.clerkUpdatedAt;
  }
  return a.externalId > b.externalId;
}

function pairOf(m: { organizationId: string; userId: string; clerkCreatedAt?: number }): Record<string, Value> {
  return definedFields({ organizationId: m.organizationId, userId: m.userId, clerkCreatedAt: m.clerkCreatedAt });
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
    // One membership per organization and user: a newer one of the pair, stored
    // or deleted, supersedes this one, which is then tombstoned for good.
    const pair = (q: any) => q.eq("organizationId", fields.organizationId).eq("userId", fields.userId);
    const others = ((await ctx.db.query(memberships.table).withIndex("byOrganizationAndUser", pair).collect()) as AnyDoc[]).filter(
      (d) => d.externalId !== fields.externalId,
    );
    const deletedOthers = ((await ctx.db.query(memberships.tombstones!).withIndex("byOrganizationAndUser", pair).collect()) as AnyDoc[])
      .filter((d) => d.externalId !== fields.externalId && d.clerkCreatedAt !== undefined)
      .map((d) => ({ externalId: d.externalId as string, clerkCreatedAt: d.clerkCreatedAt as number }));
    const versions = [...(others as unknown as Version[]), ...deletedOthers];
    if (versions.some((other) => supersedes(other, fields))) {
      const mine = await engine.byExternalId(ctx, memberships.table, fields.externalId);
      if (mine) await engine.removeDoc(ctx, memberships, mine);
      await engine.tombstone(ctx, memberships, fields.externalId, pairOf(fields));
      return "deleted" as const;
    }
    const outcome = await engine.write(ctx, memberships, fields);
    // The pair's other memberships are all older than this one: gone in Clerk.
    await removeSuperseded(ctx, fields, others);
    return outcome;
  }

  // Removes (and tombstones) the stored memberships of the pair that `newer` supersedes.
  async function removeSuperseded(ctx: AnyCtx, newer: MappedMembership, stored?: AnyDoc[]) {
    const pair = stored ?? ((await ctx.db
      .query(memberships.table)
      .withIndex("byOrganizationAndUser", (q: any) => q.eq("organizationId", newer.organizationId).eq("userId", newer.userId))
      .collect()) as AnyDoc[]);
    for (const older of pair) {
      if (older.externalId === newer.externalId || !supersedes(newer, older as unknown as Version)) continue;
      await engine.removeDoc(ctx, memberships, older);
      await engine.tombstone(ctx, memberships, older.externalId as string, pairOf(older as never));
    }
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
        const externalId = clerkId((membership as { id?: unknown } | null)?.id, "membership.id");
        // The pair and created_at, when the payload is a whole membership (Clerk sends one), go into the tombstone.
        let deleted: MappedMembership | undefined;
        try {
          deleted = membershipFromClerk(membership);
        } catch {
          // only an id: the tombstone keeps the id alone
        }
        const outcome = await engine.remove(ctx as never, memberships, externalId, deleted ? pairOf(deleted) : {});
        // A membership of the pair older than the deleted one is gone in Clerk too (its own delete may come late).
        if (deleted) await removeSuperseded(ctx as never, deleted);
        return outcome;
      },
    }),
    /** The next step of a cascade; scheduled by the deletes above, not called by the runtime. */
    continueCascade: engine.continueCascade,
  };
}
