import { clerk } from "./clerk";

// subscription.created, .updated, .active, .pastDue: the subscription and each of its items.
export const { upsertFromClerk } = clerk.subscriptions;
