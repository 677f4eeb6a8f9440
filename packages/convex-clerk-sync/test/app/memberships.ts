import { sync } from "./sync";
export const { upsertFromClerk, deleteFromClerk, continueCascade } = sync.memberships;
