import { clerk } from "./clerk";

// byExternalId and list (internal), current, currentStatus and getCurrentUserOrSync (public) are for the app.
export const { upsertFromClerk, deleteFromClerk, upsertManyFromClerk, pageExternalIds, byExternalId, list, current, currentStatus, getCurrentUserOrSync } =
  clerk.users;
