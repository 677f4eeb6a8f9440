import { sync } from "./sync";
export const { upsertFromClerk, upsertManyFromClerk, pageExternalIds } = sync.subscriptionItems;
