import { clerk } from "./clerk";

export const { upsertFromClerk, deleteFromClerk, upsertManyFromClerk, pageExternalIds, continueCascade } =
  clerk.memberships;
