import type { DType, Shape } from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { type Input, describeMismatch, firstMismatch, onCpu, onWasm, randomInput, sizeOf, uniform, withValues } from "../test/dot-reduce-support.js";
import { planReduce } from "./reduce.js";

const abs64 = (x: Input): Input => ({ data: Array.from(x.data, Math.abs), shape: x.shape, dtype: "float64" });

/** Per-output tolerance for a float sum: rel × Σ|x| (reordering a sum may need that much). */
function sumTolerance(x: Input, axes: readonly number[], rel: number): Float64Array {
  const scale = onCpu("reduce_sum", [abs64(x)], { axes }).data;
  return Float64Array.from(scale, (s) => rel * s);
}

function expectSame(got: { data: ArrayLike<number>; shape: Shape; dtype: DType }, want: typeof got, tol?: ArrayLike<number>, signedZero = true) {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const at = firstMismatch(got.data, want.data, tol, signedZero);
  expect(at, describeMismatch(at, got.data, want.data)).toBe(-1);
}

type ReducePrim = "reduce_sum" | "reduce_prod" | "reduce_max" | "reduce_min";
const REL_SUM: Record<DType, number> = { float32: 1e-6, float64: 1e-12, int32: 0, bool: 0 };

/**
 * wasm against cpu: max/min and every int32 result exactly (signed zeros included);
 * float sums within REL_SUM × Σ|x|, float products within a relative 1e-6 (float32) or
 * 1e-12 (float64) of cpu's, with NaN and ±Inf matching exactly.
 */
function expectReduceMatchesCpu(prim: ReducePrim, x: Input, axes: number[]): void {
  const want = onCpu(prim, [x], { axes });
  const got = onWasm(prim, [x], { axes });
  let tol: ArrayLike<number> | undefined;
  if (x.dtype === "float32" || x.dtype === "float64") {
    if (prim === "reduce_sum") tol = sumTolerance(x, axes, REL_SUM[x.dtype]);
    if (prim === "reduce_prod") tol = Float64Array.from(want.data, (w) => Math.abs(w) * REL_SUM[x.dtype]);
  }
  expectSame(got, want, tol, tol === undefined);
}

const PRIMS_BY_DTYPE: [ReducePrim, DType][] = [
  ...(["float32", "float64", "int32"] as const).flatMap((d) => (["reduce_sum", "reduce_prod", "reduce_max", "reduce_min"] as const).map((p): [ReducePrim, DType] => [p, d])),
  ["reduce_max", "bool"],
  ["reduce_min", "bool"],
];

/** Inputs suited to a reduction: products of values near ±1 stay representable. */
function inputFor(prim: ReducePrim, shape: Shape, dtype: DType, seed: number): Input {
  const x = randomInput(shape, dtype, seed);
  if (prim !== "reduce_prod" || dtype === "int32" || dtype === "bool") return x;
  const u = uniform(sizeOf(shape), seed + 1);
  return { ...x, data: Array.from(x.data, (v, i) => (u[i] < 0.1 ? -1 : 1) * (1 + v / 64)) };
}

const CASES: [Shape, number[]][] = [
  [[2, 3, 4], [0]],
  [[2, 3, 4], [1]],
  [[2, 3, 4], [2]],
  [[2, 3, 4], [0, 2]],
  [[2, 3, 4], [2, 0]],
  [[2, 3, 4], [0, 1, 2]],
  [[2, 3, 4], []],
  [[5], [0]],
  [[], []],
  [[1, 7, 1], [1]],
  [[7, 1], [0]],
  [[3, 1, 5], [0, 1]],
  [[131], [0]],
  [[6, 37], [1]],
  [[37, 6], [0]],
  [[5, 130], [0]],
  [[130, 5], [1]],
  [[4, 5, 6, 7], [1, 3]],
  [[4, 5, 6, 7], [0, 2]],
  [[4, 5, 6, 7], [3, 1, 0]],
  [[3, 0, 4], [1]],
  [[3, 0, 4], [0]],
  [[0, 5], [1]],
];

