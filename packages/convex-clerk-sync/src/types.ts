import type { DocumentByName, GenericDataModel, TableNamesInDataModel } from "convex/server";
import type { SystemFields } from "./engine.js";
import type { MembershipFields } from "./kinds/memberships.js";
import type { OrganizationFields } from "./kinds/organizations.js";
import type { RoleFields } from "./kinds/roles.js";
import type { UserFields } from "./kinds/users.js";
import type { InvitationFields } from "./kinds/invitations.js";
import type { PlanFields } from "./kinds/plans.js";
import type { SubscriptionItemFields } from "./kinds/subscriptionItems.js";
import type { SubscriptionFields } from "./kinds/subscriptions.js";
import type { TableNames } from "./schema.js";

export type StoredUser = UserFields & SystemFields;
export type StoredOrganization = OrganizationFields & SystemFields;
export type StoredMembership = MembershipFields & SystemFields;
export type StoredRole = RoleFields & SystemFields;

/** The name a table key has in the app: the one given in `tables`, else the default. */
export type TableName<N, K extends keyof TableNames> = K extends keyof N ? (N[K] extends string ? N[K] : K) : K;
/** The app's document type for a table key (its own fields included), else the package's default fields. */
export type DocOf<DM extends GenericDataModel, N, K extends keyof TableNames, Fallback> =
  TableName<N, K> extends TableNamesInDataModel<DM> ? DocumentByName<DM, TableName<N, K>> : Fallback;
export type UserDoc<DM extends GenericDataModel, N = {}> = DocOf<DM, N, "users", StoredUser>;
export type OrganizationDoc<DM extends GenericDataModel, N = {}> = DocOf<DM, N, "organizations", StoredOrganization>;
export type MembershipDoc<DM extends GenericDataModel, N = {}> = DocOf<DM, N, "memberships", StoredMembership>;
export type RoleDoc<DM extends GenericDataModel, N = {}> = DocOf<DM, N, "roles", StoredRole>;

/** Table names an app may give: each one a table of its schema. */
export type TableNamesOf<DM extends GenericDataModel> = Partial<Record<keyof TableNames, TableNamesInDataModel<DM>>>;

export type StoredSubscription = SubscriptionFields & SystemFields;
export type StoredSubscriptionItem = SubscriptionItemFields & SystemFields;
export type StoredPlan = PlanFields & SystemFields;
export type StoredInvitation = InvitationFields & SystemFields;
export type SubscriptionDoc<DM extends GenericDataModel, N = {}> = DocOf<DM, N, "subscriptions", StoredSubscription>;
export type SubscriptionItemDoc<DM extends GenericDataModel, N = {}> = DocOf<DM, N, "subscriptionItems", StoredSubscriptionItem>;
export type PlanDoc<DM extends GenericDataModel, N = {}> = DocOf<DM, N, "plans", StoredPlan>;
export type InvitationDoc<DM extends GenericDataModel, N = {}> = DocOf<DM, N, "invitations", StoredInvitation>;
