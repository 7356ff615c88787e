import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Running a page in Debian's Chromium, headless: a bundle of `entryFile` (esbuild) served
 * from 127.0.0.1, driven by playwright-core. The page's script sets `window.conformance`
 * to an async function; its result comes back to Node. esbuild and playwright-core are
 * optional peer dependencies: only this module (`@lintra/conformance/browser`) needs them.
 */

export const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Whether Chromium is installed here. */
export const chromiumAvailable = existsSync(CHROMIUM);

/**
 * Whether browser tests run: where Chromium is installed, and always in CI (where a missing
 * browser must fail, not skip). Otherwise warns loudly, naming `pkg`, and returns false.
 */
export function runsInChromium(pkg: string): boolean {
  if (chromiumAvailable || process.env.CI) return true;
  console.warn(`\n*** ${pkg}: ${CHROMIUM} is missing, so the browser tests are SKIPPED (apt-get install chromium). ***\n`);
  return false;
}

export interface ChromiumOptions {
  /** The page title. */
  readonly title?: string;
  /** How long the page may take to load its script, in ms (default 30 s). */
  readonly loadTimeoutMs?: number;
  /** Extra Chromium flags. */
  readonly args?: readonly string[];
  /**
   * Serve every response with `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`, so the page and its workers are
   * cross-origin isolated (SharedArrayBuffer, a shared WebAssembly.Memory). Default off.
   * The bundle is served at `/entry.js` either way, so the page can start it again as a
   * module worker: `new Worker(import.meta.url, { type: "module" })`.
   */
  readonly crossOriginIsolated?: boolean;
}

const ISOLATION_HEADERS = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };

async function bundle(entryFile: string): Promise<string> {
  const { build } = await import("esbuild");
  const out = await build({
    entryPoints: [entryFile],
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

/** Serve the page and its script (at /entry.js) from 127.0.0.1 on a free port. */
async function serve(script: string, title: string, isolated: boolean): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="/entry.js"></script>`;
  const server = createServer((req, res) => {
    const js = req.url === "/entry.js";
    res.writeHead(req.url === "/" || js ? 200 : 404, { "content-type": js ? "text/javascript" : "text/html", ...(isolated ? ISOLATION_HEADERS : {}) });
    res.end(js ? script : req.url === "/" ? html : "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/**
 * Bundle `entryFile`, open it in headless Chromium, call the `window.conformance()` it
 * defines and return what it resolves to. Everything (server, browser, profile directory)
 * is closed again before returning.
 */
export async function runInChromium<T>(entryFile: string, options: ChromiumOptions = {}): Promise<T> {
  const { chromium } = await import("playwright-core");
  const { server, url } = await serve(await bundle(entryFile), options.title ?? "lintra conformance", options.crossOriginIsolated ?? false);
  // A fresh profile directory each run (playwright passes it as --user-data-dir).
  const profile = mkdtempSync(join(tmpdir(), "lintra-chromium-"));
  let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: [...FLAGS, ...(options.args ?? [])] });
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on("pageerror", (e) => errors.push(e.message));
    await tab.goto(url);
    await tab.waitForFunction(() => "conformance" in window, undefined, { timeout: options.loadTimeoutMs ?? 30_000 }).catch(() => {
      throw new Error(`the page did not load its script: ${errors.join("; ") || "no error reported"}`);
    });
    return (await tab.evaluate(() => (window as unknown as { conformance: () => Promise<unknown> }).conformance())) as T;
  } finally {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(profile, { recursive: true, force: true });
  }
}
