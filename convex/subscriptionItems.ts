import { clerk } from "./clerk";

// subscriptionItem.*: one item; reconcile: a page of GET /billing/subscription_items, or a payer's
// subscription re-read, and the sweep of stored items.
export const { upsertFromClerk, upsertManyFromClerk, pageExternalIds } = clerk.subscriptionItems;
