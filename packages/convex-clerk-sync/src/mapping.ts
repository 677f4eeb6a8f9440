import { ConvexError, v, type Infer, type Value } from "convex/values";

// Clerk payloads carry nulls and fields that come and go over API versions, so
// the functions take them as v.any() and these mappers read them field by
// field: only the few fields the sync cannot work without are required.

/** The default fields of a user document (today's copied users.ts, unchanged). */
export const userFields = {
  externalId: v.string(), // Clerk user id (user_...), the JWT `subject`
  email: v.optional(v.string()), // primary address; absent when Clerk has none
  name: v.optional(v.string()), // "first last", else username, else email
  imageUrl: v.optional(v.string()),
  role: v.optional(v.string()), // public_metadata.role; absent when unset
  clerkUpdatedAt: v.number(), // Clerk's updated_at (ms): the ordering guard
};

/** The default fields of an organization document. */
export const organizationFields = {
  externalId: v.string(), // org_...
  name: v.string(),
  // Optional although Clerk usually sends one: an instance can turn slugs off,
  // and a required field would turn such events into endless retries.
  slug: v.optional(v.string()),
  imageUrl: v.optional(v.string()),
  clerkUpdatedAt: v.number(),
};

/** The default fields of a membership document. */
export const membershipFields = {
  externalId: v.string(), // orgmem_...
  organizationId: v.string(), // Clerk organization id (org_...)
  userId: v.string(), // Clerk user id (user_...), stored even before the user is synced
  role: v.string(), // "org:admin", "org:member", a custom key, or an older "admin"/"basic_member"
  permissions: v.optional(v.array(v.string())),
  clerkUpdatedAt: v.number(),
};

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

export type UserFields = Infer<ReturnType<typeof v.object<typeof userFields>>>;
export type OrganizationFields = Infer<ReturnType<typeof v.object<typeof organizationFields>>>;
export type MembershipFields = Infer<ReturnType<typeof v.object<typeof membershipFields>>>;

/** Maps a Clerk User object (webhook `data` or Backend API listing entry). */
export function userFromClerk(user: unknown): Mapped<UserFields> {
  const record = clerkObject(user, "user");
  const email = primaryEmail(record);
  const fullName = [text(record.first_name), text(record.last_name)].filter(Boolean).join(" ");
  return {
    externalId: record.id as string,
    email,
    name: fullName || text(record.username) || email,
    imageUrl: text(record.image_url),
    role: isRecord(record.public_metadata) ? text(record.public_metadata.role) : undefined,
    clerkUpdatedAt: record.updated_at as number,
  };
}

/** Maps a Clerk Organization object (webhook `data`, a listing entry, or a membership's nested `organization`). */
export function organizationFromClerk(organization: unknown): Mapped<OrganizationFields> & { name: string } {
  const record = clerkObject(organization, "organization");
  // Clerk requires a name; fall back to the slug, then the id, rather than refuse the event.
  const name = text(record.name) ?? text(record.slug) ?? (record.id as string);
  return {
    externalId: record.id as string,
    name,
    slug: text(record.slug),
    imageUrl: text(record.image_url),
    clerkUpdatedAt: record.updated_at as number,
  };
}

/** Maps a Clerk OrganizationMembership object. */
export function membershipFromClerk(
  membership: unknown,
): Mapped<MembershipFields> & { organizationId: string; userId: string; role: string } {
  const record = clerkObject(membership, "membership");
  const organizationId = isRecord(record.organization) ? text(record.organization.id) : undefined;
  if (!organizationId) throw new ConvexError(`membership.organization.id must be a non-empty string (membership ${record.id})`);
  const userId = isRecord(record.public_user_data) ? text(record.public_user_data.user_id) : undefined;
  if (!userId) throw new ConvexError(`membership.public_user_data.user_id must be a non-empty string (membership ${record.id})`);
  const role = text(record.role);
  if (!role) throw new ConvexError(`membership.role must be a non-empty string (membership ${record.id})`);
  const permissions = Array.isArray(record.permissions)
    ? record.permissions.filter((p): p is string => typeof p === "string")
    : undefined;
  return {
    externalId: record.id as string,
    organizationId,
    userId,
    role,
    permissions,
    clerkUpdatedAt: record.updated_at as number,
  };
}

/** The membership's nested organization as an organization, or undefined when it has none usable. */
export function nestedOrganization(membership: unknown): unknown {
  if (!isRecord(membership) || !isRecord(membership.organization)) return undefined;
  const organization = membership.organization;
  return typeof organization.updated_at === "number" && text(organization.id) ? organization : undefined;
}

// The two fields every Clerk object needs here: a non-empty id and a numeric updated_at.
function clerkObject(value: unknown, kind: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ConvexError(`${kind} must be a Clerk ${kind} object`);
  const id = text(value.id);
  if (!id) throw new ConvexError(`${kind}.id must be a non-empty string`);
  if (typeof value.updated_at !== "number" || !Number.isFinite(value.updated_at)) {
    throw new ConvexError(`${kind}.updated_at must be a number (${kind} ${id})`);
  }
  return { ...value, id };
}

// The address whose id is primary_email_address_id; Clerk lists all of them.
function primaryEmail(user: Record<string, unknown>): string | undefined {
  const primaryId = user.primary_email_address_id;
  if (!primaryId || !Array.isArray(user.email_addresses)) return undefined;
  const primary = user.email_addresses.find((e) => isRecord(e) && e.id === primaryId);
  return isRecord(primary) ? text(primary.email_address) : undefined;
}

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
