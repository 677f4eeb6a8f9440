/** Invitation helpers: an organization's pending invitations, and an address's or a user's. */
import type { GenericQueryCtx } from "convex/server";
import type { Engine } from "./engine.js";
import { normalizeEmail } from "./kinds/invitations.js";

/**
 * Whether an invitation is pending at `now`: status pending and `now` before
 * `expires_at` (Clerk sends no event when one expires; reconcile later stores
 * the status `expired`).
 */
export function isPending(invitation: { status?: string; expiresAt?: number }, now: number): boolean {
  return invitation.status === "pending" && (invitation.expiresAt === undefined || now < invitation.expiresAt);
}

export function createInvitationHelpers<InvitationDoc>(engine: Engine) {
  const invitations = engine.kind("invitations");
  const users = engine.kind("users");
  const pendingNow = (docs: unknown[]) => {
    const now = Date.now();
    return docs.filter((d) => isPending(d as { status?: string; expiresAt?: number }, now)) as InvitationDoc[];
  };

  /** An organization's pending invitations (expired ones left out by expires_at), oldest first. */
  async function listPendingInvitations(ctx: GenericQueryCtx<any>, organizationId: string): Promise<InvitationDoc[]> {
    return pendingNow(
      await ctx.db
        .query(invitations.table)
        .withIndex("byOrganization", (q: any) => q.eq("organizationId", organizationId).eq("status", "pending"))
        .collect(),
    );
  }
  /** The pending invitations to an address, in any organization (the address is compared lower-cased). */
  async function listPendingInvitationsForEmail(ctx: GenericQueryCtx<any>, emailAddress: string): Promise<InvitationDoc[]> {
    return pendingNow(
      await ctx.db
        .query(invitations.table)
        .withIndex("byEmail", (q: any) => q.eq("emailAddress", normalizeEmail(emailAddress)).eq("status", "pending"))
        .collect(),
    );
  }
  /** The pending invitations to a user's primary address (none when the user or its address is not synced). */
  async function listPendingInvitationsForUser(ctx: GenericQueryCtx<any>, userId: string): Promise<InvitationDoc[]> {
    const user = await engine.byExternalId(ctx, users.table, userId);
    return typeof user?.email === "string" ? await listPendingInvitationsForEmail(ctx, user.email) : [];
  }

  return { listPendingInvitations, listPendingInvitationsForEmail, listPendingInvitationsForUser };
}
