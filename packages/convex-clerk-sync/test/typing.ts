// Compile-time checks, run by `npm run typecheck`: tsc fails on an unused
// expect-error directive, so each marked line below must stay an error (issue
// 22's typing findings). Nothing here runs.
import { queryGeneric, type GenericQueryCtx } from "convex/server";
import { clerkSync, type ClerkHooks, type MapperResult, type OrganizationDoc, type OrganizationFields, type UserDoc } from "../src/index.js";
import type { DataModel } from "./app/schema";

// Table names given once, as a const object; its type goes to clerkSync.
const names = { users: "people", deletedUsers: "formerPeople" } as const;
type Role = "org:admin" | "org:member";
type Permission = "org:posts:publish" | "org:sys_memberships:manage";
const sync = clerkSync<DataModel, Role, Permission, typeof names>({
  tables: names,
  map: { user: (_clerk, fields) => ({ ...fields, plan: undefined }) },
  hooks: {
    // A renamed table keeps the app's document type: `plan` is the app's own field of `people`.
    "user.created": async (_ctx, person) => {
      const plan: string | undefined = person.plan;
      void plan;
    },
  },
});

export const check = queryGeneric({
  args: {},
  handler: async (ctx: GenericQueryCtx<DataModel>) => {
    const person = await sync.getCurrentUserOrThrow(ctx);
    const locale: string | undefined = person.locale; // the app's field, through the renamed table
    void locale;
    await sync.requireRole(ctx, "org_1", ["org:admin", "org:member"]);
    // @ts-expect-error a role typo
    await sync.requireRole(ctx, "org_1", "org:admn");
    await sync.requirePermission(ctx, "org_1", "org:posts:publish");
    // @ts-expect-error a permission the app does not have
    await sync.requirePermission(ctx, "org_1", "org:posts:pubilsh");
    return null;
  },
});

// The document type follows the names too.
type Person = UserDoc<DataModel, typeof names>;
export const planOf = (p: Person): string | undefined => p.plan;
export const hooks: ClerkHooks<DataModel, typeof names> = { "user.deleted": (_ctx, p) => void p.plan };

// @ts-expect-error a table-name typo: not a table of the schema
clerkSync<DataModel>({ tables: { users: "peple" } });

clerkSync<DataModel>({
  tables: { users: "people" },
  map: {
    // @ts-expect-error a mapper returning a field the table does not have (annotated with MapperResult)
    organization: (_clerk, fields): MapperResult<OrganizationFields, OrganizationDoc<DataModel>> => ({ ...fields, nmae: "typo" }),
  },
});
clerkSync<DataModel>({
  // @ts-expect-error a mapper returning a known field with the wrong type
  map: { organization: (_clerk, fields) => ({ ...fields, slug: 42 }) },
});
