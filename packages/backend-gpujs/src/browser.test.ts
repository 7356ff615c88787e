import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MODES, casesFor, composites } from "@lintra/conformance";
import { primitives } from "@lintra/core-ir";
import { build } from "esbuild";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PageResult } from "../test/browser/entry.js";
import { gpujsBackend } from "./index.js";

// The conformance cases in Debian's Chromium, headless, on WebGL2 (SwiftShader): lintra and
// this backend bundled by esbuild into a page served from 127.0.0.1, driven by
// playwright-core. One vitest case per conformance case reports what the page found.

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const available = existsSync(CHROMIUM);
if (!available && !process.env.CI) {
  console.warn(`\n*** @lintra/backend-gpujs: ${CHROMIUM} is missing, so the browser tests are SKIPPED (apt-get install chromium). ***\n`);
}

async function bundle(): Promise<string> {
  const entry = fileURLToPath(new URL("../test/browser/entry.ts", import.meta.url));
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@lintra/source"],
    // The suite's vitest registration is not imported by the page; the bundler must not follow it.
    external: ["vitest"],
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

/** Serve the page and its script from 127.0.0.1 on a free port. */
async function serve(script: string): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><meta charset="utf-8"><title>lintra gpujs conformance</title><script type="module" src="/entry.js"></script>`;
  const server = createServer((req, res) => {
    const js = req.url === "/entry.js";
    res.writeHead(req.url === "/" || js ? 200 : 404, { "content-type": js ? "text/javascript" : "text/html" });
    res.end(js ? script : req.url === "/" ? html : "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

const run = available || process.env.CI ? describe : describe.skip;

run("conformance: gpujs in headless Chromium (WebGL2)", () => {
  let page: PageResult;
  let browser: BrowserContext | undefined;
  let server: Server | undefined;
  const profile = mkdtempSync(join(tmpdir(), "lintra-chromium-"));

  beforeAll(async () => {
    const served = await serve(await bundle());
    server = served.server;
    // A fresh profile directory each run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: FLAGS });
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on("pageerror", (e) => errors.push(e.message));
    await tab.goto(served.url);
    await tab.waitForFunction(() => "conformance" in window, undefined, { timeout: 30_000 }).catch(() => {
      throw new Error(`the page did not load its script: ${errors.join("; ") || "no error reported"}`);
    });
    page = await tab.evaluate(() => (window as unknown as { conformance: () => Promise<PageResult> }).conformance());
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(profile, { recursive: true, force: true });
  });

  it("runs on WebGL2 in the browser, on SwiftShader (and on WebGL 1 when asked)", () => {
    expect(page.webgl2).toBe(true);
    expect(page.mode).toBe("webgl2");
    expect(page.webglMode).toBe("webgl");
    expect(page.renderer).toMatch(/SwiftShader/i);
  });

  const gradients = composites.flatMap((c) => MODES.map((mode) => `${mode} ${c.name} float32`));
  const names = [
    ...primitives().flatMap((def) => gpujsBackend.dtypes.flatMap((d) => casesFor(def.name, d)).map((c) => c.name)),
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
