import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { playwright } from "./tools.js";

export const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Whether the browser test runs: where Chromium is installed, and always in CI. */
export function runsInChromium(): boolean {
  if (existsSync(CHROMIUM) || process.env.CI) return true;
  console.warn(`\n*** @lintra/install-check: ${CHROMIUM} is missing, so the browser test is SKIPPED (apt-get install chromium). ***\n`);
  return false;
}

async function serve(script: string): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><meta charset="utf-8"><title>lintra install check</title><script type="module" src="/entry.js"></script>`;
  const server = createServer((req, res) => {
    const js = req.url === "/entry.js";
    const found = js || req.url === "/";
    res.writeHead(found ? 200 : 404, { "content-type": js ? "text/javascript" : "text/html" });
    res.end(js ? script : found ? html : "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/**
 * Open a page running `script` (an ES module that sets `window.check` to an async function)
 * in headless Chromium served from 127.0.0.1, and return what `check()` resolves to.
 */
export async function runInPage(script: string): Promise<unknown> {
  const { server, url } = await serve(script);
  const profile = mkdtempSync(join(tmpdir(), "lintra-install-chromium-"));
  let context: Awaited<ReturnType<ReturnType<typeof playwright>["chromium"]["launchPersistentContext"]>> | undefined;
  try {
    context = await playwright().chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: FLAGS });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => "check" in window, undefined, { timeout: 30_000 }).catch(() => {
      throw new Error(`the page did not load its script: ${errors.join("; ") || "no error reported"}`);
    });
    return await page.evaluate(() => (window as unknown as { check: () => Promise<unknown> }).check());
  } finally {
    await context?.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(profile, { recursive: true, force: true });
  }
}
