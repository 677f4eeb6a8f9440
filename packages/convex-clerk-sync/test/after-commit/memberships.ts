import { sync } from "./clerk";
export const { upsertFromClerk, deleteFromClerk, continueCascade } = sync.memberships;
