import type { AuthConfig } from "convex/server";

// Lets Convex accept Clerk session tokens made with the "convex" JWT template.
// CLERK_JWT_ISSUER_DOMAIN is the Frontend API URL (https://<slug>.clerk.accounts.dev).
export default {
  providers: [
    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
  ],
} satisfies AuthConfig;
