/**
 * The invitations kind: Clerk's OrganizationInvitation objects, by
 * organization and by address. Removed with their organization (a cascade
 * relation, in the same steps as its memberships); Clerk sends no event when
 * one expires, so "pending" is decided by `expires_at` (helpers/invitations.ts).
 */
import { defineTable } from "convex/server";
import { ConvexError, v, type Infer } from "convex/values";
import { MAX_MEMBERSHIP_BATCH, type AnyCtx, type Engine } from "../engine.js";
import { checkShape } from "../shapes/check.js";
import { invitationShape } from "../shapes/invitations.js";
import { clerkKey, clerkObject, isRecord, optionalClerkId, text, tombstoneFields, type Mapped } from "../values.js";

/** The default fields of an organization invitation document. */
export const invitationFields = {
  externalId: v.string(), // orginv_...
  organizationId: v.string(), // org_...
  emailAddress: v.string(), // trimmed and lower-cased
  role: v.string(), // the role key the invitee gets, e.g. "org:member"
  roleName: v.optional(v.string()),
  status: v.optional(v.string()), // pending, accepted, revoked, expired (Clerk sends no event when one expires)
  expiresAt: v.optional(v.number()), // ms
  url: v.optional(v.string()),
  inviterId: v.optional(v.string()), // user_... who invited, when Clerk says
  userId: v.optional(v.string()), // user_... who accepted (organizationInvitation.accepted only)
  createdAt: v.number(),
  clerkUpdatedAt: v.number(),
};
export type InvitationFields = Infer<ReturnType<typeof v.object<typeof invitationFields>>>;
export type MappedInvitation = Mapped<InvitationFields> & { organizationId: string };

export const invitationKind = {
  name: "invitations",
  event: "organizationInvitation",
  table: "invitations",
  tombstones: "deletedInvitations",
  tables: () => ({
    invitations: defineTable(invitationFields)
      .index("byExternalId", ["externalId"])
      .index("byOrganization", ["organizationId", "status"])
      .index("byEmail", ["emailAddress", "status"]),
    deletedInvitations: defineTable(tombstoneFields).index("byExternalId", ["externalId"]),
  }),
  cascadesFrom: [{ parent: "organizations", arg: "organizationId", field: "organizationId", index: "byOrganization" }],
} as const;

/**
 * Maps an organization invitation (webhook `data` or Backend API listing
 * entry). The organization id comes from `organization_id`, which the spec does
 * not require, else from the public organization data (nested under `data` in
 * the spec, top-level in the SDK and the Backend API).
 */
export function invitationFromClerk(invitation: unknown): MappedInvitation {
  const record = clerkObject(checkShape(invitationShape, invitation, "invitation"), "invitation");
  const nested = isRecord(record.data) ? record.data.public_organization_data : undefined;
  const organizationId =
    optionalClerkId(record.organization_id, "invitation.organization_id") ??
    organizationIdOf(record.public_organization_data, "invitation.public_organization_data.id") ??
    organizationIdOf(nested, "invitation.data.public_organization_data.id");
  if (!organizationId) {
    throw new ConvexError(`invitation.organization_id must be a non-empty string (invitation ${record.id})`);
  }
  return {
    externalId: record.id,
    organizationId,
    emailAddress: normalizeEmail(record.email_address as string),
    role: clerkKey(record.role, "invitation.role"),
    roleName: text(record.role_name),
    status: text(record.status),
    expiresAt: typeof record.expires_at === "number" ? record.expires_at : undefined,
    url: text(record.url),
    inviterId: optionalClerkId(record.inviter_id, "invitation.inviter_id"),
    userId: optionalClerkId(record.user_id, "invitation.user_id"),
    createdAt: record.created_at!, // required by the shape, bounded by clerkObject
    clerkUpdatedAt: record.updated_at,
  };
}

/** An address as stored and looked up: trimmed and lower-cased. */
export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}

function organizationIdOf(data: unknown, field: string): string | undefined {
  return isRecord(data) ? optionalClerkId(data.id, field) : undefined;
}

/** The functions of invitations.ts. */
export function invitationFunctions(engine: Engine, map: (clerk: unknown) => MappedInvitation) {
  const invitations = engine.kind(invitationKind.name);
  const organizations = engine.kind("organizations");

  async function upsertInvitation(ctx: AnyCtx, _clerk: unknown, fields: MappedInvitation) {
    // Of a deleted organization (whose cascade may still be running): never brought back.
    if (await engine.isDeleted(ctx, organizations, fields.organizationId)) return "deleted" as const;
    return await engine.upsert(ctx, invitations, fields);
  }

  return {
    // organizationInvitation.created, .accepted, .revoked: `{invitation: data}`; reconcile: a page of an
    // organization's invitations, and the sweep of `{id, organizationId}` (Clerk looks one up per organization).
    ...engine.kindFunctions({
      one: "invitation",
      many: "invitations",
      apply: (ctx, clerk) => upsertInvitation(ctx, clerk, map(clerk)),
      // Three lookups each (the organization's tombstone, its own, the document), as many as a membership.
      applyMany: engine.upsertMany("invitations", map, MAX_MEMBERSHIP_BATCH, upsertInvitation),
      table: invitations.table,
      item: v.object({ id: v.string(), organizationId: v.string() }),
      pick: (d) => ({ id: d.externalId as string, organizationId: d.organizationId as string }),
    }),
    /** Reconcile: `{invitationId}` of one Clerk no longer has. Removes it and keeps a tombstone. */
    deleteFromClerk: engine.deleteFunction("invitationId", invitations),
  };
}
