import { fileURLToPath } from "node:url";
import { casesFor } from "@lintra/conformance";
import { runInChromium, runsInChromium } from "@lintra/conformance/browser";
import { firstOrderPrimitives } from "@lintra/core-ir";
import { beforeAll, describe, expect, it } from "vitest";
import type { PageResult } from "../test/browser/entry.js";
import { wasmBackend } from "./index.js";

// Every primitive case of the conformance suite on the wasm backend in Debian's Chromium,
// headless, compared with backend-cpu in the same page: lintra and this backend bundled by
// @lintra/conformance/browser (esbuild, served from 127.0.0.1, driven by playwright-core).
// One vitest case per conformance case reports what the page found.

const run = runsInChromium("@lintra/backend-wasm") ? describe : describe.skip;

run("conformance: wasm in headless Chromium", () => {
  let page: PageResult;

  beforeAll(async () => {
    const entry = fileURLToPath(new URL("../test/browser/entry.ts", import.meta.url));
    page = await runInChromium<PageResult>(entry, { title: "lintra wasm conformance" });
  }, 900_000);

  it("ran in Chromium, with WebAssembly SIMD kernels", () => {
    expect(page.userAgent).toContain("Chrome");
    expect(page.simdSupported).toBe(true);
    expect(page.compiledKernels).toBeGreaterThan(100);
    expect(page.modules).toBeGreaterThanOrEqual(page.compiledKernels);
    // Most kernels have a SIMD loop (elementwise, reductions, copies); some are scalar only.
    expect(page.simdModules).toBeGreaterThan(page.modules / 3);
  });

  const names = firstOrderPrimitives().flatMap((def) => wasmBackend.dtypes.flatMap((d) => casesFor(def.name, d)).map((c) => c.name));
  for (const name of names) {
    it(name, () => {
      expect(page.results[name], "the page ran this case").toBeDefined();
      expect(page.results[name]).toEqual([]);
    });
  }
});
