// The contract between the two halves: contract/convex-requests.json holds the
// exact bodies the Java runtime POSTs to Convex: for each sample webhook
// payload (entries with "event", POST /api/mutation) and for the reconcile
// pass (entries with "reconcile", POST /api/mutation or /api/query). The
// runtime's tests check it writes them; here each body is run through the
// named internal function, so its argument validator and handler must accept
// it as the runtime sends it.
import { describe, expect, test } from "vitest";
import { internal } from "./_generated/api";
import createdDocsExample from "./fixtures/user.created.docs-example.json";
import created from "./fixtures/user.created.json";
import deleted from "./fixtures/user.deleted.json";
import updated from "./fixtures/user.updated.json";
import orgCreated from "./fixtures/organization.created.json";
import orgDeleted from "./fixtures/organization.deleted.json";
import orgUpdated from "./fixtures/organization.updated.json";
import memCreated from "./fixtures/organizationMembership.created.json";
import memDeleted from "./fixtures/organizationMembership.deleted.json";
import memUpdated from "./fixtures/organizationMembership.updated.json";
import rolesListing from "./fixtures/backend/organization_roles.json";
import permissionDeleted from "./fixtures/permission.deleted.json";
import roleCreated from "./fixtures/role.created.json";
import roleDeleted from "./fixtures/role.deleted.json";
import roleUpdated from "./fixtures/role.updated.json";
import {
  allReconciles,
  allWebhooks,
  answerShapes,
  counts,
  entries,
  functions,
  request,
  send,
  type Request,
} from "./contract.helpers";
import { newConvex, organizationSnapshot, snapshot, type TestConvex } from "./testing.helpers";

const webhooks = allWebhooks.filter((e) => e.event.startsWith("user."));
const reconciles = allReconciles.filter((e) => e.kind === "users");
const orgWebhooks = allWebhooks.filter((e) => /^organization(Membership)?\./.test(e.event));
const fnName = (request: Request) => request.path.split(":")[1];

const JOHN = created.data.id;
const EXAMPLE = createdDocsExample.data.id;

describe("contract/convex-requests.json", () => {
  test("covers the four sample payloads in order, then the two reconcile calls", () => {
    expect(webhooks.map((e) => e.event)).toEqual([
      "user.created.json",
      "user.created.docs-example.json",
      "user.updated.json",
      "user.deleted.json",
    ]);
    expect(reconciles.map((e) => e.reconcile)).toEqual(["upsertManyFromClerk", "pageExternalIds"]);
    expect(entries.filter((e) => "reconcile" in e).slice(0, 2), "the user reconcile entries come first").toEqual(reconciles);
  });

  test("every entry is one JSON-format body named by its event or reconcile call", () => {
    for (const entry of entries) {
      expect(Object.keys(entry).sort(), JSON.stringify(entry).slice(0, 80)).toSatisfy(
        (keys: string[]) => ["event,request", "kind,reconcile,request", "kind,listing,reconcile,request"].includes(keys.join(",")),
      );
      expect(Object.keys(entry.request).sort()).toEqual(["args", "format", "path"]);
      expect(entry.request.format).toBe("json");
    }
  });

  test("sends each event's data unchanged: the user object, or the deleted id", () => {
    const payloads = [created, createdDocsExample, updated];
    payloads.forEach((payload, i) => {
      expect(webhooks[i].request).toEqual({
        path: "users:upsertFromClerk",
        args: { user: payload.data },
        format: "json",
      });
    });
    expect(webhooks[3].request).toEqual({
      path: "users:deleteFromClerk",
      args: { userId: deleted.data.id },
      format: "json",
    });
  });

  test("every entry's path is a function of this app, so no entry is skipped by the tests below", () => {
    expect(entries.map((e) => e.request.path).filter((path) => !(path in functions))).toEqual([]);
  });

  test.each(allWebhooks.map((e) => [e.event, e]))("%s is accepted on its own", async (_, { request }) => {
    const t = newConvex();
    await expect(send(t, request)).resolves.toMatch(/^(inserted|absent)$/);
  });

  test("the bodies in order leave the state the events describe", async () => {
    const t = newConvex();
    const outcomes = [];
    for (const { request } of webhooks) outcomes.push(await send(t, request));
    expect(outcomes).toEqual(["inserted", "inserted", "updated", "deleted"]);

    expect(await snapshot(t)).toEqual({
      users: [
        {
          externalId: EXAMPLE,
          email: "example@example.org",
          name: "Example Example",
          imageUrl: "https://img.clerk.com/xxxxxx",
          clerkUpdatedAt: 1654012591835,
        },
      ],
      deletedUsers: [JOHN],
    });
  });

  test("user.updated's body overwrites user.created's", async () => {
    const t = newConvex();
    await send(t, webhooks[0].request);
    await send(t, webhooks[2].request);
    expect(await t.query(internal.users.byExternalId, { externalId: JOHN })).toMatchObject({
      name: "John Doe Updated",
      imageUrl: "https://img.clerk.com/yyyyy",
      clerkUpdatedAt: 1716883500000,
    });
  });

  // Shows the validators are enforced here, so the tests above mean something.
  test.each([
    ["the official guide's argument name", "users:upsertFromClerk", { data: created.data }],
    ["a numeric user id", "users:deleteFromClerk", { userId: 42 }],
    ["an extra argument", "users:deleteFromClerk", { userId: JOHN, clerkUserId: JOHN }],
    ["one user instead of a list", "users:upsertManyFromClerk", { users: created.data }],
    ["pagination without numItems", "users:pageExternalIds", { paginationOpts: { cursor: null } }],
  ])("a body with %s is rejected", async (_, path, args) => {
    const t = newConvex();
    await expect(send(t, { path, args, format: "json" })).rejects.toThrow(/Validator error/);
  });
});

