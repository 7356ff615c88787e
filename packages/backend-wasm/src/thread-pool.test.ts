import { type DType, type Params, type Prim, type Shape, ShapedArray } from "@lintra/core-ir";
import { afterEach, describe, expect, test, vi } from "vitest";
import { type Input, onCpu, onWasm, randomInput } from "../test/dot-reduce-support.js";
import { buildElementwise, elementwiseOps } from "./elementwise.js";
import { setWasmThreads, wasmThreads } from "./index.js";
import { flatWasmKernel } from "./kernel.js";
import { BYTES } from "./memory.js";
import { runtime } from "./runtime.js";
import { splitRange, threadPoolTesting } from "./thread-pool.js";
import { I32, type ModuleBuilder } from "./wasm/encoder.js";
import { Op } from "./wasm/opcodes.js";

type DotParams = Params<"dot_general">;
const dims = (lc: number[], rc: number[], lb: number[] = [], rb: number[] = []): DotParams => ({ lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb });

/** Products big enough to be split four ways: ragged rows, transposed operands, a batch. */
const PRODUCTS: [string, Shape, Shape, DotParams][] = [
  ["a · b, M not a multiple of the tile", [303, 200], [200, 150], dims([1], [0])],
  ["aᵀ · b", [200, 303], [200, 150], dims([0], [0])],
  ["a · bᵀ", [303, 200], [150, 200], dims([1], [1])],
  ["batched", [7, 80, 128], [7, 128, 131], dims([2], [1], [0], [0])],
];

/** Run `prim` on wasm with `threads` threads; the bits of the result, as text (fast to compare). */
function withThreads<P extends Prim>(threads: number, prim: P, inputs: Input[], params: Params<P>): string {
  setWasmThreads(threads);
  const r = onWasm(prim, inputs, params);
  return Buffer.from(Float64Array.from(r.data).buffer).toString("base64");
}

function warnings() {
  return vi.spyOn(console, "warn").mockImplementation(() => {});
}

afterEach(() => {
  threadPoolTesting.setSpawn(null);
  threadPoolTesting.setTimeoutMs(null);
  vi.restoreAllMocks();
  setWasmThreads(1);
});

describe("setWasmThreads", () => {
  test("rejects counts that are not integers ≥ 1", () => {
    expect(() => setWasmThreads(0)).toThrow(/integer ≥ 1/);
    expect(() => setWasmThreads(1.5)).toThrow(/integer ≥ 1/);
  });

  test("wasmThreads reports the setting", () => {
    setWasmThreads(3);
    expect(wasmThreads()).toBe(3);
  });
});

describe("ThreadPool.run", () => {
  /** run(at, value): store the i32 `value` at byte offset `at`. */
  const store = (m: ModuleBuilder) => {
    const { code: c } = m.func([I32, I32], [], "run");
    c.get(0).get(1).op(Op.i32_store, 2, 0);
  };

  test("runs every task once when there are more tasks than threads", () => {
    setWasmThreads(2);
    const { mem, kernels, threads } = runtime();
    const fn = kernels.get("test|store-i32", store);
    const buf = mem.alloc(4 * 7);
    const view = () => new Int32Array(mem.memory.buffer, buf.ptr, 7);
    view().fill(0);
    const before = threadPoolTesting.dispatches;
    threads.run(Array.from({ length: 7 }, (_, i) => ({ fn, args: [buf.ptr + 4 * i, 100 + i] })));
    expect(threadPoolTesting.dispatches).toBe(before + 1);
    expect(Array.from(view())).toEqual([100, 101, 102, 103, 104, 105, 106]);
    mem.release(buf);
  });

  test("splitRange: aligned ranges, one where threads do not pay", () => {
    setWasmThreads(2);
    const pool = runtime().threads;
    expect(splitRange(pool, 1000, 100, 8)).toEqual([[0, 504], [504, 1000]]);
    expect(splitRange(pool, 150, 100, 8)).toEqual([[0, 150]]);
    setWasmThreads(1);
    expect(splitRange(pool, 1000, 100, 8)).toEqual([[0, 1000]]);
  });
});

describe.each(["float32", "float64"] as DType[])("dot_general on worker threads (%s)", (dtype) => {
  test.each(PRODUCTS)("%s: 1, 2 and 4 threads agree bit for bit", (_, ls, rs, params) => {
    const inputs = [randomInput(ls, dtype, 1), randomInput(rs, dtype, 2)];
    const one = withThreads(1, "dot_general", inputs, params);
    const before = threadPoolTesting.dispatches;
    expect(withThreads(2, "dot_general", inputs, params)).toEqual(one);
    expect(withThreads(4, "dot_general", inputs, params)).toEqual(one);
    expect(threadPoolTesting.dispatches).toBe(before + 2);
  });
});

/** Reductions big enough to split: rows folded as runs, columns folded as vectors, a middle axis. */
const REDUCTIONS: [string, Shape, number[]][] = [
  ["over the last axis", [600, 1000], [1]],
  ["over the first axis", [600, 1000], [0]],
  ["over a middle axis", [5, 300, 401], [1]],
];

