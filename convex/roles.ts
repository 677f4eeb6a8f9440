import { clerk } from "./clerk";

export const { upsertFromClerk, deleteFromClerk, upsertManyFromClerk, pageExternalIds, removePermissionFromClerk } = clerk.roles;
