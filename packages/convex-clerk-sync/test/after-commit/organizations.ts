import { sync } from "./clerk";
export const { upsertFromClerk, deleteFromClerk } = sync.organizations;
