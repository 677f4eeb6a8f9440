import { sync } from "./sync";
export const { upsertFromClerk, deleteFromClerk, upsertManyFromClerk, pageExternalIds, byExternalId } = sync.users;
