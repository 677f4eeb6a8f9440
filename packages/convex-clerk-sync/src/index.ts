// The package's public surface. Internal helpers (values.ts, the engine's
// factory) are not exported; kinds' fields and default mappers are.
export { clerkSync, type ClerkHooks, type ClerkSyncOptions, type KindHooks, type Mapper, type MapperResult } from "./sync.js";
export { clerkTables, defaultTableNames, type TableNames } from "./schema.js";
export {
  CASCADE_STEP,
  MAX_ID_PAGE,
  MAX_MEMBERSHIP_BATCH,
  MAX_UPSERT_BATCH,
  deleteOutcome,
  upsertCounts,
  upsertOutcome,
  type DeleteOutcome,
  type HookMode,
  type UpsertCounts,
  type UpsertOutcome,
} from "./engine.js";
export { clerkSyncErrorCodes, isClerkSyncError, type ClerkSyncErrorCode, type ClerkSyncErrorData } from "./errors.js";
export { LIMITS, tombstoneFields, type Mapped } from "./values.js";
export { userFields, userFromClerk, type UserFields } from "./kinds/users.js";
export { organizationFields, organizationFromClerk, type OrganizationFields } from "./kinds/organizations.js";
export { membershipFields, membershipFromClerk, membershipTombstoneFields, type MembershipFields } from "./kinds/memberships.js";
export { roleFields, roleFromClerk, type RoleFields } from "./kinds/roles.js";
export type { CurrentStatus } from "./identity.js";
export type {
  MembershipDoc,
  OrganizationDoc,
  RoleDoc,
  StoredMembership,
  StoredOrganization,
  StoredRole,
  StoredUser,
  UserDoc,
} from "./types.js";
export { entitles, entitlementsOf, payerFromClerk, type Entitlements, type EntitlementItem, type EntitlementPlan, type Payer } from "./entitlements.js";
export { isPending } from "./invitations.js";
export { invitationFields, invitationFromClerk, normalizeEmail, type InvitationFields } from "./kinds/invitations.js";
export { archiveOutcome, planFields, planFromClerk, type PlanFields } from "./kinds/plans.js";
export { subscriptionItemFields, subscriptionItemFromClerk, type SubscriptionItemFields } from "./kinds/subscriptionItems.js";
export { subscriptionFields, subscriptionFromClerk, type SubscriptionFields } from "./kinds/subscriptions.js";
export type { InvitationDoc, PlanDoc, StoredInvitation, StoredPlan, StoredSubscription, StoredSubscriptionItem, SubscriptionDoc, SubscriptionItemDoc } from "./types.js";
