import { mkdirSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Bundle, bundleForBrowser } from "../src/bundle.js";
import { runInPage, runsInChromium } from "../src/chromium.js";
import { exec } from "../src/exec.js";
import { type Installation, packAndInstall, runScript } from "../src/install.js";
import { tscPath } from "../src/tools.js";
import { tarballEntries, tarballFile } from "../src/workspace.js";

/** d/dx Σ x sin x = x cos x + sin x at x = 1, 2, 3. */
const EXPECTED = [1, 2, 3].map((x) => x * Math.cos(x) + Math.sin(x));
const FLOAT32 = { rtol: 1e-5, atol: 1e-6 };

let installed: Installation;

beforeAll(async () => {
  installed = await packAndInstall();
}, 600_000);

afterAll(() => installed?.remove(), 300_000);

test("tarballs hold no tests, benchmarks or test helpers", async () => {
  for (const tarball of installed.tarballs) {
    const entries = await tarballEntries(tarball);
    expect(entries, basename(tarball)).toContain("package/package.json");
    expect(entries.some((e) => e.startsWith("package/dist/")), basename(tarball)).toBe(true);
    expect(entries.filter((e) => /\.(test|bench)\.(d\.)?[cm]?[jt]s(\.map)?$|^package\/test\//.test(e)), basename(tarball)).toEqual([]);
  }
});

test("tarballs' package.json: license, repository, engines, no workspace: ranges", async () => {
  for (const tarball of installed.tarballs) {
    const text = await tarballFile(tarball, "package/package.json");
    const manifest = JSON.parse(text) as { name: string; license?: string; repository?: { url?: string; directory?: string }; engines?: { node?: string } };
    expect(manifest.license, manifest.name).toBe("MIT");
    expect(manifest.repository, manifest.name).toMatchObject({ type: "git", url: "https://github.com/lintra-ad/lintra.git", directory: expect.stringMatching(/^packages\//) });
    expect(manifest.engines, manifest.name).toEqual({ node: ">=20" });
    expect(text, manifest.name).not.toContain("workspace:");
  }
});

test("Node ESM: import { grad, np } from 'lintra' (and 'lintra/wasm', with the same exports)", async () => {
  const main = (await runScript(installed.app, "esm.mjs")) as { selected: string; backends: string[]; grad: Record<string, number[]> };
  expect(main.selected).toBe("wasm");
  expect(main.backends).toEqual(expect.arrayContaining(["cpu", "wasm"]));
  expect(main.grad.wasm).toBeAllclose(EXPECTED, FLOAT32);
  expect(main.grad.cpu).toBeAllclose(EXPECTED, FLOAT32);

  const wasmOnly = (await runScript(installed.app, "esm-wasm.mjs")) as { selected: string; backends: string[]; grad: number[] };
  expect(wasmOnly.selected).toBe("wasm");
  expect(wasmOnly.backends).toEqual(["wasm"]);
  expect(wasmOnly.grad).toBeAllclose(EXPECTED, FLOAT32);

  const exports = (await runScript(installed.app, "exports.mjs")) as { main: string[]; wasm: string[] };
  expect(exports.wasm, "packages/lintra/src/wasm.ts exports what index.ts does").toEqual(exports.main);
});

test("Node CommonJS: require('lintra') through require(esm)", async () => {
  const out = (await runScript(installed.app, "cjs.cjs")) as { selected: string; grad: number[]; wasmEntry: string };
  expect(out.selected).toBe("wasm");
  expect(out.grad).toBeAllclose(EXPECTED, FLOAT32);
  expect(out.wasmEntry).toBe("function");
});

test("tsc --strict with module nodenext and no custom conditions: types from dist/*.d.ts", async () => {
  const listed = await exec(process.execPath, [tscPath(), "-p", "tsconfig.json", "--listFilesOnly"], { cwd: installed.app });
  const lintraFiles = listed.split("\n").filter((f) => f.includes("/node_modules/lintra/") || f.includes("/node_modules/@lintra/"));
  expect(lintraFiles.length).toBeGreaterThan(0);
  expect(lintraFiles.filter((f) => !f.endsWith(".d.ts"))).toEqual([]);
  await exec(process.execPath, [tscPath(), "-p", "tsconfig.json"], { cwd: installed.app });
});

const RESULTS = new URL("../.test-results/", import.meta.url);
const sizes: Record<string, { minifiedBytes: number; gzipBytes: number }> = {};

function record(name: string, bundle: Bundle): void {
  sizes[name] = { minifiedBytes: bundle.minifiedBytes, gzipBytes: bundle.gzipBytes };
  console.log(`${name}: ${bundle.minifiedBytes} bytes minified, ${bundle.gzipBytes} bytes gzipped (level 9)`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(new URL("bundle-size.json", RESULTS), `${JSON.stringify(sizes, null, 2)}\n`);
}

const fromBackendCpu = (inputs: readonly string[]) => inputs.filter((p) => p.includes("node_modules/@lintra/backend-cpu/"));

test.runIf(runsInChromium())("browser: an esbuild bundle of 'lintra' in headless Chromium, on the wasm backend", async () => {
  const bundle = await bundleForBrowser(installed.app, "browser-main.js");
  record("lintra", bundle);
  expect(bundle.inputs.filter((p) => p.includes("/src/") || p.endsWith(".ts"))).toEqual([]);
  expect(fromBackendCpu(bundle.inputs).length).toBeGreaterThan(0);
  expect(bundle.text).toContain('name:"cpu"');
  const out = (await runInPage(bundle.text)) as { selected: string; backends: string[]; grad: number[] };
  expect(out.selected).toBe("wasm");
  expect(out.backends).toEqual(expect.arrayContaining(["cpu", "wasm"]));
  expect(out.grad).toBeAllclose(EXPECTED, FLOAT32);
});

test.runIf(runsInChromium())("browser: a bundle of 'lintra/wasm' leaves backend-cpu out and runs", async () => {
  const bundle = await bundleForBrowser(installed.app, "browser-wasm.js");
  record("lintra/wasm", bundle);
  expect(fromBackendCpu(bundle.inputs)).toEqual([]);
  expect(bundle.text).not.toContain('name:"cpu"');
  const out = (await runInPage(bundle.text)) as { selected: string; backends: string[]; grad: number[] };
  expect(out).toMatchObject({ selected: "wasm", backends: ["wasm"] });
  expect(out.grad).toBeAllclose(EXPECTED, FLOAT32);
});
