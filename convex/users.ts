import { clerk } from "./clerk";

// users:upsertFromClerk, deleteFromClerk, upsertManyFromClerk, pageExternalIds
// for the runtime; byExternalId and list (internal), current and
// getCurrentUserOrSync (public) for the app.
export const {
  upsertFromClerk,
  deleteFromClerk,
  upsertManyFromClerk,
  pageExternalIds,
  byExternalId,
  list,
  current,
  getCurrentUserOrSync,
} = clerk.users;