describe("contract/convex-requests.json, reconcile calls", () => {
  test("upsertManyFromClerk sends both user.created samples' data unchanged; pageExternalIds asks for the first page", () => {
    expect(reconciles[0].request).toEqual({
      path: "users:upsertManyFromClerk",
      args: { users: [created.data, createdDocsExample.data] },
      format: "json",
    });
    expect(reconciles[1].request).toEqual({
      path: "users:pageExternalIds",
      args: { paginationOpts: { numItems: 100, cursor: null } },
      format: "json",
    });
  });

  test.each(allReconciles.map((e) => [`${e.kind} ${e.reconcile}`, e]))(
    "%s is accepted on its own and answers its shape",
    async (_, { request }) => {
      const t = newConvex();
      const answer = await send(t, request);
      expect(answer).toEqual(answerShapes[fnName(request)]);
      if (fnName(request) === "upsertManyFromClerk") {
        const [sent] = Object.values(request.args) as unknown[][];
        expect(answer, "a fresh deployment inserts the whole page").toEqual(counts({ inserted: sent.length }));
      }
    },
  );

  test("on an empty deployment: both users inserted, then listed on one page; a second pass is all unchanged", async () => {
    const t = newConvex();
    const [upsertMany, pageIds] = reconciles.map((e) => e.request);
    expect(await send(t, upsertMany)).toEqual(counts({ inserted: 2 }));
    const page = (await send(t, pageIds)) as { page: string[] };
    expect(page).toEqual({ page: expect.any(Array), isDone: true, continueCursor: expect.any(String) });
    expect(page.page.sort()).toEqual([JOHN, EXAMPLE].sort());
    expect(await send(t, upsertMany)).toEqual(counts({ unchanged: 2 }));
  });

  test("after the webhook bodies: the deleted user stays deleted and is not listed", async () => {
    const t = newConvex();
    for (const { request } of webhooks) await send(t, request);
    const [upsertMany, pageIds] = reconciles.map((e) => e.request);
    expect(await send(t, upsertMany)).toEqual(counts({ unchanged: 1, deleted: 1 }));
    expect(await send(t, pageIds)).toEqual({ page: [EXAMPLE], isDone: true, continueCursor: expect.any(String) });
    expect((await snapshot(t)).deletedUsers).toEqual([JOHN]);
  });
});

