import { type AnyTypedArray, type Backend, ConcreteArray, type DType, type Tracer, jit, lax, setBackend } from "@lintra/core-ir";
import { jitAgreement } from "@lintra/conformance";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { threadPoolTesting } from "./thread-pool.js";
import { setWasmThreads, sizeClass, wasmBackend, wasmMemoryStats, wasmThreads } from "./index.js";

/**
 * Compiled programs (`jit` on this backend) against the same functions run eagerly: fused
 * loops, broadcasts read in place, the arena and in-place reuse must not change a bit where
 * both paths run the same instruction sequence per element.
 */
let previous: Backend<any> | null = null;
beforeAll(() => {
  previous = setBackend(wasmBackend);
});
afterAll(() => {
  if (previous) setBackend(previous);
});

const { arr, read, full, ramp, expectSame } = jitAgreement(wasmBackend);

describe("wasm compile: fused elementwise loops", () => {
  it("a chain of six ops is one kernel module, run through the backend's compile", () => {
    const spy = vi.spyOn(wasmBackend, "compile");
    const x = arr(ramp(50), [50]);
    const before = wasmMemoryStats().compiledKernels;
    const f = jit((x: Tracer) => lax.mul(lax.tanh(lax.add(lax.mul(x, full(1.25, x)), full(0.5, x))), lax.exp(lax.neg(lax.mul(x, x)))));
    read(f(x));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(wasmMemoryStats().compiledKernels - before).toBe(1);
    spy.mockRestore();
  });

  it("a chain with literals, odd sizes (vector part and scalar tail)", () => {
    for (const n of [1, 3, 4, 7, 33, 1000]) {
      const x = arr(ramp(n), [n]);
      expectSame((x) => lax.mul(lax.tanh(lax.add(lax.mul(x, full(1.5, x)), full(0.25, x))), lax.exp(lax.neg(lax.mul(x, x)))), x);
    }
  });

  it("broadcasts of a bias along rows and columns, and of a scalar", () => {
    const x = arr(ramp(5 * 7), [5, 7]);
    const row = arr(ramp(7, 0.9), [7]);
    const col = arr(ramp(5, 1.7), [5]);
    const s = arr([0.5], []);
    expectSame(
      (x, row, col, s) =>
        lax.max(
          lax.add(lax.add(x, lax.broadcastInDim(row, [5, 7], [1])), lax.mul(lax.broadcastInDim(col, [5, 7], [0]), lax.broadcastInDim(s, [5, 7], []))),
          lax.broadcastInDim(s, [5, 7], []),
        ),
      x, row, col, s,
    );
  });

  it("compares, select and bool results, float32 and float64, int32", () => {
    for (const dtype of ["float32", "float64", "int32"] as const) {
      const a = arr(ramp(19).map((v) => (dtype === "int32" ? Math.round(v * 10) : v)), [19], dtype);
      const b = arr(ramp(19, 0.11).map((v) => (dtype === "int32" ? Math.round(v * 10) : v)), [19], dtype);
      expectSame((a, b) => {
        const p = lax.lt(a, b);
        return [lax.select(p, lax.sub(a, b), lax.mul(a, b)), lax.and(p, lax.ne(a, b)), lax.not(p)];
      }, a, b);
    }
  });

  it("host functions and conversions in one loop (scalar code)", () => {
    const x = arr(ramp(23), [23]);
    expectSame((x) => lax.convertElementType(lax.mul(lax.sin(x), lax.convertElementType(lax.gt(x, full(0, x)), "float32")), "float64"), x);
  });

  it("values read after the group, returned twice, inputs returned as they are", () => {
    const x = arr(ramp(12), [3, 4]);
    const w = arr(ramp(8, 0.5), [4, 2]);
    expectSame((x, w) => {
      const h = lax.tanh(lax.mul(x, x));
      const d = lax.dotGeneral(h, w, { lhsContracting: [1], rhsContracting: [0] });
      return [lax.add(lax.exp(d), d), h, h, x];
    }, x, w);
  });

  it("leaves nothing behind: the arena and every intermediate are given back", () => {
    const x = arr(ramp(4096), [64, 64]);
    const f = jit((x: Tracer) => {
      let y = x;
      for (let i = 0; i < 6; i++) y = lax.dotGeneral(lax.tanh(lax.add(y, full(0.1, y))), x, { lhsContracting: [1], rhsContracting: [0] });
      return y;
    });
    read(f(x)); // compile and run once
    const before = wasmMemoryStats().liveBytes;
    const out = f(x) as ConcreteArray;
    expect(wasmMemoryStats().liveBytes - before).toBe(sizeClass(64 * 64 * 4)); // the result only
    out.dispose();
  });
});

