import { type DType, type Params, setBackend } from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { arr, eval_, multiIndices, randoms, ravel, sizeOf, wrap32 } from "../test/oracle.js";
import { cpuBackend } from "./index.js";

setBackend(cpuBackend);

type DotParams = Params<"dot_general">;

/**
 * The naive oracle: for every output index (batch…, lhs free…, rhs free…) and every
 * contracting multi-index, place each coordinate where the params say and multiply.
 * Sums in BigInt when `exact` (int32), else in doubles.
 */
function dotOracle(l: number[], lShape: number[], r: number[], rShape: number[], p: DotParams, exact = false): number[] {
  const free = (n: number, used: readonly number[]) => Array.from({ length: n }, (_, d) => d).filter((d) => !used.includes(d));
  const lFree = free(lShape.length, [...p.lhsBatch, ...p.lhsContracting]);
  const rFree = free(rShape.length, [...p.rhsBatch, ...p.rhsContracting]);
  const outShape = [...p.lhsBatch.map((d) => lShape[d]), ...lFree.map((d) => lShape[d]), ...rFree.map((d) => rShape[d])];
  const contractShape = p.lhsContracting.map((d) => lShape[d]);
  const nb = p.lhsBatch.length;
  return multiIndices(outShape).map((o) => {
    let sum = 0;
    let big = 0n;
    for (const c of multiIndices(contractShape)) {
      const li = new Array<number>(lShape.length);
      const ri = new Array<number>(rShape.length);
      p.lhsBatch.forEach((d, t) => (li[d] = o[t]));
      p.rhsBatch.forEach((d, t) => (ri[d] = o[t]));
      lFree.forEach((d, t) => (li[d] = o[nb + t]));
      rFree.forEach((d, t) => (ri[d] = o[nb + lFree.length + t]));
      p.lhsContracting.forEach((d, t) => (li[d] = c[t]));
      p.rhsContracting.forEach((d, t) => (ri[d] = c[t]));
      const a = l[ravel(li, lShape)];
      const b = r[ravel(ri, rShape)];
      if (exact) big += BigInt(a) * BigInt(b);
      else sum += a * b;
    }
    return exact ? wrap32(big) : sum;
  });
}

const dims = (lc: number[], rc: number[], lb: number[] = [], rb: number[] = []): DotParams => ({
  lhsContracting: lc,
  rhsContracting: rc,
  lhsBatch: lb,
  rhsBatch: rb,
});

const CASES: [string, number[], number[], DotParams, number[]][] = [
  ["matmul", [3, 4], [4, 5], dims([1], [0]), [3, 5]],
  ["matmul, K not a multiple of 4", [3, 7], [7, 2], dims([1], [0]), [3, 2]],
  ["matmul of transposes", [9, 3], [2, 9], dims([0], [1]), [3, 2]],
  ["matrix-vector", [3, 4], [4], dims([1], [0]), [3]],
  ["vector-matrix", [4], [4, 6], dims([0], [0]), [6]],
  ["inner product", [5], [5], dims([0], [0]), []],
  ["outer product", [3], [4], dims([], []), [3, 4]],
  ["scalar times matrix", [], [2, 3], dims([], []), [2, 3]],
  ["batched matmul", [2, 3, 4], [2, 4, 5], dims([2], [1], [0], [0]), [2, 3, 5]],
  ["batch last in lhs, first in rhs", [3, 4, 2], [2, 5, 4], dims([1], [2], [2], [0]), [2, 3, 5]],
  ["two contracting dims in swapped order", [2, 3, 4, 5], [5, 6, 3], dims([3, 1], [0, 2]), [2, 4, 6]],
  ["two batch dims paired out of order", [2, 3, 4, 5], [4, 5, 2, 6], dims([3], [1], [0, 2], [2, 0]), [2, 4, 3, 6]],
  ["all dims batch (elementwise product)", [2, 3], [3, 2], dims([], [], [0, 1], [1, 0]), [2, 3]],
  ["contract everything", [2, 3], [3, 2], dims([0, 1], [1, 0]), []],
  ["empty contraction gives zeros", [3, 0], [0, 2], dims([1], [0]), [3, 2]],
  ["empty free dim", [0, 4], [4, 2], dims([1], [0]), [0, 2]],
  ["empty batch", [0, 2, 3], [0, 3, 1], dims([2], [1], [0], [0]), [0, 2, 1]],
];

