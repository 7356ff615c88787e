// The page and worker sides of the browser test of the wasm backend's worker threads
// (src/browser-threads.test.ts). The same bundle runs twice: on the page, where
// `window.conformance` checks the main thread (which must stay single-threaded) and then
// starts this bundle again as a module worker; and in that worker, where lintra may split
// large kernels over helper workers of its own when the page is cross-origin isolated.
// Each side runs a product, a reduction and a flat elementwise op under several thread
// counts, after awaiting wasmThreadsReady(), and reports what happened.
import { ConcreteArray, type Tracer, lax, setBackend } from "@lintra/core-ir";
import { type WasmBuffer, setWasmThreads, threadPoolTesting, wasmBackend, wasmMemoryStats, wasmThreads, wasmThreadsReady } from "../../src/index.js";
import { uniform } from "../dot-reduce-support.js";

/** One op under one thread count. */
export interface OpRun {
  /**
   * setWasmThreads(requested) was called; `ready` is what wasmThreadsReady() resolved to
   * (null for a run before it was awaited), `threads` what wasmThreads() said after the op.
   */
  readonly requested: number;
  readonly ready: number | null;
  readonly threads: number;
  /** Split calls handed to helper workers while the op ran. */
  readonly dispatches: number;
  readonly ms: number;
  /** Whether the result has the same bits as under one thread. */
  readonly sameBitsAsOneThread: boolean;
}

export interface ThreadsReport {
  readonly where: "page" | "worker";
  readonly crossOriginIsolated: boolean;
  readonly sharedArrayBuffer: boolean;
  readonly runs: Record<OpName, OpRun[]>;
  /**
   * The product right after each setWasmThreads(n > 1), before wasmThreadsReady() was
   * awaited: the helper workers it needs have not started yet, and must not be waited for.
   */
  readonly coldProducts: OpRun[];
  /** Disagreements of any run with a plain JS reference, as text (empty when all agree). */
  readonly mismatches: string[];
  /** What lintra wrote with console.warn. */
  readonly warnings: string[];
  /** Why the pool turned itself off, if it did. */
  readonly poolFailure: string | null;
  readonly memoryBytes: number;
}

export interface PageResult {
  readonly userAgent: string;
  readonly page: ThreadsReport;
  /** The worker's report, or why there is none. */
  readonly worker: ThreadsReport | { readonly error: string };
}

type OpName = "dot_general" | "reduce_sum" | "mul";

// Sizes that split: 2·512³ flops is 64 × MIN_FLOPS_PER_THREAD (dot-general.ts); 2^20
// elements are 4 × the per-thread minimum of reductions and flat loops.
const N = 512;
const ROWS = 1024;
const FLAT = 2 ** 20;

interface Inputs {
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly r: Float32Array;
  readonly x: Float32Array;
  readonly y: Float32Array;
}

const signed = (n: number, seed: number): Float32Array => Float32Array.from(uniform(n, seed), (u) => 2 * u - 1);

function makeInputs(): Inputs {
  return { a: signed(N * N, 1), b: signed(N * N, 2), r: signed(ROWS * ROWS, 3), x: signed(FLAT, 4), y: signed(FLAT, 5) };
}

const OPS: Record<OpName, (v: Inputs) => { inputs: ConcreteArray[]; op: (...xs: ConcreteArray[]) => Tracer }> = {
  dot_general: (v) => ({
    inputs: [ConcreteArray.fromTyped(v.a, [N, N], "float32"), ConcreteArray.fromTyped(v.b, [N, N], "float32")],
    op: (a, b) => lax.dotGeneral(a, b, { lhsContracting: [1], rhsContracting: [0] }),
  }),
  reduce_sum: (v) => ({ inputs: [ConcreteArray.fromTyped(v.r, [ROWS, ROWS], "float32")], op: (r) => lax.reduceSum(r, [1]) }),
  mul: (v) => ({ inputs: [ConcreteArray.fromTyped(v.x, [FLAT], "float32"), ConcreteArray.fromTyped(v.y, [FLAT], "float32")], op: (x, y) => lax.mul(x, y) }),
};

/**
 * Run one op; read its result, then overwrite the result's memory with NaN and release
 * everything, so that a later run whose threads skipped part of their work cannot find
 * the right answer left in a reused block.
 */
function compute(name: OpName, v: Inputs): Float32Array {
  const { inputs, op } = OPS[name](v);
  const y = op(...inputs) as ConcreteArray;
  const out = y.readSync() as Float32Array;
  (wasmBackend.read(y.buffer as WasmBuffer, y.aval) as Float32Array).fill(Number.NaN);
  for (const x of [y, ...inputs]) x.dispose();
  return out;
}