describe.each(["reduce_sum", "reduce_max"] as const)("%s on worker threads", (prim) => {
  test.each(REDUCTIONS)("%s: 1 and 2 threads agree bit for bit", (_, shape, axes) => {
    const inputs = [randomInput(shape, "float32", 7)];
    const one = withThreads(1, prim, inputs, { axes });
    const before = threadPoolTesting.dispatches;
    expect(withThreads(2, prim, inputs, { axes })).toEqual(one);
    expect(threadPoolTesting.dispatches).toBe(before + 1);
  });
});

test("workers see memory the main thread grew after they started", () => {
  const [, ls, rs, params] = PRODUCTS[0];
  const inputs = [randomInput(ls, "float32", 8), randomInput(rs, "float32", 9)];
  const want = withThreads(1, "dot_general", inputs, params);
  withThreads(2, "dot_general", inputs, params); // workers up
  const { mem } = runtime();
  const before = mem.byteLength;
  const filler = mem.alloc(before); // the operands now land beyond the old end
  expect(mem.byteLength).toBeGreaterThan(before);
  const warn = warnings();
  const dispatches = threadPoolTesting.dispatches;
  expect(withThreads(2, "dot_general", inputs, params)).toBe(want);
  expect(threadPoolTesting.dispatches).toBe(dispatches + 1);
  expect(warn).not.toHaveBeenCalled();
  mem.release(filler);
});

describe("flatWasmKernel on worker threads", () => {
  // 2^19 + 37 elements: two parts of whole SIMD iterations, a scalar tail at the end
  const n = 2 ** 19 + 37;
  const cases: [keyof typeof elementwiseOps, DType[]][] = [
    ["add", ["float32", "float32"]],
    ["exp", ["float32"]],
    ["mul", ["float64", "float64"]],
  ];
  test.each(cases)("%s: 1, 2 and 4 threads agree bit for bit", (prim, dtypes) => {
    const kernel = flatWasmKernel(prim, (m, avals, _p, out) => buildElementwise(m, prim, elementwiseOps[prim], avals.map((a) => a.dtype), out.dtype, out.size));
    const { mem } = runtime();
    const avals = dtypes.map((d) => new ShapedArray([n], d));
    const out = new ShapedArray([n], dtypes[0]);
    const inputs = dtypes.map((d, k) => {
      const b = mem.alloc(n * BYTES[d]);
      mem.view(b, d, n).set(randomInput([n], d, 10 + k).data);
      return b;
    });
    const run = (threads: number) => {
      setWasmThreads(threads);
      const buf = kernel(inputs, avals, {} as never, out);
      const bits = Buffer.from(Float64Array.from(mem.view(buf, out.dtype, n)).buffer).toString("base64");
      mem.release(buf);
      return bits;
    };
    const one = run(1);
    const before = threadPoolTesting.dispatches;
    expect(run(2)).toBe(one);
    expect(run(4)).toBe(one);
    expect(threadPoolTesting.dispatches).toBe(before + 2);
    for (const b of inputs) mem.release(b);
  });
});

test("split products match backend-cpu", () => {
  const [, ls, rs, params] = PRODUCTS[3];
  const inputs = [randomInput(ls, "int32", 3), randomInput(rs, "int32", 4)];
  setWasmThreads(2);
  const got = onWasm("dot_general", inputs, params).data;
  const want = onCpu("dot_general", inputs, params).data;
  expect(got.every((v, i) => v === want[i])).toBe(true);
});

describe("a failing pool falls back to one thread", () => {
  const [, ls, rs, params] = PRODUCTS[0];
  const inputs = () => [randomInput(ls, "float32", 5), randomInput(rs, "float32", 6)];

  test("workers that cannot start: one warning naming why, right results", () => {
    const x = inputs();
    const want = withThreads(1, "dot_general", x, params);
    const warn = warnings();
    threadPoolTesting.setSpawn(() => {
      throw new Error("no workers in this test");
    });
    expect(withThreads(2, "dot_general", x, params)).toEqual(want);
    expect(withThreads(2, "dot_general", x, params)).toEqual(want);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/one thread.*no workers in this test/);
    expect(threadPoolTesting.failure).toMatch(/no workers in this test/);
  });

  test("a worker that exits mid-task: the main thread redoes its share", () => {
    const x = inputs();
    const want = withThreads(1, "dot_general", x, params);
    expect(withThreads(2, "dot_general", x, params)).toEqual(want); // workers up
    const warn = warnings();
    threadPoolTesting.postToWorkers({ dieOnNextTask: true });
    expect(withThreads(2, "dot_general", x, params)).toEqual(want);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/exited/);
    expect(wasmThreads()).toBe(1);
  });

  test("a worker that does not answer in time: the main thread redoes its share", async () => {
    const x = inputs();
    const want = withThreads(1, "dot_general", x, params);
    expect(withThreads(2, "dot_general", x, params)).toEqual(want);
    const warn = warnings();
    threadPoolTesting.setTimeoutMs(20);
    threadPoolTesting.postToWorkers({ stallMs: 20_000 }); // far beyond any limit, however slow the machine
    expect(withThreads(2, "dot_general", x, params)).toEqual(want);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/in time/);
    // the pool starts again after setWasmThreads, and works
    threadPoolTesting.setTimeoutMs(null);
    const before = threadPoolTesting.dispatches;
    expect(withThreads(2, "dot_general", x, params)).toEqual(want);
    expect(threadPoolTesting.dispatches).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 500)); // let the stalled worker's termination land
  });
});