describe.each(PRIMS_BY_DTYPE)("%s on %s", (prim, dtype) => {
  test.each(CASES)("shape %j over axes %j", (shape, axes) => {
    expectReduceMatchesCpu(prim, inputFor(prim, shape, dtype, sizeOf(shape) + axes.length), axes);
  });
  test("large inputs (1.2e5 elements) over each axis and both", () => {
    const x = inputFor(prim, [300, 400], dtype, 3);
    for (const axes of [[0], [1], [0, 1]]) expectReduceMatchesCpu(prim, x, axes);
  });
});

describe("reductions: special values", () => {
  const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 3e38, -3e38, 1e-45, 1e300, 5e-324];
  test.each(["reduce_sum", "reduce_prod", "reduce_max", "reduce_min"] as const)("%s: NaN, ±Inf, -0 and extreme magnitudes", (prim) => {
    for (const dtype of ["float32", "float64"] as const) {
      for (const [shape, axes] of [[[9, 40], [1]], [[40, 9], [0]], [[360], [0]]] as [Shape, number[]][]) {
        const x = randomInput(shape, dtype, 4);
        const at = Array.from({ length: 60 }, (_, i) => (i * 97) % sizeOf(shape));
        expectReduceMatchesCpu(prim, withValues(x, at, SPECIAL), axes);
      }
    }
  });
  test("max and min of signed zeros: +0 beats -0 in max, -0 in min", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x: Input = { data: [-0, 0, -0, -0, -0, -0, 0, -0, 0, 0, 0, 0], shape: [3, 4], dtype };
      for (const axes of [[0], [1], [0, 1]]) {
        expectReduceMatchesCpu("reduce_max", x, axes);
        expectReduceMatchesCpu("reduce_min", x, axes);
      }
      expect(Object.is(onWasm("reduce_max", [{ data: [-0, -0, -0, -0, -0], shape: [5], dtype }], { axes: [0] }).data[0], -0)).toBe(true);
    }
  });
  test("float32 sums accumulate in float64: no overflow mid-sum, no drift", () => {
    const x: Input = { data: [3e38, 3e38, -3e38, -3e38, 1], shape: [5], dtype: "float32" };
    expect(onWasm("reduce_sum", [x], { axes: [0] }).data[0]).toBe(1);
    const ones: Input = { data: new Float32Array(2 ** 25 + 8).fill(1), shape: [2 ** 25 + 8], dtype: "float32" };
    expect(onWasm("reduce_sum", [ones], { axes: [0] }).data[0]).toBe(2 ** 25 + 8);
  });
  test("empty reductions give the identity for every dtype", () => {
    const cases: [ReducePrim, DType, number][] = [
      ["reduce_sum", "float32", 0], ["reduce_prod", "float64", 1], ["reduce_max", "float32", -Infinity], ["reduce_min", "float64", Infinity],
      ["reduce_max", "int32", -2147483648], ["reduce_min", "int32", 2147483647], ["reduce_max", "bool", 0], ["reduce_min", "bool", 1],
      ["reduce_sum", "int32", 0], ["reduce_prod", "int32", 1],
    ];
    for (const [prim, dtype, want] of cases) {
      const got = onWasm(prim, [{ data: [], shape: [2, 0], dtype }], { axes: [1] });
      expect([...got.data], `${prim} ${dtype}`).toEqual([want, want]);
    }
  });
  test("int32 sums and products wrap", () => {
    const x: Input = { data: [2147483647, 1, 65536, 65536, -2147483648, -1], shape: [3, 2], dtype: "int32" };
    expect([...onWasm("reduce_sum", [x], { axes: [1] }).data]).toEqual([-2147483648, 131072, 2147483647]);
    expect([...onWasm("reduce_prod", [x], { axes: [1] }).data]).toEqual([2147483647, 0, -2147483648]);
  });
});

