/**
 * Entitlement helpers: what a payer may use, decided from the mirror as
 * Clerk's has() decides from the session token. The decision itself is pure
 * (entitles, entitlementsOf), so the helpers and the tests share it.
 */
import type { GenericQueryCtx } from "convex/server";
import type { Engine } from "./engine.js";
import { clerkError } from "./errors.js";
import { signedInSubject } from "./identity.js";
import { optionalClerkId } from "./values.js";

/** Who pays: a user or an organization. */
export type Payer = { userId: string } | { organizationId: string };

/**
 * The payer named by a Clerk payer object: an organization when
 * `organization_id` is a non-empty string, else a user when `user_id` is one.
 * "", null and a missing field are alike (the webhooks send "", the Backend
 * API null, the SDK types leave them out).
 */
export function payerFromClerk(payer: unknown): Payer | undefined {
  if (typeof payer !== "object" || payer === null) return undefined;
  const { organization_id, user_id } = payer as Record<string, unknown>;
  const organizationId = optionalClerkId(organization_id, "payer.organization_id");
  if (organizationId) return { organizationId };
  const userId = optionalClerkId(user_id, "payer.user_id");
  return userId ? { userId } : undefined;
}

/**
 * Item statuses and whether each entitles the payer to the item's plan:
 * - `active`: yes, a free trial included (`is_free_trial` does not matter).
 * - `canceled`: yes until `period_end` (exclusive); at that instant and after,
 *   no, even before `subscriptionItem.ended` arrives. Without a period end, no.
 * - `past_due`: no. Clerk does not document what has() does for an overdue
 *   item; the mirror fails closed, and an app that grants a grace period
 *   checks the item's status itself (`listSubscriptionItems`).
 * - `upcoming`, `ended`, `abandoned`, `incomplete`, `expired`, and any status
 *   Clerk adds later: no.
 */
export function entitles(item: { status: string; periodEnd?: number }, now: number): boolean {
  switch (item.status) {
    case "active":
      return true;
    case "canceled":
      return item.periodEnd !== undefined && now < item.periodEnd;
    default:
      return false;
  }
}

/** A stored item, as far as the decision reads it. */
export type EntitlementItem = { status: string; periodEnd?: number; planId?: string; planSlug?: string };
/** A stored plan, as far as the decision reads it. */
export type EntitlementPlan = { slug: string; featureSlugs: string[] };

/**
 * The plans (slugs) and features (slugs) a payer's items entitle it to at
 * `now`, each sorted and without repeats. A plan's slug comes from the item
 * (webhooks and listings carry it) or else the plans table; its features only
 * from the plans table, which reconcile fills: a plan missing there gives no
 * features (a feature check fails closed).
 */
export function entitlementsOf(
  items: EntitlementItem[],
  planById: (planId: string) => EntitlementPlan | undefined,
  now: number,
): { plans: string[]; features: string[] } {
  const plans = new Set<string>();
  const features = new Set<string>();
  for (const item of items) {
    if (!entitles(item, now)) continue;
    const plan = item.planId ? planById(item.planId) : undefined;
    const slug = item.planSlug ?? plan?.slug;
    if (slug) plans.add(slug);
    for (const feature of plan?.featureSlugs ?? []) features.add(feature);
  }
  return { plans: [...plans].sort(), features: [...features].sort() };
}

/** The plan and feature slugs a payer may use, sorted. */
export type Entitlements = { plans: string[]; features: string[] };

