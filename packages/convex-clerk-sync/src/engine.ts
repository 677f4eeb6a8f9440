/**
 * The engine: what every kind gets, written and tested once.
 *
 * - **Ordering guard**: an upsert older than the stored `clerkUpdatedAt` is `stale`.
 * - **Tombstones**: a delete removes the document and keeps the id in the kind's
 *   tombstone table; an upsert of a tombstoned id is `deleted`, whatever it carries.
 * - **`unchanged`**: the mapped fields deep-equal the stored ones (objects,
 *   arrays, nested values): nothing is written and no hook runs.
 * - **Cascades**: deleting a parent (an organization, a user) removes the
 *   children that declare a relation to it, `cascadeStep` per mutation, the
 *   rest in scheduled steps (`continueCascade`).
 * - **Batches** (`upsertManyFromClerk`), **id pages** (`pageExternalIds`) and
 *   **hooks** (in the sync's mutation, or scheduled after its commit).
 *
 * How a kind plugs in is in ENGINE.md beside this file: a module under
 * `kinds/` declares a `KindDefinition` (tables, mapping, validators, cascade
 * relations) and builds its pinned functions from `engine.kindFunctions` and
 * `engine.deleteFunction`; `kinds/index.ts` lists it.
 */
import {
  makeFunctionReference,
  paginationOptsValidator,
  type ActionBuilder,
  type GenericDataModel,
  type GenericMutationCtx,
  type GenericQueryCtx,
  type MutationBuilder,
  type PaginationOptions,
  type QueryBuilder,
  type TableDefinition,
} from "convex/server";
import { ConvexError, v, type GenericId, type Infer, type Validator, type Value, type VAny, type VArray } from "convex/values";
import { clerkError } from "./errors.js";
import { deepEqual, definedFields, type Mapped } from "./values.js";

/**
 * What an upsert did, returned so the runtime can log it: `deleted` means the
 * id has a tombstone and nothing was written.
 */
export const upsertOutcome = v.union(
  v.literal("inserted"),
  v.literal("updated"),
  v.literal("unchanged"), // the same data is already stored (a duplicate)
  v.literal("stale"), // older than what is stored: an out-of-order delivery
  v.literal("deleted"), // refused: the id (or, for a membership, its organization or user) has a tombstone
);
export type UpsertOutcome = Infer<typeof upsertOutcome>;
/** upsertManyFromClerk's answer: how many objects of the batch ended in each outcome. */
export const upsertCounts = v.object({
  inserted: v.number(),
  updated: v.number(),
  unchanged: v.number(),
  stale: v.number(),
  deleted: v.number(),
});
export type UpsertCounts = Infer<typeof upsertCounts>;
/** What a delete did: removed a stored document, found none (the tombstone is kept either way), or had no id. */
export const deleteOutcome = v.union(v.literal("deleted"), v.literal("absent"), v.literal("ignored"));
export type DeleteOutcome = Infer<typeof deleteOutcome>;

/**
 * The most users or organizations one upsertManyFromClerk call takes: two
 * index lookups each (tombstone, document) keeps 1000 at half of Convex's 4096
 * index ranges per transaction. The runtime sends 100.
 */
export const MAX_UPSERT_BATCH = 1000;
/** The same for memberships, which cost more lookups each (tombstones, the organization, the pair's other memberships). */
export const MAX_MEMBERSHIP_BATCH = 500;
/** The most ids one pageExternalIds call returns, whatever numItems asks: a returned array holds at most 8192 values. */
export const MAX_ID_PAGE = 4000;
/** Documents one mutation removes in a cascade; the rest go on in a scheduled mutation. */
export const CASCADE_STEP = 1000;

export type SystemFields = { _id: GenericId<string>; _creationTime: number };
// The sync writes tables by configured names, which the app's DataModel types
// do not know; inside, the database is used untyped.
export type AnyCtx = GenericMutationCtx<GenericDataModel>;
export type AnyQueryCtx = GenericQueryCtx<GenericDataModel>;
export type AnyDoc = Record<string, Value> & SystemFields;
type AnyHook = (ctx: AnyCtx, doc: AnyDoc, previous?: AnyDoc) => Promise<void> | void;

/**
 * A cascade relation, declared by the child kind: deleting a document of
 * `parent` removes the `child` documents whose `field` holds the parent's
 * Clerk id, found through `index` (whose first field is `field`). `arg` names
 * the parent's id in `continueCascade`'s arguments.
 */
export type CascadeRelation = { parent: string; arg: string; field: string; index: string };

/**
 * What a kind module declares: its tables (by default name, which is also the
 * key an app renames them by in clerkTables and clerkSync); `table` and
 * `tombstones` name two of them.
 */