describe.each(["argmax", "argmin"] as const)("%s", (prim) => {
  const SHAPES: [Shape, number][] = [[[5], 0], [[2, 3, 4], 0], [[2, 3, 4], 1], [[2, 3, 4], 2], [[131, 3], 0], [[3, 131], 1], [[1, 1], 1], [[0, 4], 1], [[300, 400], 0], [[300, 400], 1]];
  describe.each(["float32", "float64", "int32", "bool"] as const)("%s", (dtype) => {
    test.each(SHAPES)("shape %j along axis %i (with ties)", (shape, axis) => {
      // few distinct values, so ties are common and "first" matters
      const x = randomInput(shape, dtype, 5, false);
      const tied = dtype === "int32" || dtype === "bool" ? x : { ...x, data: Array.from(x.data, (v) => Math.round(v * 3)) };
      expectSame(onWasm(prim, [tied], { axis }), onCpu(prim, [tied], { axis }));
    });
  });
  test("the first NaN wins; ±Inf are ordinary extremes", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const rows = [
        [1, Number.NaN, 3, Number.NaN],
        [Number.NaN, 1, 2, 3],
        [-Infinity, Infinity, Infinity, -Infinity],
        [2, 2, 2, 2],
        [-0, 0, -0, 0],
      ];
      const x: Input = { data: rows.flat(), shape: [rows.length, 4], dtype };
      expectSame(onWasm(prim, [x], { axis: 1 }), onCpu(prim, [x], { axis: 1 }));
      const xt: Input = { data: [0, 1, 2, 3].flatMap((i) => rows.map((r) => r[i])), shape: [4, rows.length], dtype };
      expectSame(onWasm(prim, [xt], { axis: 0 }), onCpu(prim, [xt], { axis: 0 }));
    }
  });
});

describe("cumsum", () => {
  const SHAPES: [Shape, number][] = [[[5], 0], [[2, 3, 4], 0], [[2, 3, 4], 1], [[2, 3, 4], 2], [[37, 19], 0], [[19, 37], 1], [[3, 1], 1], [[0, 3], 0], [[4, 0], 0], [[400, 300], 0], [[300, 400], 1]];
  describe.each(["float32", "float64", "int32"] as const)("%s", (dtype) => {
    test.each(SHAPES)("shape %j along axis %i, both directions", (shape, axis) => {
      const x = randomInput(shape, dtype, 6);
      for (const reverse of [false, true]) {
        const want = onCpu("cumsum", [x], { axis, reverse });
        const got = onWasm("cumsum", [x], { axis, reverse });
        let tol: Float64Array | undefined;
        if (dtype !== "int32") {
          const scale = onCpu("cumsum", [abs64(x)], { axis, reverse }).data;
          tol = Float64Array.from(scale, (s) => REL_SUM[dtype] * s);
        }
        expectSame(got, want, tol, dtype === "int32");
      }
    });
  });
  test("float32 running sums keep float64 precision between steps", () => {
    const x: Input = { data: [3e38, 3e38, -3e38, -3e38, 1, 2 ** -30], shape: [6], dtype: "float32" };
    expect([...onWasm("cumsum", [x], { axis: 0, reverse: false }).data]).toEqual([...onCpu("cumsum", [x], { axis: 0, reverse: false }).data]);
    expect(onWasm("cumsum", [x], { axis: 0, reverse: false }).data[4]).toBe(1);
  });
  test("NaN and ±Inf carry forward", () => {
    const x = withValues(randomInput([6, 8], "float32", 7), [3, 17, 30], [Number.NaN, Infinity, -Infinity]);
    for (const axis of [0, 1]) {
      for (const reverse of [false, true]) {
        const want = onCpu("cumsum", [x], { axis, reverse });
        const tol = Float64Array.from(onCpu("cumsum", [abs64(x)], { axis, reverse }).data, (s) => 1e-6 * s);
        expectSame(onWasm("cumsum", [x], { axis, reverse }), want, tol, false);
      }
    }
  });
});

describe("reduction planning", () => {
  test("reduced axes are walked largest stride first and merged when adjacent", () => {
    const p = planReduce([4, 5, 6, 7], [3, 2], 4, 4);
    expect(p.reduced).toEqual([{ size: 42, strides: [4] }]);
    expect(p.outer).toEqual([{ size: 20, strides: [4, 168] }]);
    expect(planReduce([4, 5, 6], [2, 0], 4, 4).reduced).toEqual([
      { size: 4, strides: [120] },
      { size: 6, strides: [4] },
    ]);
  });
});