describe("wasm compile: reductions folded into the loop that computes their operand", () => {
  const near = (a: number[], b: number[], tol: number) => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]))));

  it("sum, max and min over trailing axes of a fused chain agree with the kernels", () => {
    for (const dtype of ["float32", "float64", "int32"] as const) {
      for (const shape of [[37], [5, 9], [3, 4, 6], [2, 1, 7]]) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = arr(ramp(n).map((v) => (dtype === "int32" ? Math.round(v * 9) : v)), shape, dtype);
        for (const [reduce, axes] of [[lax.reduceSum, [shape.length - 1]], [lax.reduceMax, shape.map((_, i) => i)], [lax.reduceMin, [shape.length - 1]]] as const) {
          const f = (x: Tracer) => reduce(lax.mul(lax.add(x, x), x), axes);
          expectSame(f, x);
        }
      }
    }
  });

  it("a softmax: max and sum folded, the shifted exponentials stored for the division", () => {
    const x = arr(ramp(8 * 13), [8, 13]);
    const softmax = (x: Tracer) => {
      const m = lax.reduceMax(x, [1]);
      const e = lax.exp(lax.sub(x, lax.broadcastInDim(m, [8, 13], [0])));
      return lax.div(e, lax.broadcastInDim(lax.reduceSum(e, [1]), [8, 13], [0]));
    };
    near(read(jit(softmax)(x)), read(softmax(x)), 1e-6);
  });

  // A fused sum adds in the reduction kernel's order, so a mean computed in the loop and one
  // computed from stored values compare equal (a comparison would amplify any rounding).
  it("float sums add in the kernel's order: SIMD and scalar loops, every run length to 41", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const other = dtype === "float32" ? "float64" : "float32";
      for (let n = 0; n <= 41; n++) {
        const x = arr(ramp(3 * n, 0.71), [3, n], dtype);
        expectSame((x) => lax.reduceSum(lax.mul(lax.add(x, full(0.3, x)), x), [1]), x); // SIMD
        // a value of another width in the loop: scalar code
        expectSame((x) => lax.reduceSum(lax.mul(lax.convertElementType(lax.convertElementType(x, other), dtype), x), [1]), x);
      }
    }
  });

  it("float sums over several runs (an operand broadcast inside the folded axes) add in the kernel's order", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const other = dtype === "float32" ? "float64" : "float32";
      for (const [r, n] of [[2, 4], [3, 6], [3, 5], [2, 7], [5, 3], [4, 10], [7, 9], [1, 5], [6, 1]]) {
        const x = arr(ramp(2 * r * n, 0.53), [2, r, n], dtype);
        const b = arr(ramp(n, 1.7, 0.4), [n], dtype);
        const bias = (x: Tracer, b: Tracer) => lax.broadcastInDim(b, x.aval.shape, [2]);
        expectSame((x, b) => lax.reduceSum(lax.mul(x, bias(x, b)), [1, 2]), x, b);
        expectSame((x, b) => lax.reduceSum(lax.mul(lax.convertElementType(lax.convertElementType(x, other), dtype), bias(x, b)), [1, 2]), x, b);
      }
    }
  });

  it("an empty axis folds to the identity", () => {
    const empty = arr([], [3, 0]);
    expect(read(jit((x: Tracer) => lax.reduceSum(lax.exp(x), [1]))(empty))).toEqual([0, 0, 0]);
    expect(read(jit((x: Tracer) => lax.reduceMax(lax.exp(x), [1]))(empty))).toEqual([-Infinity, -Infinity, -Infinity]);
  });
});

describe("wasm compile: large flat loops on worker threads", () => {
  // (Under a loaded CI machine starting workers can take seconds: a generous timeout.)
  it("1, 2 and 4 threads give the same bits", { timeout: 180_000 }, () => {
    const n = 3 * 2 ** 18 + 3; // two or three parts of whole vectors, and one scalar tail
    const x = arr(ramp(n, 0.001), [n]);
    const f = jit((x: Tracer) => lax.mul(lax.tanh(lax.add(lax.mul(x, full(1.5, x)), full(0.25, x))), lax.exp(lax.neg(lax.mul(x, x)))));
    const before = wasmThreads();
    try {
      const dispatched: number[] = [];
      const results = [1, 2, 4].map((t) => {
        setWasmThreads(t);
        const before = threadPoolTesting.dispatches;
        const out = (f(x) as ConcreteArray).readSync().slice();
        dispatched.push(threadPoolTesting.dispatches - before);
        return out;
      });
      expect(dispatched).toEqual([0, 1, 1]); // one split call handed to workers with 2 and 4 threads
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      const xs = ramp(n, 0.001);
      for (const i of [0, 1, 262143, 262144, 524288, 600001, n - 4, n - 1]) {
        const want = Math.tanh(xs[i] * 1.5 + 0.25) * Math.exp(-(Math.fround(xs[i]) ** 2));
        expect(Math.abs(results[0][i] - want)).toBeLessThan(1e-6);
      }
    } finally {
      setWasmThreads(before);
    }
  });
});