export type KindDefinition<TableKey extends string = string> = {
  /** The kind's name: the property of clerkSync's result, and the runtime's reconcile `kind` (e.g. "memberships"). */
  name: string;
  /** Clerk's event family, the hooks' prefix ("organizationMembership" → "organizationMembership.created"). */
  event: string;
  table: TableKey;
  /** The tombstone table; none for a kind Clerk never deletes (plans, subscriptions, items). */
  tombstones?: TableKey;
  /** The kind's tables by their default names (a function: `.index()` changes the definition it is called on). */
  tables: () => Record<TableKey, TableDefinition>;
  /** The parents whose deletion removes this kind's documents. */
  cascadesFrom?: readonly CascadeRelation[];
};

/** A kind as the engine runs it: its tables under the app's names. */
export type Kind = { name: string; event: string; table: string; tombstones?: string };
export type Change = "created" | "updated" | "deleted";
export type HookMode = "inline" | "afterCommit";

export type EngineConfig = {
  /** The app's table names, by table key. */
  names: Record<string, string>;
  kinds: readonly KindDefinition[];
  hooks: Record<string, AnyHook | undefined>;
  hookMode: HookMode;
  /** The module that exports `runHook` (for hookMode "afterCommit") and the one that exports `continueCascade`. */
  hookModule: string;
  cascadeModule: string;
  cascadeStep: number;
  internalMutation: MutationBuilder<any, "internal">;
  internalQuery: QueryBuilder<any, "internal">;
  query: QueryBuilder<any, "public">;
  action: ActionBuilder<any, "public">;
};

/** A page of a kind's ids, as pageExternalIds answers. */
export const pageReturns = <T extends Validator<any, "required", any>>(item: T) =>
  v.object({ page: v.array(item), isDone: v.boolean(), continueCursor: v.string() });

export type Engine = ReturnType<typeof createEngine>;

