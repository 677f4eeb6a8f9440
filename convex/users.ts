import { clerk } from "./clerk";

// byExternalId and list (internal), current and getCurrentUserOrSync (public) are for the app.
export const { upsertFromClerk, deleteFromClerk, upsertManyFromClerk, pageExternalIds, byExternalId, list, current, getCurrentUserOrSync } =
  clerk.users;
