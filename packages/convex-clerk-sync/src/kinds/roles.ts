/**
 * The roles kind: Clerk's role definitions (role.created/.updated/.deleted,
 * GET /organization_roles), each with the id and key of its permissions, so
 * that requirePermission decides from a role's current definition and a
 * permission.deleted (which carries only the permission's id) can be applied.
 */
import { defineTable } from "convex/server";
import { ConvexError, v, type Infer } from "convex/values";
import { deleteOutcome, MAX_UPSERT_BATCH, type AnyCtx, type AnyDoc, type DeleteOutcome, type Engine, type UpsertOutcome } from "../engine.js";
import { boundedList, clerkId, clerkKey, clerkObject, forObject, isRecord, text, tombstoneFields, type Mapped } from "../values.js";

/** The default fields of a role document. */
export const roleFields = {
  externalId: v.string(), // role_...
  key: v.string(), // what memberships carry in `role`: "org:admin", "org:content_manager"
  name: v.string(),
  // Each permission's id (what permission.deleted names) and key (what requirePermission asks for);
  // Clerk's system permissions (org:sys_*) included.
  permissions: v.array(v.object({ id: v.string(), key: v.string() })),
  clerkUpdatedAt: v.number(),
};
export type RoleFields = Infer<ReturnType<typeof v.object<typeof roleFields>>>;

export const roleKind = {
  name: "roles",
  event: "role",
  table: "roles",
  tombstones: "deletedRoles",
  tables: () => ({
    roles: defineTable(roleFields).index("byExternalId", ["externalId"]).index("byKey", ["key"]),
    deletedRoles: defineTable(tombstoneFields).index("byExternalId", ["externalId"]),
    // Deleted permission ids: a late role event never brings one back.
    deletedPermissions: defineTable(tombstoneFields).index("byExternalId", ["externalId"]),
  }),
} as const;

/** Maps a Clerk Role object (webhook `data` or an entry of GET /organization_roles). */
export function roleFromClerk(role: unknown): Mapped<RoleFields> & { key: string; name: string } {
  const record = clerkObject(role, "role");
  const named = forObject("role", record.id);
  const key = named(() => clerkKey(record.key, "role.key"));
  const permissions = named(() =>
    boundedList(Array.isArray(record.permissions) ? record.permissions : [], "role.permissions").map((p, i) => {
      if (!isRecord(p)) throw new ConvexError(`role.permissions[${i}] must be a Clerk permission object`);
      return { id: clerkId(p.id, `role.permissions[${i}].id`), key: clerkKey(p.key, `role.permissions[${i}].key`) };
    }),
  );
  return { externalId: record.id, key, name: text(record.name) ?? key, permissions, clerkUpdatedAt: record.updated_at };
}

/** The functions of roles.ts. */
export function roleFunctions(engine: Engine, map: (clerk: unknown) => Mapped<RoleFields>) {
  const roles = engine.kind(roleKind.name);
  const deletedPermissions = engine.names.deletedPermissions;

  // A role's permissions without the deleted ones (one range read per call: deleted permissions are few).
  async function upsertRole(ctx: AnyCtx, fields: Mapped<RoleFields>): Promise<UpsertOutcome> {
    const gone = new Set((await ctx.db.query(deletedPermissions).collect()).map((d) => d.externalId as string));
    const permissions = (fields.permissions ?? []).filter((p) => !gone.has(p.id));
    return await engine.upsert(ctx, roles, { ...fields, permissions } as Mapped<RoleFields>);
  }

  return {
    // role.created, role.updated: `{role: data}`; reconcile: a page of GET /organization_roles, and the sweep.
    ...engine.kindFunctions({
      one: "role",
      many: "roles",
      apply: (ctx, clerk) => upsertRole(ctx, map(clerk)),
      applyMany: engine.upsertMany("roles", map, MAX_UPSERT_BATCH, (ctx, _, fields) => upsertRole(ctx, fields)),
      table: roles.table,
      item: v.string(),
      pick: (d) => d.externalId as string,
    }),
    /** role.deleted: `{roleId: data.id}`. Members of a deleted role keep their membership; their permissions fall back to the membership's. */
    deleteFromClerk: engine.deleteFunction("roleId", roles),
    /**
     * permission.deleted: `{permissionId: data.id}`. Removes the permission
     * from every role that holds it and keeps its id, so that no late role
     * event brings it back. Answers `deleted` when a stored role held it, else
     * `absent` (`ignored` without an id), as the other deletes do.
     */
    removePermissionFromClerk: engine.config.internalMutation({
      args: { permissionId: v.optional(v.union(v.string(), v.null())) },
      returns: deleteOutcome,
      handler: async (ctx, { permissionId }): Promise<DeleteOutcome> => {
        const id = permissionId?.trim();
        if (!id) {
          console.warn("removePermissionFromClerk: a delete without permissionId, ignored");
          return "ignored";
        }
        if (!(await engine.byExternalId(ctx, deletedPermissions, id))) {
          await ctx.db.insert(deletedPermissions, { externalId: id, deletedAt: Date.now() });
        }
        // An instance has tens of roles, not thousands: they are read whole.
        let changed = 0;
        for (const role of (await ctx.db.query(roles.table).collect()) as AnyDoc[]) {
          const permissions = role.permissions as { id: string; key: string }[];
          if (!permissions.some((p) => p.id === id)) continue;
          await ctx.db.patch(role._id, { permissions: permissions.filter((p) => p.id !== id) });
          await engine.runHook(ctx as never, roles, "updated", (await ctx.db.get(role._id)) as AnyDoc, role);
          changed++;
        }
        return changed > 0 ? "deleted" : "absent";
      },
    }),
  };
}
