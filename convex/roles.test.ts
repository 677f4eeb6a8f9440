// A role.updated changes what requirePermission allows, with no membership
// event (issue 22, finding 3): Clerk sends role.updated when an admin edits a
// role's permissions, and nothing per member.
import { describe, expect, test } from "vitest";
import { clerkEvent, feed, payloads } from "@clerk-convex-sync/convex/test";
import { api } from "./_generated/api";
import { newConvex, type TestConvex } from "./testing.helpers";

const roleCreated = payloads["role.created"].data; // org:content_manager: org:posts:create only
const ORG = payloads["organization.created"].data.id;
const EDITOR = "user_content_manager";
const publishPermission = payloads["role.updated"].data.permissions[1]; // org:posts:publish

async function setUp(t: TestConvex) {
  await feed(t, payloads["organization.created"]);
  // The membership's own payload carries the role's permissions as of that moment: create only.
  await feed(
    t,
    clerkEvent("organizationMembership.created", {
      ...payloads["organizationMembership.created"].data,
      id: "orgmem_content_manager",
      role: roleCreated.key,
      permissions: ["org:posts:create"],
      public_user_data: { ...payloads["organizationMembership.created"].data.public_user_data, user_id: EDITOR },
    }),
  );
  await feed(t, payloads["role.created"]);
}
const publish = (t: TestConvex) =>
  t
    .withIdentity({ subject: EDITOR })
    .mutation(api.articles.publish, { organizationId: ORG, title: "Launch" })
    .then(
      () => "published",
      (e) => e.data?.code ?? String(e),
    );

describe("the role's current definition decides", () => {
  test("role.updated adds org:posts:publish: the member may publish; another removes it: refused again", async () => {
    const t = newConvex();
    await setUp(t);
    expect(await publish(t)).toBe("Forbidden");

    const withPublish = { ...roleCreated, updated_at: roleCreated.updated_at + 1_000, permissions: [...roleCreated.permissions, publishPermission] };
    expect(await feed(t, clerkEvent("role.updated", withPublish))).toBe("updated");
    expect(await publish(t)).toBe("published");

    const without = { ...roleCreated, updated_at: roleCreated.updated_at + 2_000 };
    expect(await feed(t, clerkEvent("role.updated", without))).toBe("updated");
    expect(await publish(t)).toBe("Forbidden");
    expect(await t.run(async (ctx) => (await ctx.db.query("articles").collect()).map((a) => [a.title, a.author]))).toEqual([
      ["Launch", EDITOR],
    ]);
  });

  test("permission.deleted takes the permission from the role, and a deleted organization refuses before any permission", async () => {
    const t = newConvex();
    await setUp(t);
    await feed(t, clerkEvent("role.updated", { ...roleCreated, updated_at: roleCreated.updated_at + 1, permissions: [...roleCreated.permissions, publishPermission] }));
    expect(await publish(t)).toBe("published");
    expect(await feed(t, clerkEvent("permission.deleted", { object: "permission", id: publishPermission.id, deleted: true }))).toBe("deleted");
    expect(await publish(t)).toBe("Forbidden");
    await feed(t, clerkEvent("role.updated", { ...roleCreated, updated_at: roleCreated.updated_at + 5, permissions: [publishPermission] }));
    expect(await publish(t), "a deleted permission never comes back").toBe("Forbidden");
    await feed(t, payloads["organization.deleted"]);
    expect(await publish(t)).toBe("NotAMember");
  });
});
