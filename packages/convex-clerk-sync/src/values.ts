import { ConvexError, v, type Value } from "convex/values";

// Shared by the kinds' mappers and the engine; internal (not exported from the package).
// Clerk payloads carry nulls and fields that come and go over API versions, so
// the functions take them as v.any() and the mappers read them field by field:
// only the few fields the sync cannot work without are required.

/** The fields of a tombstone: a deleted Clerk id. Clerk never reuses ids, so tombstones are kept. */
export const tombstoneFields = {
  externalId: v.string(),
  deletedAt: v.number(), // ms, when the delete first arrived
};

/**
 * What a mapper returns. A key whose value is undefined is removed from the
 * stored document on update, so a field Clerk dropped (a role, an image) goes
 * too; keys a mapper never returns (the app's own fields) are left alone.
 */
export type Mapped<F> = { [K in keyof F]: F[K] | undefined } & { externalId: string; clerkUpdatedAt: number };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// A trimmed non-empty string, else undefined (covers null, "" and non-strings).
export function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Convex stores no undefined values: the fields to insert. */
export function definedFields<T extends Record<string, unknown>>(object: T): Record<string, Value> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Record<string, Value>;
}

/**
 * Deep equality over Convex values, as stored: objects by their defined keys
 * (a key holding undefined is the same as a missing one, as Convex stores it),
 * arrays and bytes element by element, numbers by Object.is (Convex keeps -0
 * and NaN apart from 0).
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (a instanceof ArrayBuffer || b instanceof ArrayBuffer) {
    if (!(a instanceof ArrayBuffer && b instanceof ArrayBuffer) || a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a);
    const y = new Uint8Array(b);
    return x.every((byte, i) => byte === y[i]);
  }
  const defined = (o: object) => Object.entries(o).filter(([, value]) => value !== undefined);
  const left = defined(a);
  const right = new Map(defined(b));
  return left.length === right.size && left.every(([key, value]) => right.has(key) && deepEqual(value, right.get(key)));
}

/**
 * Bounds on what Clerk sends, well above what it makes, so one poisoned or
 * mistaken payload cannot block an object for good (a far-future updated_at
 * would make every real update stale) nor exceed Convex's limits.
 */
export const LIMITS = {
  /** Clerk ids are a prefix and 27 base62 characters (user_2g7np7Hrk0SN6kj5EDMLDaKNL0S): 128 leaves room. */
  idLength: 128,
  /** Role and permission keys (org:posts:create). */
  keyLength: 128,
  /** Permissions of a role or a membership (Convex arrays hold at most 8,192 values). */
  listLength: 1_000,
  /** How far ahead of this transaction's clock a timestamp may be: clocks drift, not by a day. */
  futureMs: 24 * 60 * 60 * 1000,
};

// Printable ASCII without spaces: no NUL, no right-to-left override, no look-alikes.
const ID_OR_KEY = /^[\x21-\x7e]+$/;

/** A Clerk id (trimmed), or a ConvexError naming the field. */
export function clerkId(value: unknown, field: string): string {
  const id = text(value);
  if (!id) throw new ConvexError(`${field} must be a non-empty string`);
  if (id.length > LIMITS.idLength || !ID_OR_KEY.test(id)) {
    throw new ConvexError(`${field} must be a Clerk id: at most ${LIMITS.idLength} printable characters without spaces`);
  }
  return id;
}

/** A role or permission key (trimmed), or a ConvexError naming the field. */
export function clerkKey(value: unknown, field: string): string {
  const key = text(value);
  if (!key) throw new ConvexError(`${field} must be a non-empty string`);
  if (key.length > LIMITS.keyLength || !ID_OR_KEY.test(key)) {
    throw new ConvexError(`${field} must be a key of at most ${LIMITS.keyLength} printable characters without spaces`);
  }
  return key;
}

/** A Clerk timestamp (ms): a finite number from 0 to a day ahead of now. */
export function clerkTime(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ConvexError(`${field} must be a number`);
  if (value < 0 || value > Date.now() + LIMITS.futureMs) {
    throw new ConvexError(`${field} must be a time in ms from 0 to a day ahead of now, not ${value}`);
  }
  return value;
}

/** An array of at most LIMITS.listLength items, or a ConvexError naming the field. */
export function boundedList(value: unknown[], field: string): unknown[] {
  if (value.length > LIMITS.listLength) {
    throw new ConvexError(`${field} holds ${value.length} items; Clerk never sends more than ${LIMITS.listLength}`);
  }
  return value;
}

/** Runs a field's check, adding the object to its error: "membership.role must be … (membership orgmem_…)". */
export function forObject(kind: string, id: string) {
  return <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      throw new ConvexError(`${error instanceof ConvexError ? error.data : String(error)} (${kind} ${id})`);
    }
  };
}

// The fields every Clerk object needs here: a Clerk id and an updated_at in
// bounds (and created_at, when present).
export function clerkObject(
  value: unknown,
  kind: string,
): Record<string, unknown> & { id: string; updated_at: number; created_at: number | undefined } {
  if (!isRecord(value)) throw new ConvexError(`${kind} must be a Clerk ${kind} object`);
  const id = clerkId(value.id, `${kind}.id`);
  const named = forObject(kind, id);
  const updatedAt = named(() => clerkTime(value.updated_at, `${kind}.updated_at`));
  const created = value.created_at;
  const createdAt = created === undefined || created === null ? undefined : named(() => clerkTime(created, `${kind}.created_at`));
  return { ...value, id, updated_at: updatedAt, created_at: createdAt };
}

/** A Clerk id when the field holds a non-empty string (checked as clerkId); undefined for "", null or missing. */
export function optionalClerkId(value: unknown, field: string): string | undefined {
  return text(value) === undefined ? undefined : clerkId(value, field);
}
