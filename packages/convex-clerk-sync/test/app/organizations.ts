import { sync } from "./sync";
export const { upsertFromClerk, deleteFromClerk } = sync.organizations;
