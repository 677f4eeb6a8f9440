import { clerk } from "./clerk";

// organizationInvitation.created, .accepted, .revoked: one invitation; reconcile: a page of an
// organization's invitations, the sweep, and the delete of one Clerk no longer has.
export const { upsertFromClerk, upsertManyFromClerk, deleteFromClerk, pageExternalIds } = clerk.invitations;
