import { type DType, type Params, type Shape, ShapedArray } from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { type Input, describeMismatch, firstMismatch, onCpu, onWasm, randomInput, sizeOf, withValues } from "../test/dot-reduce-support.js";
import { planDot } from "./dot-general.js";
import { wasmBackend, wasmMemoryStats } from "./index.js";

type DotParams = Params<"dot_general">;

const dims = (lc: number[], rc: number[], lb: number[] = [], rb: number[] = []): DotParams => ({
  lhsContracting: lc,
  rhsContracting: rc,
  lhsBatch: lb,
  rhsBatch: rb,
});

const REL: Record<DType, number> = { float32: 1e-5, float64: 1e-12, int32: 0, bool: 0 };

/**
 * dot_general on wasm against backend-cpu: int32 exactly; floats within REL × Σ|a||b| per
 * output element (the bound a reordered sum can need), with NaN and ±Inf matching exactly.
 */
function expectDotMatchesCpu(l: Input, r: Input, params: DotParams): void {
  const want = onCpu("dot_general", [l, r], params);
  const got = onWasm("dot_general", [l, r], params);
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  let tol: Float64Array | undefined;
  if (l.dtype !== "int32") {
    const abs = (x: Input): Input => ({ data: Array.from(x.data, Math.abs), shape: x.shape, dtype: "float64" });
    const scale = onCpu("dot_general", [abs(l), abs(r)], params).data;
    tol = Float64Array.from(scale, (s) => REL[l.dtype] * s + 1e-300);
  }
  // a sum of products that cancel may round to either zero
  const at = firstMismatch(got.data, want.data, tol, l.dtype === "int32");
  expect(at, describeMismatch(at, got.data, want.data)).toBe(-1);
}

const DTYPES: DType[] = ["float32", "float64", "int32"];

function check(lShape: Shape, rShape: Shape, params: DotParams, dtype: DType, seed = 1): void {
  expectDotMatchesCpu(randomInput(lShape, dtype, seed), randomInput(rShape, dtype, seed + 100), params);
}

describe("dot_general: plain matmul over sizes", () => {
  const SIZES = [0, 1, 3, 5, 17, 64, 130];
  describe.each(DTYPES)("%s", (dtype) => {
    test.each(SIZES)("M = %i, every K and N in the list", (M) => {
      for (const K of SIZES) for (const N of SIZES) check([M, K], [K, N], dims([1], [0]), dtype, M * 1000 + K * 10 + N);
    });
  });
});

const LAYOUTS: [string, Shape, Shape, DotParams][] = [
  ["matmul", [7, 9], [9, 11], dims([1], [0])],
  ["lhs transposed (contract its dim 0)", [9, 7], [9, 11], dims([0], [0])],
  ["rhs transposed (contract its dim 1)", [7, 9], [11, 9], dims([1], [1])],
  ["both transposed", [9, 7], [11, 9], dims([0], [1])],
  ["matrix · vector", [13, 6], [6], dims([1], [0])],
  ["transposed matrix · vector", [6, 13], [6], dims([0], [0])],
  ["vector · matrix", [6], [6, 13], dims([0], [0])],
  ["vector · transposed matrix", [6], [13, 6], dims([0], [1])],
  ["inner product", [37], [37], dims([0], [0])],
  ["outer product", [5], [9], dims([], [])],
  ["scalar times matrix", [], [3, 4], dims([], [])],
  ["matrix times scalar", [3, 4], [], dims([], [])],
  ["batched matmul", [2, 3, 4], [2, 4, 5], dims([2], [1], [0], [0])],
  ["batched outer products (contraction of size 1)", [4, 7, 1], [4, 1, 5], dims([2], [1], [0], [0])],
  ["batched outer products, batch last in rhs", [4, 1, 7], [5, 1, 4], dims([1], [1], [0], [2])],
  ["batch last in lhs, first in rhs", [3, 4, 2], [2, 5, 4], dims([1], [2], [2], [0])],
  ["batch in the middle of both", [3, 6, 4], [4, 6, 5], dims([2], [0], [1], [1])],
  ["two contracting dims in swapped order", [2, 3, 4, 5], [5, 6, 3], dims([3, 1], [0, 2])],
  ["two contracting dims in the same order", [2, 3, 4, 5], [4, 5, 6], dims([2, 3], [0, 1])],
  ["two batch dims paired out of order", [2, 3, 4, 5], [4, 5, 2, 6], dims([3], [1], [0, 2], [2, 0])],
  ["two free dims on each side", [2, 3, 4], [4, 5, 6], dims([2], [0])],
  ["free dims split by the contracting dim", [2, 4, 3], [5, 4, 6], dims([1], [1])],
  ["all dims batch (elementwise product)", [2, 3], [3, 2], dims([], [], [0, 1], [1, 0])],
  ["contract everything", [2, 3], [3, 2], dims([0, 1], [1, 0])],
  ["size-1 dims everywhere", [1, 5, 1, 3], [3, 1, 7], dims([3], [0], [0], [1])],
  ["empty contraction gives zeros", [3, 0], [0, 2], dims([1], [0])],
  ["empty free dim", [0, 4], [4, 2], dims([1], [0])],
  ["empty batch", [0, 2, 3], [0, 3, 1], dims([2], [1], [0], [0])],
  ["batch of empty contractions", [4, 3, 0], [4, 0, 5], dims([2], [1], [0], [0])],
];

describe.each(LAYOUTS)("dot_general layout: %s", (_name, lShape, rShape, params) => {
  test.each(DTYPES)("%s", (dtype) => check(lShape, rShape, params, dtype, lShape.length * 7 + rShape.length));
});

