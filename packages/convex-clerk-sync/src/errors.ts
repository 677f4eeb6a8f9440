import { ConvexError, type Value } from "convex/values";

/**
 * Every `code` a ConvexError thrown by this package carries in its `data`
 * (`{code, message, ...}`), for a client to switch on.
 */
export const clerkSyncErrorCodes = [
  "NotSignedIn", // no identity on the request
  "UserNotFound", // signed in, but the user is not synced yet
  "UserDeleted", // the user has a tombstone
  "UserNotSynced", // getCurrentUserOrSync could not store the user
  "NotAMember", // no membership of the organization (or the organization is deleted)
  "Forbidden", // a membership without the role or permission asked for
  "ClerkNotConfigured", // CLERK_SECRET_KEY is not set
  "ClerkUserNotFound", // Clerk's Backend API answered 404
  "ClerkApiError", // Clerk's Backend API answered another non-2xx
  "HookFailed", // one of the app's hooks threw; `hook` and `externalId` name it
  "PlanRequired", // requirePlan: the payer has no such plan now; `plan` and `userId` or `organizationId` name it
  "FeatureRequired", // requireFeature: the same for a feature; `feature` names it
] as const;
export type ClerkSyncErrorCode = (typeof clerkSyncErrorCodes)[number];

/** The `data` of a ConvexError thrown by this package. */
export type ClerkSyncErrorData = { code: ClerkSyncErrorCode; message: string; [field: string]: Value };

/**
 * Whether an error (as caught on the server, or as a client gets it from
 * useMutation/useQuery) is one of this package's, optionally with one code:
 * `if (isClerkSyncError(e, "Forbidden")) ...`.
 */
export function isClerkSyncError<C extends ClerkSyncErrorCode = ClerkSyncErrorCode>(
  error: unknown,
  code?: C,
): error is ConvexError<ClerkSyncErrorData & { code: C }> {
  if (!(error instanceof ConvexError) && !(typeof error === "object" && error !== null && "data" in error)) return false;
  const data = (error as { data: unknown }).data;
  if (typeof data !== "object" || data === null) return false;
  const found = (data as { code?: unknown }).code;
  return (clerkSyncErrorCodes as readonly unknown[]).includes(found) && (code === undefined || found === code);
}

/** Internal: the ConvexError for a code. */
export function clerkError(code: ClerkSyncErrorCode, message: string, extra: Record<string, string | string[] | number> = {}) {
  return new ConvexError({ code, message, ...extra });
}