describe("contract/convex-requests.json, organizations and memberships", () => {
  test("covers the six organization and membership samples, and reconcile per kind", () => {
    expect(orgWebhooks.map((e) => e.event)).toEqual([
      "organization.created.json",
      "organization.updated.json",
      "organization.deleted.json",
      "organizationMembership.created.json",
      "organizationMembership.updated.json",
      "organizationMembership.deleted.json",
    ]);
    expect(allReconciles.slice(0, 6).map((e) => `${e.kind} ${e.reconcile}`)).toEqual([
      "users upsertManyFromClerk",
      "users pageExternalIds",
      "organizations upsertManyFromClerk",
      "organizations pageExternalIds",
      "memberships upsertManyFromClerk",
      "memberships pageExternalIds",
    ]);
  });

  test("sends each event's data unchanged: the organization, its id, or the membership", () => {
    expect(orgWebhooks.map((e) => e.request)).toEqual([
      request("organizations:upsertFromClerk", { organization: orgCreated.data }),
      request("organizations:upsertFromClerk", { organization: orgUpdated.data }),
      request("organizations:deleteFromClerk", { organizationId: orgDeleted.data.id }),
      request("memberships:upsertFromClerk", { membership: memCreated.data }),
      request("memberships:upsertFromClerk", { membership: memUpdated.data }),
      request("memberships:deleteFromClerk", { membership: memDeleted.data }),
    ]);
  });

  test("the membership bodies leave the members Clerk describes, with the organization from the newest nested copy", async () => {
    const t = newConvex();
    const [created, updated, , memberCreated, memberUpdated, memberDeleted] = orgWebhooks.map((e) => e.request);
    const outcomes = [];
    for (const request of [created, updated, memberCreated, memberUpdated]) outcomes.push(await send(t, request));
    expect(outcomes).toEqual(["inserted", "updated", "inserted", "inserted"]);
    const state = await organizationSnapshot(t);
    expect(state.organizations).toEqual([
      { externalId: orgCreated.data.id, name: "Acme Inc", slug: "acme-inc", imageUrl: "https://img.clerk.com/xxxxxx", clerkUpdatedAt: memUpdated.data.organization.updated_at },
    ]);
    expect(state.memberships.map((m) => [m.externalId, m.userId, m.role]).sort()).toEqual([
      [memCreated.data.id, memCreated.data.public_user_data.user_id, "admin"],
      [memUpdated.data.id, memUpdated.data.public_user_data.user_id, "basic_member"],
    ]);
    // Its updated_at is older than the update's: a delete is not ordered by it.
    expect(await send(t, memberDeleted)).toBe("deleted");
    expect((await organizationSnapshot(t)).memberships.map((m) => m.externalId)).toEqual([memCreated.data.id]);
  });

  test("the bodies in order end with the organization, its members and the deleted membership tombstoned", async () => {
    const t = newConvex();
    const outcomes = [];
    for (const { request } of orgWebhooks) outcomes.push(await send(t, request));
    expect(outcomes).toEqual(["inserted", "updated", "deleted", "deleted", "deleted", "absent"]);
    expect(await organizationSnapshot(t)).toEqual({
      organizations: [],
      memberships: [],
      workspaces: [],
      deletedOrganizations: [orgCreated.data.id],
      deletedMemberships: [memDeleted.data.id],
    });
  });

  test("membership reconcile: the page's members are listed as {id, organizationId, userId}; a second pass is all unchanged", async () => {
    const t = newConvex();
    const upsertMany = allReconciles.find((e) => e.kind === "memberships" && e.reconcile === "upsertManyFromClerk")!.request;
    const pageIds = allReconciles.find((e) => e.kind === "memberships" && e.reconcile === "pageExternalIds")!.request;
    await send(t, upsertMany);
    const listed = (await send(t, pageIds)) as { page: unknown[] };
    const sent = upsertMany.args.memberships as { id: string; organization: { id: string }; public_user_data: { user_id: string } }[];
    expect(listed.page).toEqual(
      expect.arrayContaining(sent.map((m) => ({ id: m.id, organizationId: m.organization.id, userId: m.public_user_data.user_id }))),
    );
    expect(listed.page).toHaveLength(sent.length);
    expect(await send(t, upsertMany)).toEqual(counts({ unchanged: 2 }));
  });

  // Shows the validators are enforced for these functions too.
  test.each([
    ["the organization under another name", "organizations:upsertFromClerk", { data: orgCreated.data }],
    ["a numeric organization id", "organizations:deleteFromClerk", { organizationId: 42 }],
    ["a membership id instead of the membership", "memberships:deleteFromClerk", { membershipId: memDeleted.data.id }],
    ["one membership instead of a list", "memberships:upsertManyFromClerk", { memberships: memCreated.data }],
  ])("a body with %s is rejected", async (_, path, args) => {
    const t = newConvex();
    await expect(send(t, { path, args, format: "json" })).rejects.toThrow(/Validator error/);
  });
});

