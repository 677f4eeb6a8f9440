import { clerk } from "./clerk";

export const { upsertFromClerk, deleteFromClerk, upsertManyFromClerk, pageExternalIds } = clerk.organizations;
