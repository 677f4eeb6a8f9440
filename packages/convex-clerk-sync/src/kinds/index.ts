/**
 * Every kind the sync knows, in the order their tables are listed. A new kind
 * is a module beside these (see ../ENGINE.md) and one entry here.
 */
import { membershipKind } from "./memberships.js";
import { organizationKind } from "./organizations.js";
import { roleKind } from "./roles.js";
import { userKind } from "./users.js";
import { invitationKind } from "./invitations.js";
import { planKind } from "./plans.js";
import { subscriptionItemKind } from "./subscriptionItems.js";
import { subscriptionKind } from "./subscriptions.js";

export const kinds = [userKind, organizationKind, membershipKind, roleKind, invitationKind, subscriptionKind, subscriptionItemKind, planKind] as const;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Every kind's tables, keyed by their default names. */
export type KindTables = UnionToIntersection<ReturnType<(typeof kinds)[number]["tables"]>>;
