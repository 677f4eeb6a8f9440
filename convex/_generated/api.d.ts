/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import type * as articles from "../articles.js";
import type * as billing from "../billing.js";
import type * as clerk from "../clerk.js";
import type * as invitations from "../invitations.js";
import type * as memberships from "../memberships.js";
import type * as organizations from "../organizations.js";
import type * as plans from "../plans.js";
import type * as roles from "../roles.js";
import type * as subscriptionItems from "../subscriptionItems.js";
import type * as subscriptions from "../subscriptions.js";
import type * as users from "../users.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  articles: typeof articles;
  billing: typeof billing;
  clerk: typeof clerk;
  invitations: typeof invitations;
  memberships: typeof memberships;
  organizations: typeof organizations;
  plans: typeof plans;
  roles: typeof roles;
  subscriptionItems: typeof subscriptionItems;
  subscriptions: typeof subscriptions;
  users: typeof users;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;

export declare const components: {};
