// App functions of one organization, on the /helpers builders (convex-helpers' customQuery/customMutation).
import { mutationGeneric, queryGeneric, type MutationBuilder, type QueryBuilder } from "convex/server";
import { v } from "convex/values";
import { orgMutation, orgQuery } from "../../src/helpers.js";
import type { DataModel } from "./schema";
import { sync } from "./sync";

const memberQuery = orgQuery(queryGeneric as QueryBuilder<DataModel, "public">, sync);
const memberMutation = orgMutation(mutationGeneric as MutationBuilder<DataModel, "public">, sync);

/** Any member: the membership is in ctx. */
export const whoAmI = memberQuery({
  args: {},
  handler: async (ctx, { organizationId }) => ({ organizationId, role: ctx.membership.role, userId: ctx.membership.userId }),
});

/** Only with the permission (decided by the role's current definition when stored). */
export const publish = memberMutation({
  args: { title: v.string() },
  permission: "org:posts:publish",
  handler: async (ctx, { organizationId, title }) => {
    await ctx.db.insert("hookCalls", { hook: `published ${title}`, externalId: organizationId });
    return ctx.membership.externalId;
  },
});

/** Only admins. */
export const adminOnly = memberQuery({ args: {}, role: ["org:admin"], handler: async (ctx) => ctx.membership.role });