describe("dot_general", () => {
  describe.each(CASES)("%s: %j · %j", (_name, lShape, rShape, params, outShape) => {
    test("float64 against the naive oracle", () => {
      const l = randoms(sizeOf(lShape), 1);
      const r = randoms(sizeOf(rShape), 2);
      const { data, shape } = eval_("dot_general", [arr(l, lShape), arr(r, rShape)], params);
      expect(shape).toEqual(outShape);
      expect(data).toBeInstanceOf(Float64Array);
      expect(data).toBeAllclose(dotOracle(l, lShape, r, rShape, params), { rtol: 1e-13, atol: 1e-15 });
    });

    test("float32 rounds the double-precision sum once", () => {
      const l = randoms(sizeOf(lShape), 3).map(Math.fround);
      const r = randoms(sizeOf(rShape), 4).map(Math.fround);
      const { data } = eval_("dot_general", [arr(l, lShape, "float32"), arr(r, rShape, "float32")], params);
      expect(data).toBeInstanceOf(Float32Array);
      expect(data).toBeAllclose(dotOracle(l, lShape, r, rShape, params), { rtol: 6e-8, atol: 1e-12 });
    });

    test("int32 is exact with wraparound", () => {
      const big = (seed: number, n: number) => randoms(n, seed, -2147483648, 2147483647).map(Math.floor);
      const l = big(5, sizeOf(lShape));
      const r = big(6, sizeOf(rShape));
      const { data } = eval_("dot_general", [arr(l, lShape, "int32"), arr(r, rShape, "int32")], params);
      expect(data).toBeInstanceOf(Int32Array);
      expect([...data]).toEqual(dotOracle(l, lShape, r, rShape, params, true));
    });
  });

  test("matmul by hand", () => {
    const { data } = eval_("dot_general", [arr([1, 2, 3, 4, 5, 6], [2, 3]), arr([7, 8, 9, 10, 11, 12], [3, 2])], dims([1], [0]));
    expect([...data]).toEqual([58, 64, 139, 154]);
    const ints = eval_("dot_general", [arr([65536, 1], [1, 2], "int32"), arr([65536, 5], [2, 1], "int32")], dims([1], [0]));
    expect([...ints.data]).toEqual([5]);
  });

  test("NaN and Inf propagate: zeros are multiplied, never skipped", () => {
    const l = arr([0, 1, 1, 1, 1, 0], [3, 2]);
    const r = arr([Infinity, 1, 2, 5], [2, 2]);
    // rows: [0·Inf + 1·2, 0·1 + 1·5], [1·Inf + 1·2, 1 + 5], [1·Inf + 0·2, 1 + 0]
    expect(eval_("dot_general", [l, r], dims([1], [0])).data).toBeAllclose([NaN, 5, Infinity, 6, Infinity, 1]);
    expect(eval_("dot_general", [l, arr([Infinity, 0, -Infinity, 0], [2, 2])], dims([1], [0])).data).toBeAllclose([NaN, 0, NaN, 0, NaN, 0]);
    expect(eval_("dot_general", [arr([NaN, 0]), arr([0, 0])], dims([0], [0])).data).toBeAllclose([NaN]);
  });

  test.each(["float32", "float64", "int32"] as DType[])("does not modify its operands (%s)", (dtype) => {
    const lData = [1, 2, 3, 4, 5, 6];
    const l = arr(lData, [3, 2], dtype);
    const r = arr(lData, [2, 3], dtype);
    eval_("dot_general", [l, r], dims([0], [1]));
    expect([...l.readSync()]).toEqual(lData);
    expect([...r.readSync()]).toEqual(lData);
  });
});
