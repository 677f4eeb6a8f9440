/**
 * The plans kind: Clerk Billing's plans with their feature slugs, from the
 * Backend API only (GET /billing/plans; Clerk sends no plan events, and the
 * webhooks' plans carry no features). Never deleted: a plan a complete listing
 * no longer has is marked archived, as items may still name it.
 */
import { defineTable } from "convex/server";
import { v, type Infer } from "convex/values";
import { MAX_UPSERT_BATCH, type AnyCtx, type Engine } from "../engine.js";
import { planShape } from "../shapes/billing.js";
import { checkShape } from "../shapes/check.js";
import { boundedList, clerkId, type Mapped } from "../values.js";

/** The default fields of a plan document. */
export const planFields = {
  externalId: v.string(), // cplan_...
  slug: v.string(), // the slug has({ plan }) and the `pla` claim use
  name: v.string(),
  payerType: v.string(), // "user" | "org"
  featureSlugs: v.array(v.string()), // the slugs has({ feature }) and the `fea` claim use, sorted
  isDefault: v.boolean(),
  // Set when a complete listing no longer has the plan; removed when a listing has it again.
  archived: v.optional(v.boolean()),
};
export type PlanFields = Infer<ReturnType<typeof v.object<typeof planFields>>>;
/** A plan as mapped: Clerk's plans carry no updated_at, so a listing always describes the present. */
export type MappedPlan = Omit<Mapped<PlanFields>, "clerkUpdatedAt">;

export const planKind = {
  name: "plans",
  event: "plan",
  table: "plans",
  tables: () => ({
    plans: defineTable(planFields).index("byExternalId", ["externalId"]).index("bySlug", ["slug"]),
  }),
} as const;

/** Maps a Backend API plan (GET /billing/plans, or the plan inside a listed subscription item). */
export function planFromClerk(plan: unknown): MappedPlan {
  const record = checkShape(planShape, plan, "plan");
  const id = clerkId(record.id, "plan.id");
  const features = boundedList(Array.isArray(record.features) ? record.features : [], "plan.features") as { slug: string }[];
  return {
    externalId: id,
    slug: record.slug as string,
    name: record.name as string,
    payerType: record.for_payer_type as string,
    featureSlugs: [...new Set(features.map((f) => f.slug))].sort(),
    isDefault: record.is_default as boolean,
    archived: undefined,
  };
}

/** What archiveFromClerk did. */
export const archiveOutcome = v.union(v.literal("archived"), v.literal("unchanged"), v.literal("absent"));

/** The functions of plans.ts. */
export function planFunctions(engine: Engine) {
  const plans = engine.kind(planKind.name);
  // Without a version on either side the engine's ordering guard never calls
  // a plan stale: the newest listing wins, and the same plan again is unchanged.
  const upsertPlan = (ctx: AnyCtx, _clerk: unknown, fields: MappedPlan) => engine.write(ctx, plans, fields as unknown as Mapped<unknown>);
  return {
    // Reconcile: a page of the listing, and the sweep of stored plan ids.
    ...engine.kindFunctions({
      one: "plan",
      many: "plans",
      apply: (ctx, clerk) => upsertPlan(ctx, clerk, planFromClerk(clerk)),
      applyMany: engine.upsertMany("plans", planFromClerk, MAX_UPSERT_BATCH, upsertPlan),
      table: plans.table,
      item: v.string(),
      pick: (d) => d.externalId as string,
    }),
    /** Reconcile: `{planId}` of a plan missing from a complete listing. Marks it archived; never deletes it. */
    archiveFromClerk: engine.config.internalMutation({
      args: { planId: v.string() },
      returns: archiveOutcome,
      handler: async (ctx, { planId }) => {
        const stored = await engine.byExternalId(ctx as never, plans.table, planId.trim());
        if (!stored) return "absent" as const;
        // Only `archived` is written: the plan's other fields stay as last listed.
        const outcome = await engine.write(ctx as never, plans, { externalId: stored.externalId, archived: true } as unknown as Mapped<unknown>);
        return outcome === "updated" ? ("archived" as const) : ("unchanged" as const);
      },
    }),
  };
}