describe("dot_general: larger products", () => {
  test.each(DTYPES)("%s: 300×520 · 520×350, K spans several cache blocks", (dtype) => {
    check([300, 520], [520, 350], dims([1], [0]), dtype, 5);
  });
  test.each(DTYPES)("%s: transposed operands, 1e5+ elements each", (dtype) => {
    check([600, 170], [260, 600], dims([0], [1]), dtype, 6);
  });
  test.each(DTYPES)("%s: row counts that end in short tiles after several row blocks", (dtype) => {
    for (const M of [131, 137, 246, 253]) check([M, 300], [300, 45], dims([1], [0]), dtype, M);
  });
  test.each(DTYPES)("%s: transposed lhs (packed by k) with ragged row endings", (dtype) => {
    for (const M of [3, 9, 131, 137]) check([300, M], [300, 45], dims([0], [0]), dtype, M);
  });
  test.each(DTYPES)("%s: lhs strided on both dims (packed tile by tile) with ragged row endings", (dtype) => {
    for (const M of [3, 9, 137]) check([40, M, 3], [40, 45, 3], dims([0], [0], [2], [2]), dtype, M);
  });
  test("float32: N beyond one column block (2100 columns)", () => {
    check([9, 40], [40, 2100], dims([1], [0]), "float32", 7);
  });
  test("float32: batched, batch dim last on both sides", () => {
    check([33, 20, 6], [20, 47, 6], dims([1], [0], [2], [2]), "float32", 8);
  });
  test("float32: long sums stay within tolerance (K = 20000)", () => {
    check([3, 20000], [20000, 5], dims([1], [0]), "float32", 9);
  });
});

describe("dot_general: special values", () => {
  test.each(["float32", "float64"] as const)("%s: NaN and ±Inf in the operands propagate as on cpu", (dtype) => {
    const l = withValues(randomInput([9, 21], dtype, 11), [3, 40, 100, 150], [Number.NaN, Infinity, -Infinity, Infinity]);
    const r = withValues(randomInput([21, 10], dtype, 12), [7, 55, 120], [-Infinity, Number.NaN, Infinity]);
    expectDotMatchesCpu(l, r, dims([1], [0]));
  });
  test("float32: large and tiny magnitudes", () => {
    const big = (x: Input, e: number): Input => ({ ...x, data: Array.from(x.data, (v, i) => v * 2 ** (((i * 7) % (2 * e)) - e)) });
    expectDotMatchesCpu(big(randomInput([12, 30], "float32", 13), 40), big(randomInput([30, 9], "float32", 14), 40), dims([1], [0]));
  });
  test("int32: products and sums wrap like Math.imul and | 0", () => {
    const l = randomInput([5, 19], "int32", 15);
    const r = randomInput([19, 6], "int32", 16);
    expectDotMatchesCpu(l, r, dims([1], [0]));
    expect(onWasm("dot_general", [{ data: [2 ** 31 - 1, 65536], shape: [2], dtype: "int32" }, { data: [2, 65536], shape: [2], dtype: "int32" }], dims([0], [0])).data[0]).toBe(-2);
  });
});

describe("dot_general: layout planning", () => {
  const plan = (l: Shape, r: Shape, p: DotParams) => planDot(new ShapedArray(l, "float32"), new ShapedArray(r, "float32"), p);
  test("transposed operands and batch dims are read in place", () => {
    expect(plan([9, 7], [11, 9], dims([0], [1]))).toMatchObject({ lhsPerm: null, rhsPerm: null, gemm: { M: 7, K: 9, N: 11, aM: 1, aK: 7, bK: 1, bN: 9 } });
    const batched = plan([3, 4, 2], [2, 5, 4], dims([1], [2], [2], [0]));
    expect(batched).toMatchObject({ lhsPerm: null, rhsPerm: null, gemm: { batch: [{ size: 2, a: 1, b: 20 }] } });
  });
  test("contracting pairs are reordered when that avoids a copy", () => {
    expect(plan([2, 3, 4, 5], [4, 5, 6], dims([3, 2], [1, 0]))).toMatchObject({ lhsPerm: null, rhsPerm: null, gemm: { K: 20, aK: 1, bK: 6 } });
  });
  test("a copy happens only when a group of dims cannot be one stride", () => {
    const both = plan([2, 3, 4, 5], [5, 6, 3], dims([3, 1], [0, 2]));
    expect([both.lhsPerm, both.rhsPerm]).toEqual([[0, 2, 3, 1], [0, 2, 1]]);
    const one = plan([2, 3, 4, 5], [5, 3, 6], dims([3, 1], [0, 1]));
    expect([one.lhsPerm, one.rhsPerm]).toEqual([[0, 2, 3, 1], null]);
  });
});

test("dot_general frees its scratch and operand copies", () => {
  const [l, r] = [new ShapedArray([2, 3, 4, 5], "float32"), new ShapedArray([5, 6, 3], "float32")];
  const params = dims([3, 1], [0, 2]); // lhs needs a copy
  const bufs = [l, r].map((a, i) => wasmBackend.fromTyped(new Float32Array(randomInput(a.shape, "float32", i).data), a));
  const out = new ShapedArray([2, 4, 6], "float32");
  const before = wasmMemoryStats().liveBytes;
  const y = wasmBackend.kernels.dot_general!(bufs, [l, r], params, [out])[0];
  expect(wasmMemoryStats().liveBytes - before).toBe(y.bytes);
  wasmBackend.release(y);
  for (const b of bufs) wasmBackend.release(b);
});