export function createEngine(config: EngineConfig) {
  const { names, hooks, internalMutation, internalQuery } = config;
  if (!Number.isInteger(config.cascadeStep) || config.cascadeStep < 1 || config.cascadeStep > CASCADE_STEP) {
    throw new Error(`cascadeStep must be a whole number from 1 to ${CASCADE_STEP}, not ${config.cascadeStep}`);
  }
  const cascadeStep = config.cascadeStep;
  const kinds = new Map<string, Kind>(
    config.kinds.map((d) => [d.name, { name: d.name, event: d.event, table: names[d.table], tombstones: d.tombstones && names[d.tombstones] }]),
  );
  const children = config.kinds.flatMap((d) => (d.cascadesFrom ?? []).map((r) => ({ ...r, child: d.name })));
  const cascadeArgs = [...new Set(children.map((r) => r.arg))];
  const continueCascadeRef = makeFunctionReference<"mutation">(`${config.cascadeModule}:continueCascade`);
  const runHookRef = makeFunctionReference<"mutation">(`${config.hookModule}:runHook`);

  function kind(name: string): Kind {
    const k = kinds.get(name);
    if (!k) throw new Error(`no kind ${name}`);
    return k;
  }

  /** The document of a Clerk id. `.first()`, not `.unique()`: an app's own insert must not block its sync. */
  async function byExternalId(ctx: AnyQueryCtx, table: string, externalId: string) {
    return (await ctx.db
      .query(table)
      .withIndex("byExternalId", (q) => q.eq("externalId", externalId))
      .first()) as AnyDoc | null;
  }
  const isDeleted = async (ctx: AnyQueryCtx, k: Kind, externalId: string) =>
    k.tombstones !== undefined && (await byExternalId(ctx, k.tombstones, externalId)) !== null;

  /**
   * Runs the app's hook for one effective change: in the sync's mutation (a
   * throw becomes a ConvexError `HookFailed` naming the hook and the object,
   * and rolls the write back), or scheduled after its commit.
   */
  const hasHook = (k: Kind, change: Change) => hooks[`${k.event}.${change}`] !== undefined;
  async function runHook(ctx: AnyCtx, k: Kind, change: Change, doc: AnyDoc, previous?: AnyDoc) {
    const hook = `${k.event}.${change}`;
    if (!hooks[hook]) return;
    if (config.hookMode === "afterCommit") {
      await ctx.scheduler.runAfter(0, runHookRef, { hook, doc, ...(previous ? { previous } : {}) });
      return;
    }
    await callHook(ctx, hook, doc, previous);
  }
  async function callHook(ctx: AnyCtx, hook: string, doc: AnyDoc, previous?: AnyDoc) {
    try {
      await hooks[hook]!(ctx, doc, previous);
    } catch (error) {
      const cause = error instanceof ConvexError ? JSON.stringify(error.data) : error instanceof Error ? error.message : String(error);
      throw clerkError("HookFailed", `The app's hook ${hook} failed for ${doc.externalId}: ${cause}`, {
        hook,
        externalId: String(doc.externalId),
      });
    }
  }

  /**
   * The one write path of every kind: a tombstone wins over any data; an older
   * updated_at than the stored one is refused; the same fields again write
   * nothing; else the fields are patched in (undefined ones removed), leaving
   * the app's own fields alone.
   */
  async function upsert(ctx: AnyCtx, k: Kind, fields: Mapped<unknown>): Promise<UpsertOutcome> {
    if (await isDeleted(ctx, k, fields.externalId)) return "deleted";
    return await write(ctx, k, fields);
  }

  /** upsert without the tombstone check, for a caller that has made it (or its own). */
  async function write(ctx: AnyCtx, k: Kind, fields: Mapped<unknown>): Promise<UpsertOutcome> {
    const existing = await byExternalId(ctx, k.table, fields.externalId);
    if (!existing) {
      const id = await ctx.db.insert(k.table, definedFields(fields));
      if (hasHook(k, "created")) await runHook(ctx, k, "created", (await ctx.db.get(id)) as AnyDoc);
      return "inserted";
    }
    if (fields.clerkUpdatedAt < (existing.clerkUpdatedAt as number)) return "stale";
    const changes = fields as Record<string, Value | undefined>;
    if (Object.keys(changes).every((key) => deepEqual(existing[key], changes[key]))) return "unchanged";
    await ctx.db.patch(existing._id, changes as Record<string, Value>);
    if (hasHook(k, "updated")) await runHook(ctx, k, "updated", (await ctx.db.get(existing._id)) as AnyDoc, existing);
    return "updated";
  }

  /** Keeps a tombstone for the id (once), with the kind's extra tombstone fields, if any. */
  async function tombstone(ctx: AnyCtx, k: Kind, externalId: string, extra: Record<string, Value> = {}) {
    if (!k.tombstones) throw new Error(`${k.name} keeps no tombstones`);
    if (!(await isDeleted(ctx, k, externalId))) await ctx.db.insert(k.tombstones, { ...extra, externalId, deletedAt: Date.now() });
  }

  /** Removes a stored document (its hook runs) without a tombstone: for cascades and superseded documents. */
  async function removeDoc(ctx: AnyCtx, k: Kind, doc: AnyDoc) {
    await ctx.db.delete(doc._id);
    await runHook(ctx, k, "deleted", doc);
  }

  /**
   * Deletes one id: removes its document, keeps a tombstone, and starts the
   * cascade over the kinds that declare this one their parent. Never ordered
   * by updated_at: a delete always wins.
   */
  async function remove(ctx: AnyCtx, k: Kind, externalId: string, extra: Record<string, Value> = {}): Promise<"deleted" | "absent"> {
    const existing = await byExternalId(ctx, k.table, externalId);
    if (existing) await removeDoc(ctx, k, existing);
    await tombstone(ctx, k, externalId, extra);
    if (children.some((r) => r.parent === k.name)) await cascade(ctx, k.name, externalId);
    return existing ? "deleted" : "absent";
  }

  /**
   * Removes one step (cascadeStep documents) of a deleted parent's children,
   * kind by kind, and schedules the next step while a full step was removed.
   * Returns how many were removed.
   */
  async function cascade(ctx: AnyCtx, parent: string, parentId: string): Promise<number> {
    let removed = 0;
    for (const relation of children.filter((r) => r.parent === parent)) {
      const child = kind(relation.child);
      const batch = (await ctx.db
        .query(child.table)
        .withIndex(relation.index, (q) => q.eq(relation.field, parentId))
        .take(cascadeStep - removed)) as AnyDoc[];
      for (const doc of batch) await removeDoc(ctx, child, doc);
      removed += batch.length;
      if (removed === cascadeStep) break;
    }
    if (removed === cascadeStep) {
      const arg = children.find((r) => r.parent === parent)!.arg;
      await ctx.scheduler.runAfter(0, continueCascadeRef, { [arg]: parentId });
    }
    return removed;
  }

  /** Applies `apply` to each mapped item of a batch, in order, in this one transaction; counts the outcomes. */
  const upsertMany =
    <F>(plural: string, map: (clerk: unknown) => F, max: number, apply: (ctx: AnyCtx, clerk: unknown, fields: F) => Promise<UpsertOutcome>) =>
    async (ctx: AnyCtx, items: unknown[]): Promise<UpsertCounts> => {
      if (items.length > max) throw new ConvexError(`${plural} holds ${items.length} ${plural}; send at most ${max} per call`);
      const batch = items.map((item, index) => {
        try {
          return map(item);
        } catch (error) {
          const reason = error instanceof ConvexError ? error.data : String(error);
          throw new ConvexError(`${plural}[${index}]: ${reason}`);
        }
      });
      const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0 };
      // Sequential on purpose: a duplicate must see the earlier occurrence's write.
      for (let i = 0; i < batch.length; i++) counts[await apply(ctx, items[i], batch[i])]++;
      return counts;
    };

  /** One page of a table's documents, picked down to what the runtime's sweep needs. */
  async function idPage<T>(ctx: AnyQueryCtx, table: string, paginationOpts: PaginationOptions, pick: (doc: AnyDoc) => T) {
    const numItems = Math.min(paginationOpts.numItems, MAX_ID_PAGE);
    const { page, isDone, continueCursor } = await ctx.db.query(table).order("asc").paginate({ ...paginationOpts, numItems });
    return { page: page.map((doc) => pick(doc as AnyDoc)), isDone, continueCursor };
  }

  /**
   * upsertFromClerk, upsertManyFromClerk and pageExternalIds of one kind: the
   * same three functions for every kind, with the argument names the runtime
   * sends for it (`{role}`, `{roles}`).
   */
  const kindFunctions = <const One extends string, const Many extends string, P extends Validator<any, "required", any>>(spec: {
    one: One;
    many: Many;
    apply: (ctx: AnyCtx, clerk: unknown) => Promise<UpsertOutcome>;
    applyMany: (ctx: AnyCtx, items: unknown[]) => Promise<UpsertCounts>;
    table: string;
    item: P;
    pick: (doc: AnyDoc) => Infer<P>;
  }) => ({
    upsertFromClerk: internalMutation({
      // v.any(): Clerk's payloads carry nulls and fields that come and go; the mappers check the few fields needed.
      args: { [spec.one]: v.any() } as Record<One, VAny>,
      returns: upsertOutcome,
      handler: async (ctx, args) => await spec.apply(ctx as never, (args as Record<string, unknown>)[spec.one]),
    }),
    upsertManyFromClerk: internalMutation({
      args: { [spec.many]: v.array(v.any()) } as Record<Many, VArray<any[], VAny>>,
      returns: upsertCounts,
      handler: async (ctx, args) => await spec.applyMany(ctx as never, (args as Record<string, unknown[]>)[spec.many]),
    }),
    pageExternalIds: internalQuery({
      args: { paginationOpts: paginationOptsValidator },
      returns: pageReturns(spec.item),
      handler: async (ctx, { paginationOpts }) => await idPage(ctx as never, spec.table, paginationOpts, spec.pick),
    }),
  });

  /**
   * deleteFromClerk taking a bare id (`{userId}`, `{organizationId}`,
   * `{roleId}`): Clerk types the deleted id as optional, so a missing one is
   * ignored, not retried; surrounding spaces are trimmed as the upserts trim them.
   */
  const optionalId = v.optional(v.union(v.string(), v.null()));
  const deleteFunction = <const Arg extends string>(arg: Arg, k: Kind) =>
    internalMutation({
      args: { [arg]: optionalId } as Record<Arg, typeof optionalId>,
      returns: deleteOutcome,
      handler: async (ctx, args): Promise<DeleteOutcome> => {
        const id = (args as Record<string, string | null | undefined>)[arg]?.trim();
        if (!id) {
          console.warn(`deleteFromClerk: a delete without ${arg}, ignored`);
          return "ignored";
        }
        return await remove(ctx as never, k, id);
      },
    });

  /** The next step of a cascade; scheduled by the deletes, not called by the runtime. */
  const continueCascade = internalMutation({
    args: Object.fromEntries(cascadeArgs.map((arg) => [arg, v.optional(v.string())])) as Record<string, ReturnType<typeof v.optional<ReturnType<typeof v.string>>>>,
    returns: v.number(),
    handler: async (ctx, args) => {
      const relation = children.find((r) => typeof (args as Record<string, unknown>)[r.arg] === "string");
      if (!relation) throw new ConvexError(`continueCascade needs one of ${cascadeArgs.join(", ")}`);
      return await cascade(ctx as never, relation.parent, (args as Record<string, string>)[relation.arg]);
    },
  });

  /** A hook scheduled after the sync's commit (hookMode "afterCommit"). */
  const runHookFunction = internalMutation({
    args: { hook: v.string(), doc: v.any(), previous: v.optional(v.any()) },
    returns: v.null(),
    handler: async (ctx, { hook, doc, previous }) => {
      if (!hooks[hook]) throw new ConvexError(`runHook: the app has no hook ${hook}`);
      await callHook(ctx as never, hook, doc as AnyDoc, previous as AnyDoc | undefined);
      return null;
    },
  });

  return {
    config,
    names,
    cascadeStep,
    kind,
    byExternalId,
    isDeleted,
    runHook,
    upsert,
    write,
    tombstone,
    removeDoc,
    remove,
    cascade,
    upsertMany,
    idPage,
    kindFunctions,
    deleteFunction,
    continueCascade,
    runHookFunction,
  };
}
