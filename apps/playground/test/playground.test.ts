import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, runsInChromium } from "@lintra/conformance/browser";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPage } from "../scripts/build.js";
import { serveDirectory } from "../scripts/static-server.js";

// The built page in Debian's Chromium, headless (WebGL on SwiftShader for gpujs), driven by
// playwright-core the way a person would use it: keyboard input into the editor, the menus.

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const RESULTS = fileURLToPath(new URL("../.test-results/", import.meta.url));

const run = runsInChromium("@lintra/playground") ? describe : describe.skip;

/** sum(sin(x)·x²) and its gradient, x² cos x + 2x sin x: the oracle for the typed function. */
const TYPED = "(x: np.Array) => np.sum(np.sin(x).mul(x).mul(x))";
const xs = [1, 2, 3];
const expectedGradient = xs.map((x) => x * x * Math.cos(x) + 2 * x * Math.sin(x));

const numbersIn = (text: string) => (text.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi) ?? []).map(Number);

run("playground in headless Chromium", () => {
  let dist: string;
  let profile: string;
  let server: Server;
  let browser: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const runs = () => page.evaluate(() => Number(document.body.dataset.runs ?? 0));
  /** Do `action`, then wait until the page has re-staged the function after it, with nothing left scheduled. */
  async function andWaitForRun(action: () => Promise<unknown>): Promise<void> {
    const before = await runs();
    await action();
    await page.waitForFunction((n) => Number(document.body.dataset.runs ?? 0) > n && document.body.dataset.pending === undefined, before, { timeout: 30_000 });
  }
  const text = (selector: string) => page.locator(selector).innerText();
  /** Replace the editor's code by typing, key by key (CodeMirror closes brackets as they are typed). */
  async function typeIntoEditor(code: string): Promise<void> {
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.type(code);
  }

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), "lintra-playground-"));
    await buildPage(dist);
    const served = await serveDirectory(dist, 0);
    server = served.server;
    const { chromium } = await import("playwright-core");
    profile = mkdtempSync(join(tmpdir(), "lintra-chromium-"));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: FLAGS, viewport: { width: 1400, height: 1000 } });
    page = await browser.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(served.url);
    await page.waitForFunction(() => Number(document.body.dataset.runs ?? 0) >= 1, undefined, { timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise((resolve) => server.close(resolve));
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it("shows the program, JVP, linearized and transposed programs of a function typed into the editor", async () => {
    await andWaitForRun(() => typeIntoEditor(TYPED));
    expect(await page.locator(".cm-content").innerText()).toBe(TYPED);
    expect(await page.inputValue("#args")).toBe("np.array([1, 2, 3])");

    const program = await text("#program");
    expect(program).toMatch(/^\{ lambda a:f32\[3\] \./);
    expect(program).toContain("sin a");
    expect(program).not.toContain("cos");
    const jvpProgram = await text("#jvp-program");
    expect(jvpProgram).toContain("lambda");
    expect(jvpProgram).toMatch(/\bsin\b/);
    expect(jvpProgram).toMatch(/\bcos\b/);
    const linear = await text("#linear-program");
    expect(linear).toMatch(/^\{ lambda .* ; \w+:f32\[3\] \./);
    expect(linear).not.toMatch(/\b(sin|cos)\b/); // the primal work ran already: only residuals are left
    expect(await page.locator("#linear-program mark.residual").count()).toBeGreaterThan(0);
    expect(await page.locator("#residuals li").count()).toBeGreaterThan(0);
    expect(await text("#residuals")).toContain("f32[3]");
    const transposed = await text("#transposed-program");
    expect(transposed).toMatch(/^\{ lambda .* ; \w+:f32\[\] \./); // the output cotangent is a scalar
    expect(transposed).toContain("broadcast_in_dim");
    const source = await text("#grad-source");
    expect(source).toMatch(/^function \(/);
    expect(source).toContain("Math.sin");
    expect(source).toContain("Math.cos");
    expect(numbersIn(await text("#gradient"))).toBeAllclose(expectedGradient, { rtol: 1e-5 });
    expect(await page.locator("#errors").isHidden()).toBe(true);
  });

  it("switches the backend to cpu and to gpujs (WebGL) with the same gradient", async () => {
    const gradients: Record<string, number[]> = {};
    for (const backend of ["cpu", "gpujs", "wasm"]) {
      await andWaitForRun(() => page.selectOption("#backend", backend));
      expect(await text("#backend-name")).toBe(backend);
      expect(await page.locator("#errors").isHidden(), await text("#errors")).toBe(true);
      expect(await text("#program")).toContain("sin a");
      expect(await text("#transposed-program")).toContain("lambda");
      gradients[backend] = numbersIn(await text("#gradient"));
    }
    expect(gradients.cpu).toBeAllclose(expectedGradient, { rtol: 1e-5 });
    expect(gradients.gpujs).toBeAllclose(gradients.cpu, { rtol: 1e-5, atol: 1e-5 });
    expect(gradients.wasm).toBeAllclose(gradients.cpu, { rtol: 1e-5, atol: 1e-5 });
  });

  it("plots f, f′ and f″ of the scalar example and reads them out under the cursor", async () => {
    await andWaitForRun(() => page.selectOption("#examples", { label: "softplus (scalar)" }));
    expect(await page.inputValue("#args")).toBe("0.5");
    // softplus′ = sigmoid: at 0.5, 1 / (1 + e^-0.5)
    expect(numbersIn(await text("#gradient"))).toBeAllclose([1 / (1 + Math.exp(-0.5))], { rtol: 1e-5 });
    const canvas = page.locator("#plot canvas");
    await expect.poll(() => canvas.count()).toBe(1);
    // The share of the canvas's pixels that are painted (a blank canvas is all transparent).
    const painted = () =>
      canvas.evaluate((c: HTMLCanvasElement) => {
        const { data } = c.getContext("2d")!.getImageData(0, 0, c.width, c.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
        return n / (c.width * c.height);
      });
    await expect.poll(painted).toBeGreaterThan(0.002);
    const box = (await page.locator("#plot .u-over").boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
    const readout = () => page.locator("#plot .u-legend").innerText().then(numbersIn);
    await expect.poll(async () => (await readout()).length).toBeGreaterThanOrEqual(4);
    const values = await readout();
    // x, f, f′, f″ at the cursor: f′ = sigmoid(x) and f″ = sigmoid(x)(1 - sigmoid(x))
    const [x, , df, d2f] = values;
    const s = 1 / (1 + Math.exp(-x));
    expect(df).toBeCloseTo(s, 3);
    expect(d2f).toBeCloseTo(s * (1 - s), 3);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, "playground.png"), fullPage: true });
  });

  it("shows a typed error's class and message in the error panel", async () => {
    await andWaitForRun(async () => {
      await typeIntoEditor("(x: np.Array) => np.sum(np.add(x, np.ones([3])))");
      await page.fill("#args", "np.ones([2])");
    });
    const errors = await text("#errors");
    expect(errors).toContain("ShapeError");
    expect(errors).toMatch(/add.*\[2\].*\[3\]/);
    expect(await page.locator("#errors .error-class").first().innerText()).toBe("ShapeError");
    expect(await text("#program")).toContain("ShapeError");

    await andWaitForRun(() => typeIntoEditor("(x) => x.foo()"));
    expect(await text("#errors")).toMatch(/TypeError.*foo/);
    expect(pageErrors).toEqual([]);
  });
});
