import { defineConfig } from "vitest/config";

// As convex-test documents: Convex functions run in an edge-like runtime,
// and convex-test must be inlined so it shares vitest's module graph.
export default defineConfig({
  test: {
    environment: "edge-runtime",
    server: { deps: { inline: ["convex-test"] } },
  },
});
