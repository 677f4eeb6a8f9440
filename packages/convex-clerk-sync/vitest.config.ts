import { defineConfig } from "vitest/config";

// As convex-test documents: Convex functions run in an edge-like runtime,
// and convex-test must be inlined so it shares vitest's module graph.
export default defineConfig({
  test: {
    environment: "edge-runtime",
    // scripts/kit-consumer.test.ts runs in the packaging test's scratch app, not here.
    include: ["test/**/*.test.ts"],
    // Full batches under the transaction limits take about a second alone and
    // several on a busy 2-core machine: vitest's 5 s default made them flaky.
    testTimeout: 30_000,
    server: { deps: { inline: ["convex-test"] } },
  },
});
