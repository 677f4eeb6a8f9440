import { sync } from "./sync";
export const { upsertFromClerk, deleteFromClerk, upsertManyFromClerk, pageExternalIds } = sync.invitations;