function sameBits(p: Float32Array, q: Float32Array): boolean {
  const u = new Uint32Array(p.buffer, p.byteOffset, p.length);
  const w = new Uint32Array(q.buffer, q.byteOffset, q.length);
  return u.length === w.length && u.every((bits, i) => bits === w[i]);
}

/**
 * Where a result disagrees with JS: a few product entries and row sums (float64 sums, a
 * tolerance) in every part a split makes, every product of `mul` (exact).
 */
function reference(v: Inputs, name: OpName, out: Float32Array): string[] {
  const bad: string[] = [];
  const close = (got: number, terms: number[]) => {
    const sum = terms.reduce((s, t) => s + t, 0);
    return Math.abs(got - sum) <= 1e-5 * terms.reduce((s, t) => s + Math.abs(t), 0) + 1e-6;
  };
  if (name === "dot_general") {
    for (const [i, j] of [[0, 0], [17, 300], [130, 77], [256, 3], [300, 200], [400, 129], [511, 511]]) {
      const terms = Array.from({ length: N }, (_, k) => v.a[i * N + k] * v.b[k * N + j]);
      if (!close(out[i * N + j], terms)) bad.push(`dot_general[${i},${j}] = ${out[i * N + j]}`);
    }
  } else if (name === "reduce_sum") {
    for (const i of [0, 1, 255, 256, 511, 512, 767, 768, 1023]) {
      if (!close(out[i], Array.from(v.r.subarray(i * ROWS, (i + 1) * ROWS)))) bad.push(`reduce_sum[${i}] = ${out[i]}`);
    }
  } else {
    const at = out.findIndex((got, i) => !Object.is(got, Math.fround(v.x[i] * v.y[i])));
    if (at >= 0) bad.push(`mul[${at}] = ${out[at]}, JS ${Math.fround(v.x[at] * v.y[at])}`);
  }
  return bad;
}

/** Run each op under each thread count in `counts` (the first must be 1). */
async function runAll(where: ThreadsReport["where"], counts: readonly number[]): Promise<ThreadsReport> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
    warn.apply(console, args);
  };
  setBackend(wasmBackend);
  const v = makeInputs();
  const runs: Record<OpName, OpRun[]> = { dot_general: [], reduce_sum: [], mul: [] };
  const coldProducts: OpRun[] = [];
  const mismatches: string[] = [];
  const single = {} as Record<OpName, Float32Array>;
  const once = (name: OpName, requested: number, ready: number | null): OpRun => {
    const before = threadPoolTesting.dispatches;
    const t0 = performance.now();
    const out = compute(name, v);
    const ms = performance.now() - t0;
    single[name] ??= out;
    mismatches.push(...reference(v, name, out).map((m) => `${m} (setWasmThreads(${requested}))`));
    return { requested, ready, threads: wasmThreads(), dispatches: threadPoolTesting.dispatches - before, ms, sameBitsAsOneThread: sameBits(out, single[name]) };
  };
  for (const requested of counts) {
    setWasmThreads(requested);
    if (requested > 1) coldProducts.push(once("dot_general", requested, null));
    const ready = await wasmThreadsReady();
    for (const name of Object.keys(OPS) as OpName[]) runs[name].push(once(name, requested, ready));
  }
  setWasmThreads(1);
  console.warn = warn;
  return {
    where,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer === "function",
    runs,
    coldProducts,
    mismatches,
    warnings,
    poolFailure: threadPoolTesting.failure,
    memoryBytes: wasmMemoryStats().memoryBytes,
  };
}

/** Start this bundle as a module worker and wait for its report. */
function inWorker(): Promise<PageResult["worker"]> {
  return new Promise((resolve) => {
    const worker = new Worker(import.meta.url, { type: "module" });
    const timer = setTimeout(() => resolve({ error: "the worker sent no report within 120 s" }), 120_000);
    const done = (r: PageResult["worker"]) => (clearTimeout(timer), worker.terminate(), resolve(r));
    worker.onmessage = (e: MessageEvent<PageResult["worker"]>) => done(e.data);
    worker.onerror = (e) => done({ error: `worker error: ${e.message}` });
  });
}

if (typeof document === "undefined") {
  // in the worker
  let report: PageResult["worker"];
  try {
    report = await runAll("worker", [1, 2, 4]);
  } catch (e) {
    report = { error: `threw ${(e as Error).name}: ${(e as Error).message}` };
  }
  postMessage(report);
} else {
  (window as unknown as { conformance: () => Promise<PageResult> }).conformance = async () => {
    const page = await runAll("page", [1, 2]);
    return { userAgent: navigator.userAgent, page, worker: await inWorker() };
  };
}
