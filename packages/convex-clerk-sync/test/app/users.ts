import { sync } from "./sync";
export const { upsertFromClerk, deleteFromClerk, upsertManyFromClerk, pageExternalIds, byExternalId, current, currentStatus } = sync.users;
