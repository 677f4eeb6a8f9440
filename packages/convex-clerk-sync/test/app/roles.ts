import { sync } from "./sync";
export const { upsertFromClerk, deleteFromClerk, upsertManyFromClerk, pageExternalIds, removePermissionFromClerk } = sync.roles;
