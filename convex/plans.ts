import { clerk } from "./clerk";

// Reconcile only (Clerk sends no plan events): a page of GET /billing/plans, the sweep, and the
// archive of a plan a complete listing no longer has.
export const { upsertManyFromClerk, pageExternalIds, archiveFromClerk } = clerk.plans;
