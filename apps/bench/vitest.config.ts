import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@lintra/source"] },
  ssr: { resolve: { conditions: ["@lintra/source"] } },
  test: { benchmark: { include: ["src/**/*.bench.ts"] } },
});
