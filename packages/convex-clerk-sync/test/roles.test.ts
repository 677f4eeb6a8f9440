/// <reference types="vite/client" />
// Permissions follow the role's current definition (issue 22, finding 3):
// Clerk sends role.updated, not one membership event per member, when a role's
// permissions change. Also the /helpers builders and currentStatus.
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { describe, expect, test } from "vitest";
import { isClerkSyncError } from "../src/index.js";
import { clerkEvent, feed, payloads } from "../src/testing/index.js";
import schema from "./app/schema";

const modules = import.meta.glob(["./app/**/*.ts", "./app/**/*.js"]);
const newConvex = () => convexTest({ schema, modules, transactionLimits: true });
const fn = anyApi as any;
const ORG = "org_roles";
const T0 = 1_716_883_200_000;
const sysPermission = { object: "permission", id: "perm_sys_manage", key: "org:sys_memberships:manage" };
const publish = { object: "permission", id: "perm_publish", key: "org:posts:publish" };
const create = { object: "permission", id: "perm_create", key: "org:posts:create" };
const role = (updated_at: number, permissions: unknown[]) =>
  clerkEvent("role.updated", { ...payloads["role.created"].data, key: "org:editor", updated_at, permissions });
// The membership carries the permissions as of its own event: create only.
const membership = clerkEvent("organizationMembership.created", {
  ...payloads["organizationMembership.created"].data,
  id: "orgmem_editor",
  role: "org:editor",
  permissions: ["org:posts:create"],
  organization: { ...payloads["organization.created"].data, id: ORG },
  public_user_data: { user_id: "user_editor" },
});

const publishAs = (t: ReturnType<typeof newConvex>) =>
  t
    .withIdentity({ subject: "user_editor" })
    .mutation(fn.articles.publish, { organizationId: ORG, title: "Hello" })
    .then(
      () => "allowed",
      (e) => (isClerkSyncError(e) ? e.data.code : String(e)),
    );

describe("requirePermission decides from the role's current definition", () => {
  test("without the role stored, the membership's permissions decide; a role.updated then changes the answer both ways", async () => {
    const t = newConvex();
    expect(await feed(t, membership)).toBe("inserted");
    expect(await publishAs(t), "the membership holds create only").toBe("Forbidden");

    expect(await feed(t, role(T0 + 1, [create, publish, sysPermission]))).toBe("inserted");
    expect(await publishAs(t), "the role now holds publish; no membership event came").toBe("allowed");

    expect(await feed(t, role(T0 + 2, [create]))).toBe("updated");
    expect(await publishAs(t), "publish taken away from the role").toBe("Forbidden");
    expect(await feed(t, role(T0 + 1, [create, publish])), "an older definition is stale").toBe("stale");
    expect(await publishAs(t)).toBe("Forbidden");
  });

  test("Clerk's system permissions are kept like any other; permission.deleted removes one from every role, for good", async () => {
    const t = newConvex();
    await feed(t, membership);
    await feed(t, role(T0 + 1, [create, publish, sysPermission]));
    await feed(t, clerkEvent("role.created", { ...payloads["role.created"].data, id: "role_other", key: "org:other", permissions: [publish] }));
    const stored = await t.run(async (ctx) => (await ctx.db.query("roles").collect()).map((r) => [r.key, r.permissions.map((p) => p.key)]));
    expect(stored).toEqual([
      ["org:editor", ["org:posts:create", "org:posts:publish", "org:sys_memberships:manage"]],
      ["org:other", ["org:posts:publish"]],
    ]);
    expect(await feed(t, clerkEvent("permission.deleted", { object: "permission", id: "perm_publish", deleted: true }))).toBe("deleted");
    expect(await publishAs(t)).toBe("Forbidden");
    const after = await t.run(async (ctx) => (await ctx.db.query("roles").collect()).map((r) => r.permissions.map((p) => p.id)));
    expect(after).toEqual([["perm_create", "perm_sys_manage"], []]);
    // A late copy of the role, even newer, does not bring the deleted permission back.
    expect(await feed(t, role(T0 + 5, [create, publish]))).toBe("updated");
    expect(await publishAs(t)).toBe("Forbidden");
  });

  test("after role.deleted, the membership's own permissions decide again", async () => {
    const t = newConvex();
    await feed(t, { ...membership, data: { ...membership.data, permissions: ["org:posts:publish"] } });
    await feed(t, role(T0 + 1, [create]));
    expect(await publishAs(t)).toBe("Forbidden");
    expect(await feed(t, clerkEvent("role.deleted", { object: "role", id: payloads["role.created"].data.id, slug: null }))).toBe("deleted");
    expect(await publishAs(t)).toBe("allowed");
  });
});

describe("orgQuery and orgMutation (the /helpers entry point)", () => {
  test("put the membership into ctx; refuse a non-member, a signed-out caller and a missing role", async () => {
    const t = newConvex();
    await feed(t, membership);
    const asEditor = t.withIdentity({ subject: "user_editor" });
    expect(await asEditor.query(fn.articles.whoAmI, { organizationId: ORG })).toEqual({
      organizationId: ORG,
      role: "org:editor",
      userId: "user_editor",
    });
    await expect(asEditor.query(fn.articles.adminOnly, { organizationId: ORG })).rejects.toMatchObject({ data: { code: "Forbidden" } });
    await expect(t.withIdentity({ subject: "user_other" }).query(fn.articles.whoAmI, { organizationId: ORG })).rejects.toMatchObject({
      data: { code: "NotAMember" },
    });
    await expect(t.query(fn.articles.whoAmI, { organizationId: ORG })).rejects.toMatchObject({ data: { code: "NotSignedIn" } });
  });
});

describe("currentStatus tells signed out, not yet synced, deleted and synced apart", () => {
  test("each state", async () => {
    const t = newConvex();
    const status = (subject?: string) => (subject ? t.withIdentity({ subject }) : t).query(fn.users.currentStatus, {});
    expect(await status()).toEqual({ status: "signedOut" });
    expect(await status("user_new")).toEqual({ status: "notSynced", userId: "user_new" });
    await t.mutation(fn.users.upsertFromClerk, { user: { id: "user_new", updated_at: T0, first_name: "Ada" } });
    expect(await status("user_new")).toMatchObject({ status: "synced", userId: "user_new", user: { externalId: "user_new", name: "Ada" } });
    await t.mutation(fn.users.deleteFromClerk, { userId: "user_new" });
    expect(await status("user_new")).toEqual({ status: "deleted", userId: "user_new" });
    // current cannot tell the first two apart: null for both.
    expect(await t.query(fn.users.current, {})).toBeNull();
    expect(await t.withIdentity({ subject: "user_other" }).query(fn.users.current, {})).toBeNull();
  });
});
