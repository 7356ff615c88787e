import { defineConfig } from "vitest/config";

/** Shared per-package vitest config: resolve workspace packages to their TypeScript source. */
export function packageConfig(name: string, { testTimeout = 60_000 }: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: { conditions: ["@lintra/source"] },
    ssr: { resolve: { conditions: ["@lintra/source"] } },
    test: {
      name,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout,
      // Setup and teardown (packing, deleting installed trees) run slowly when turbo runs every package at once.
      hookTimeout: 120_000,
      // A package whose tests are not written yet still reports (0 tests) instead of failing.
      passWithNoTests: true,
      setupFiles: [new URL("./vitest.setup.ts", import.meta.url).pathname],
      // scripts/test-summary.mjs adds up these reports; turbo caches them (turbo.json outputs).
      reporters: ["default", "json"],
      outputFile: { json: ".test-results/results.json" },
    },
  });
}
