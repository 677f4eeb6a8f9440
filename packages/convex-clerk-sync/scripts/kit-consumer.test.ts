// Copied by pack-test.sh into the scratch app (a copy of the example app with
// the packed package installed): a test written only against the /test kit, as
// an app's author would write one.
import { convexTest } from "convex-test";
import { expect, test } from "vitest";
import { clerkEvent, feed, feedAll, payloads } from "@clerk-convex-sync/convex/test";
import { api, internal } from "./_generated/api";
import schema from "./schema";

const modules = import.meta.glob(["./**/*.ts", "./**/*.js", "!./**/*.*.ts"]);

test("the kit's payloads go through the app's functions as the runtime would send them", async () => {
  const t = convexTest(schema, modules);
  expect(await feedAll(t, [payloads["user.created"], payloads["user.updated"]])).toEqual(["inserted", "updated"]);
  const userId = payloads["user.created"].data.id;
  expect(await t.query(internal.users.byExternalId, { externalId: userId })).toMatchObject({ name: "John Doe Updated" });
  expect(await t.withIdentity({ subject: userId }).query(api.users.currentStatus, {})).toMatchObject({ status: "synced" });
  expect(await feed(t, payloads["user.deleted"])).toBe("deleted");
  expect(await t.withIdentity({ subject: userId }).query(api.users.currentStatus, {})).toEqual({ status: "deleted", userId });
});

test("organizations, memberships and roles: a role.updated built from a payload applies, a permission.deleted too", async () => {
  const t = convexTest(schema, modules);
  expect(await feed(t, payloads["organizationMembership.created"])).toBe("inserted");
  expect(await feed(t, payloads["role.created"])).toBe("inserted");
  const newer = { ...payloads["role.created"].data, updated_at: payloads["role.created"].data.updated_at + 1, name: "Renamed" };
  expect(await feed(t, clerkEvent("role.updated", newer))).toBe("updated");
  expect(await feed(t, payloads["permission.deleted"])).toBe("deleted");
  expect(await feed(t, payloads["organization.deleted"])).toBe("deleted");
  expect(await feed(t, payloads["organizationMembership.updated"]), "a member of a deleted organization").toBe("deleted");
});

test("billing and invitations: a subscription entitles its payer to its plan until the canceled item's period is over; an invitation ends revoked", async () => {
  const t = convexTest(schema, modules);
  const userId = payloads["subscription.created"].data.payer.user_id;
  expect(await feed(t, payloads["subscription.created"])).toBe("inserted");
  expect(await t.query(internal.billing.entitlements, { userId })).toMatchObject({ plans: ["pro-plan"] });
  // The same item, canceled, with a period that ended in 2024.
  expect(await feed(t, payloads["subscriptionItem.canceled"])).toBe("updated");
  expect(await t.query(internal.billing.entitlements, { userId })).toEqual({ plans: [], features: [] });
  expect(await feedAll(t, [payloads["organizationInvitation.created"], payloads["organizationInvitation.revoked"]])).toEqual(["inserted", "updated"]);
});
