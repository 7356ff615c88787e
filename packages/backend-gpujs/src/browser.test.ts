import { fileURLToPath } from "node:url";
import { MODES, casesFor, composites } from "@lintra/conformance";
import { runInChromium, runsInChromium } from "@lintra/conformance/browser";
import { firstOrderPrimitives } from "@lintra/core-ir";
import { beforeAll, describe, expect, it } from "vitest";
import type { PageResult } from "../test/browser/entry.js";
import { gpujsBackend } from "./index.js";

// The conformance cases in Debian's Chromium, headless, on WebGL2 (SwiftShader): lintra and
// this backend bundled into a page by @lintra/conformance/browser (esbuild, served from
// 127.0.0.1, driven by playwright-core). One vitest case per conformance case reports what
// the page found.

const run = runsInChromium("@lintra/backend-gpujs") ? describe : describe.skip;

run("conformance: gpujs in headless Chromium (WebGL2)", () => {
  let page: PageResult;

  beforeAll(async () => {
    const entry = fileURLToPath(new URL("../test/browser/entry.ts", import.meta.url));
    page = await runInChromium<PageResult>(entry, { title: "lintra gpujs conformance" });
  }, 900_000);

  it("runs on WebGL2 in the browser, on SwiftShader (and on WebGL 1 when asked)", () => {
    expect(page.webgl2).toBe(true);
    expect(page.mode).toBe("webgl2");
    expect(page.webglMode).toBe("webgl");
    expect(page.renderer).toMatch(/SwiftShader/i);
  });

  const gradients = composites.flatMap((c) => MODES.map((mode) => `${mode} ${c.name} float32`));
  const names = [
    ...firstOrderPrimitives().flatMap((def) => gpujsBackend.dtypes.flatMap((d) => casesFor(def.name, d)).map((c) => c.name)),
    ...gradients,
    ...gradients.map((name) => `webgl: ${name}`),
  ];
  for (const name of names) {
    it(name, () => {
      expect(page.results[name], "the page ran this case").toBeDefined();
      expect(page.results[name]).toEqual([]);
    });
  }
});
