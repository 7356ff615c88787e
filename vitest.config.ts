import { defineConfig } from "vitest/config";

// One project per package; each package's own vitest.config.ts sets the source condition.
export default defineConfig({
  test: { projects: ["packages/*"] },
});
