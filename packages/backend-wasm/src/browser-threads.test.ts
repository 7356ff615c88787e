import { fileURLToPath } from "node:url";
import { runInChromium, runsInChromium } from "@lintra/conformance/browser";
import { beforeAll, describe, expect, it } from "vitest";
import type { OpRun, PageResult, ThreadsReport } from "../test/browser/threads-entry.js";

// The wasm backend's worker threads in headless Chromium: lintra running in a module Web
// Worker of a cross-origin-isolated page spawns helper workers from a Blob URL, over one
// shared WebAssembly.Memory. The page (test/browser/threads-entry.ts) runs a product, a
// reduction and a flat elementwise op under 1, 2 and 4 threads in that worker (after
// awaiting wasmThreadsReady()), and under 1 and 2 on its own main thread, which must stay
// single-threaded. The same page served
// without isolation must run everything on one thread and say why.

const run = runsInChromium("@lintra/backend-wasm") ? describe : describe.skip;
const entry = fileURLToPath(new URL("../test/browser/threads-entry.ts", import.meta.url));
const OPS = ["dot_general", "reduce_sum", "mul"] as const;

function workerReport(result: PageResult): ThreadsReport {
  if ("error" in result.worker) throw new Error(`the worker failed: ${result.worker.error}`);
  return result.worker;
}

/** Every run computed one thread's bits, the JS reference agrees, and nothing went to a worker. */
function expectSingleThreaded(report: ThreadsReport, reason: RegExp): void {
  for (const op of OPS) {
    for (const r of report.runs[op]) {
      expect(r.ready, `wasmThreadsReady() after setWasmThreads(${r.requested})`).toBe(1);
      expect(r.threads, `${op} with setWasmThreads(${r.requested})`).toBe(1);
      expect(r.dispatches, `${op} with setWasmThreads(${r.requested})`).toBe(0);
      expect(r.sameBitsAsOneThread, op).toBe(true);
    }
  }
  for (const r of report.coldProducts) expect(r).toMatchObject({ threads: 1, dispatches: 0, sameBitsAsOneThread: true });
  expect(report.mismatches).toEqual([]);
  expect(report.warnings).toHaveLength(1);
  expect(report.warnings[0]).toMatch(/running on one thread/);
  expect(report.warnings[0]).toMatch(reason);
}

const NO_SAB = /SharedArrayBuffer is not available/;
const MAIN_THREAD = /main thread cannot block on Atomics\.wait/;

run("wasm threads in headless Chromium, cross-origin isolated", () => {
  let result: PageResult;

  beforeAll(async () => {
    result = await runInChromium<PageResult>(entry, { title: "lintra wasm threads", crossOriginIsolated: true });
  }, 300_000);

  it("ran in Chromium, with lintra in a cross-origin-isolated worker", () => {
    expect(result.userAgent).toContain("Chrome");
    const worker = workerReport(result);
    expect(worker.crossOriginIsolated).toBe(true);
    expect(worker.sharedArrayBuffer).toBe(true);
  });

  it.each(OPS)("%s: split over helper workers at 2 and 4 threads, single-threaded at 1", (op) => {
    const runs = workerReport(result).runs[op];
    const at = (n: number): OpRun => runs.find((r) => r.requested === n)!;
    expect(runs.map((r) => r.requested)).toEqual([1, 2, 4]);
    expect(at(1)).toMatchObject({ ready: 1, threads: 1, dispatches: 0 });
    expect(at(2)).toMatchObject({ ready: 2, threads: 2 });
    expect(at(2).dispatches).toBeGreaterThan(0);
    expect(at(4)).toMatchObject({ ready: 4, threads: 4 });
    expect(at(4).dispatches).toBeGreaterThan(0);
  });

  it("a product right after setWasmThreads does not wait for helper workers that have not started", () => {
    const cold = workerReport(result).coldProducts;
    expect(cold.map((r) => r.requested)).toEqual([2, 4]);
    for (const r of cold) {
      expect(r.sameBitsAsOneThread, `${r.requested} threads`).toBe(true);
      // a pool waiting for a worker that cannot start would block for its boot timeout (15 s)
      expect(r.ms, `${r.requested} threads`).toBeLessThan(5000);
    }
  });

  it.each(OPS)("%s: the same bits for every thread count", (op) => {
    for (const r of workerReport(result).runs[op]) expect(r.sameBitsAsOneThread, `${r.requested} threads`).toBe(true);
  });

  it("agrees with a plain JS reference", () => {
    expect(workerReport(result).mismatches).toEqual([]);
  });

  it("never fell back to one thread", () => {
    const worker = workerReport(result);
    expect(worker.warnings).toEqual([]);
    expect(worker.poolFailure).toBeNull();
  });

  it("the page's main thread stays single-threaded, saying why", () => {
    expect(result.page.crossOriginIsolated).toBe(true);
    expectSingleThreaded(result.page, MAIN_THREAD);
  });
});

run("wasm threads in headless Chromium, not isolated", () => {
  let result: PageResult;

  beforeAll(async () => {
    result = await runInChromium<PageResult>(entry, { title: "lintra wasm threads, not isolated" });
  }, 300_000);

  it("the page's main thread runs on one thread, saying why", () => {
    expect(result.page.crossOriginIsolated).toBe(false);
    expectSingleThreaded(result.page, NO_SAB);
  });

  it("a worker of the page runs on one thread, saying why", () => {
    const worker = workerReport(result);
    expect(worker.crossOriginIsolated).toBe(false);
    expectSingleThreaded(worker, NO_SAB);
  });
});