describe("contract/convex-requests.json, roles and permissions", () => {
  const roleWebhooks = allWebhooks.filter((e) => /^(role|permission)\./.test(e.event));
  const roleReconciles = allReconciles.filter((e) => e.kind === "roles");
  const storedRoles = (t: TestConvex) =>
    t.run(async (ctx) => (await ctx.db.query("roles").collect()).map(({ _id, _creationTime, ...role }) => role));

  test("covers role.created, .updated, .deleted and permission.deleted, each event's data unchanged or its id", () => {
    expect(roleWebhooks.map((e) => e.request)).toEqual([
      request("roles:upsertFromClerk", { role: roleCreated.data }),
      request("roles:upsertFromClerk", { role: roleUpdated.data }),
      request("roles:deleteFromClerk", { roleId: roleDeleted.data.id }),
      request("roles:removePermissionFromClerk", { permissionId: permissionDeleted.data.id }),
    ]);
  });

  test("the bodies in order: the role inserted with its permissions' ids and keys, updated, then deleted for good", async () => {
    const t = newConvex();
    const [created, updated, deleted, permissionGone] = roleWebhooks.map((e) => e.request);
    expect(await send(t, created)).toBe("inserted");
    expect(await send(t, updated)).toBe("updated");
    expect(await storedRoles(t)).toEqual([
      {
        externalId: roleUpdated.data.id,
        key: "editor",
        name: "Editor",
        permissions: roleUpdated.data.permissions.map((p) => ({ id: p.id, key: p.key })),
        clerkUpdatedAt: roleUpdated.data.updated_at,
      },
    ]);
    // permission.deleted names perm_...0S, which the updated role holds as org:posts:edit.
    expect(await send(t, permissionGone)).toBe("deleted");
    expect((await storedRoles(t))[0].permissions).toEqual([{ id: "perm_2g7np7Hrk0SN6kj5EDMLDaKNL0T", key: "org:posts:publish" }]);
    expect(await send(t, updated), "a late role.updated does not bring the permission back").toBe("unchanged");
    expect(await send(t, deleted)).toBe("deleted");
    expect(await send(t, created)).toBe("deleted");
    expect(await storedRoles(t)).toEqual([]);
  });

  test("reconcile: upsertManyFromClerk sends the listing's data; the sweep pages role ids; deleteFromClerk removes one", async () => {
    const [upsertMany, pageIds, deleteOne] = ["upsertManyFromClerk", "pageExternalIds", "deleteFromClerk"].map(
      (r) => roleReconciles.find((e) => e.reconcile === r)!,
    );
    expect(upsertMany.listing).toBe("backend/organization_roles.json");
    expect(upsertMany.request).toEqual(request("roles:upsertManyFromClerk", { roles: rolesListing.data }));
    const t = newConvex();
    expect(await send(t, upsertMany.request)).toEqual(counts({ inserted: 2 }));
    expect(await send(t, upsertMany.request)).toEqual(counts({ unchanged: 2 }));
    const listed = (await send(t, pageIds.request)) as { page: string[] };
    expect(listed.page.sort()).toEqual(rolesListing.data.map((r) => r.id).sort());
    const roleId = deleteOne.request.args.roleId as string;
    expect(rolesListing.data.map((r) => r.id)).toContain(roleId);
    expect(await send(t, deleteOne.request)).toBe("deleted");
    expect(((await send(t, pageIds.request)) as { page: string[] }).page).not.toContain(roleId);
  });

  test.each([
    ["the role under another name", "roles:upsertFromClerk", { data: roleCreated.data }],
    ["a numeric role id", "roles:deleteFromClerk", { roleId: 42 }],
    ["the permission instead of its id", "roles:removePermissionFromClerk", { permission: permissionDeleted.data }],
    ["one role instead of a list", "roles:upsertManyFromClerk", { roles: roleCreated.data }],
  ])("a body with %s is rejected", async (_, path, args) => {
    const t = newConvex();
    await expect(send(t, { path, args, format: "json" })).rejects.toThrow(/Validator error/);
  });
});
