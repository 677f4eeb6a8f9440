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

// The two fields every Clerk object needs here: a non-empty id and a numeric updated_at.
export function clerkObject(value: unknown, kind: string): Record<string, unknown> & { id: string; updated_at: number } {
  if (!isRecord(value)) throw new ConvexError(`${kind} must be a Clerk ${kind} object`);
  const id = text(value.id);
  if (!id) throw new ConvexError(`${kind}.id must be a non-empty string`);
  if (typeof value.updated_at !== "number" || !Number.isFinite(value.updated_at)) {
    throw new ConvexError(`${kind}.updated_at must be a number (${kind} ${id})`);
  }
  return { ...value, id, updated_at: value.updated_at };
}