export function createEntitlements<ItemDoc>(engine: Engine) {
  const items = engine.kind("subscriptionItems");
  const plans = engine.kind("plans");
  const users = engine.kind("users");
  const organizations = engine.kind("organizations");
  // A deleted user or organization grants nothing, as in authorization.ts: Clerk
  // sends no billing event when a payer is deleted, so its items stay as they were.
  const payerDeleted = (ctx: GenericQueryCtx<any>, payer: Payer) =>
    "organizationId" in payer ? engine.isDeleted(ctx, organizations, payer.organizationId) : engine.isDeleted(ctx, users, payer.userId);

  /** The payer asked for, else the signed-in user (undefined when signed out). */
  async function payerOrSignedIn(ctx: GenericQueryCtx<any>, payer: Payer | undefined): Promise<Payer | undefined> {
    if (payer) return payer;
    const identity = await ctx.auth.getUserIdentity();
    return identity ? { userId: identity.subject } : undefined;
  }

  /** A payer's subscription items, in any status (to show dates, trials, cancellations). */
  async function listSubscriptionItems(ctx: GenericQueryCtx<any>, payer: Payer): Promise<ItemDoc[]> {
    const q = ctx.db.query(items.table);
    return (await ("organizationId" in payer
      ? q.withIndex("byOrganization", (i) => i.eq("organizationId", payer.organizationId))
      : q.withIndex("byUser", (i) => i.eq("userId", payer.userId))
    ).collect()) as ItemDoc[];
  }

  /**
   * The plans and features a payer may use now: `{userId}`, `{organizationId}`,
   * or, without one, the signed-in user (nothing when signed out, nor for a
   * deleted user or organization). Decided at
   * the function's Date.now(); a subscribed query is not re-run when a
   * canceled item's period ends, only when a document changes.
   */
  async function getEntitlements(ctx: GenericQueryCtx<any>, payer?: Payer): Promise<Entitlements> {
    const who = await payerOrSignedIn(ctx, payer);
    if (!who || (await payerDeleted(ctx, who))) return { plans: [], features: [] };
    const payerItems = (await listSubscriptionItems(ctx, who)) as unknown as EntitlementItem[];
    const planIds = [...new Set(payerItems.map((i) => i.planId).filter((id): id is string => id !== undefined))];
    const stored = new Map<string, EntitlementPlan>();
    for (const planId of planIds) {
      const plan = await engine.byExternalId(ctx, plans.table, planId);
      if (plan) stored.set(planId, plan as unknown as EntitlementPlan);
    }
    return entitlementsOf(payerItems, (id) => stored.get(id), Date.now());
  }

  /** Whether the payer (default: the signed-in user) may use the plan (slug) now. */
  async function hasPlan(ctx: GenericQueryCtx<any>, plan: string, payer?: Payer): Promise<boolean> {
    return (await getEntitlements(ctx, payer)).plans.includes(plan);
  }
  /** Whether the payer (default: the signed-in user) may use the feature (slug) now; false when its plan is not in the plans table. */
  async function hasFeature(ctx: GenericQueryCtx<any>, feature: string, payer?: Payer): Promise<boolean> {
    return (await getEntitlements(ctx, payer)).features.includes(feature);
  }

  async function requireEntitlement(ctx: GenericQueryCtx<any>, kind: "plan" | "feature", slug: string, payer?: Payer) {
    // Signed out with no payer named: NotSignedIn, not a missing plan.
    const who = payer ?? { userId: await signedInSubject(ctx) };
    const entitlements = await getEntitlements(ctx, who);
    if ((kind === "plan" ? entitlements.plans : entitlements.features).includes(slug)) return;
    const code = kind === "plan" ? "PlanRequired" : "FeatureRequired";
    const whose = "organizationId" in who ? who.organizationId : who.userId;
    throw clerkError(code, `${whose} has no ${kind} ${slug}`, { [kind]: slug, ...who });
  }
  /** Throws a ConvexError `{code: "PlanRequired", message, plan, userId | organizationId}` (or NotSignedIn) unless hasPlan. */
  const requirePlan = (ctx: GenericQueryCtx<any>, plan: string, payer?: Payer) => requireEntitlement(ctx, "plan", plan, payer);
  /** Throws a ConvexError `{code: "FeatureRequired", message, feature, userId | organizationId}` (or NotSignedIn) unless hasFeature. */
  const requireFeature = (ctx: GenericQueryCtx<any>, feature: string, payer?: Payer) =>
    requireEntitlement(ctx, "feature", feature, payer);

  return { getEntitlements, hasPlan, hasFeature, requirePlan, requireFeature, listSubscriptionItems };
}
