import { ConvexError, v, type Infer } from "convex/values";
import { isRecord, text, type Mapped } from "./mapping.js";
import { checkShape } from "./shapes/check.js";
import { invitationShape } from "./shapes/invitations.js";

/** The default fields of an organization invitation document. */
export const invitationFields = {
  externalId: v.string(), // orginv_...
  organizationId: v.string(), // org_...
  emailAddress: v.string(), // lower-cased, as Clerk compares addresses
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

/**
 * Maps an organization invitation (webhook `data` or Backend API listing
 * entry). The organization id comes from `organization_id`, which the spec does
 * not require, else from the public organization data (nested under `data` in
 * the spec, top-level in the SDK and the Backend API).
 */
export function invitationFromClerk(invitation: unknown): Mapped<InvitationFields> & { organizationId: string } {
  const record = checkShape(invitationShape, invitation, "invitation");
  const nested = isRecord(record.data) ? record.data.public_organization_data : undefined;
  const organizationId =
    text(record.organization_id) ?? organizationIdOf(record.public_organization_data) ?? organizationIdOf(nested);
  if (!organizationId) {
    throw new ConvexError(`invitation.organization_id must be a non-empty string (invitation ${record.id})`);
  }
  return {
    externalId: record.id as string,
    organizationId,
    emailAddress: normalizeEmail(record.email_address as string),
    role: record.role as string,
    roleName: text(record.role_name),
    status: text(record.status),
    expiresAt: typeof record.expires_at === "number" ? record.expires_at : undefined,
    url: text(record.url),
    inviterId: text(record.inviter_id),
    userId: text(record.user_id),
    createdAt: record.created_at as number,
    clerkUpdatedAt: record.updated_at as number,
  };
}

/** An address as stored and looked up: trimmed and lower-cased. */
export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}

function organizationIdOf(data: unknown): string | undefined {
  return isRecord(data) ? text(data.id) : undefined;
}
