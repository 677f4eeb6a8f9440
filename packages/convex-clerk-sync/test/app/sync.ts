import { clerkSync, type ClerkHooks } from "../../src/index.js";
import type { DataModel } from "./schema";

// Every hook appends a row, so a test can count calls per effective change.
const hookNames = ["user", "organization", "organizationMembership", "role"].flatMap((kind) =>
  ["created", "updated", "deleted"].map((change) => `${kind}.${change}`),
) as (keyof ClerkHooks<DataModel>)[];
const hooks: ClerkHooks<DataModel> = Object.fromEntries(
  hookNames.map((hook) => [
    hook,
    async (ctx: any, doc: { externalId: string; clerkUpdatedAt: number }, previous?: { clerkUpdatedAt: number }) => {
      if (doc.externalId === "org_hook_fails") throw new Error("the app's hook failed");
      // A cascade step that fails: the hook of one membership's removal throws.
      if (doc.externalId === "orgmem_hook_fails" && hook.endsWith(".deleted")) throw new Error("the app's hook failed");
      await ctx.db.insert("hookCalls", { hook, externalId: doc.externalId, previous: previous?.clerkUpdatedAt });
    },
  ]),
);

export const sync = clerkSync<DataModel>({
  tables: { users: "people", deletedUsers: "formerPeople" },
  map: {
    user: (clerk, fields) => {
      const metadata = clerk.public_metadata as { locale?: unknown } | null;
      return {
        ...fields,
        locale: typeof metadata?.locale === "string" ? metadata.locale : undefined,
        metadata: clerk.public_metadata ?? undefined,
      };
    },
  },
  hooks,
  cascadeStep: 2,
});
