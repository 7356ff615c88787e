import { type DType, type Shape, setBackend } from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { arr, eval_, expectSameZeros, multiIndices, randoms, ravel, wrap32 } from "../test/oracle.js";
import { cpuBackend } from "./index.js";

setBackend(cpuBackend);

/** Reduction oracle: visit every input element and fold it into the output element it belongs to. */
function reduceOracle(x: number[], shape: Shape, axes: number[], init: number, step: (a: number, v: number) => number): number[] {
  const outShape = shape.filter((_, d) => !axes.includes(d));
  const out = new Array<number>(outShape.reduce((a, b) => a * b, 1)).fill(init);
  multiIndices(shape).forEach((idx, i) => {
    const o = ravel(idx.filter((_, d) => !axes.includes(d)), outShape);
    out[o] = step(out[o], x[i]);
  });
  return out;
}

const nanMax = (a: number, v: number) => (Number.isNaN(a) || Number.isNaN(v) ? NaN : v > a ? v : a);
const nanMin = (a: number, v: number) => (Number.isNaN(a) || Number.isNaN(v) ? NaN : v < a ? v : a);

const CASES: [number[], number[]][] = [
  [[2, 3, 4], [0]],
  [[2, 3, 4], [1]],
  [[2, 3, 4], [2]],
  [[2, 3, 4], [0, 2]],
  [[2, 3, 4], [2, 0]],
  [[2, 3, 4], [0, 1, 2]],
  [[2, 3, 4], []],
  [[5], [0]],
  [[], []],
];

describe.each([
  ["reduce_sum", 0, (a: number, v: number) => a + v],
  ["reduce_prod", 1, (a: number, v: number) => a * v],
  ["reduce_max", -Infinity, nanMax],
  ["reduce_min", Infinity, nanMin],
] as const)("%s", (prim, init, step) => {
  test.each(CASES)("float64 %j over axes %j against the oracle", (shape, axes) => {
    const x = randoms(shape.reduce((a, b) => a * b, 1), 7, 0.5, 1.5);
    const { data, shape: s } = eval_(prim, [arr(x, shape)], { axes });
    expect(s).toEqual(shape.filter((_, d) => !axes.includes(d)));
    expect(data).toBeAllclose(reduceOracle(x, shape, axes, init, step), { rtol: 1e-14, atol: 0 });
  });

  test("empty reductions give the identity", () => {
    const { data, shape } = eval_(prim, [arr([], [3, 0])], { axes: [1] });
    expect(shape).toEqual([3]);
    expect([...data]).toEqual([init, init, init]);
    expect([...eval_(prim, [arr([], [0], "float32")], { axes: [0] }).data]).toEqual([init]);
    expect(eval_(prim, [arr([], [0, 2])], { axes: [1] }).shape).toEqual([0]);
  });

  test("NaN propagates", () => {
    const { data } = eval_(prim, [arr([1, NaN, 2, 3, 4, 5], [2, 3])], { axes: [1] });
    expect(data).toBeAllclose([NaN, step(step(step(init, 3), 4), 5)]);
  });
});

describe("reduce_sum", () => {
  test("float32 accumulates in float64 and rounds once", () => {
    // In float32 arithmetic 2^24 + 1 rounds back to 2^24 every time; in float64 the sum is 2^24 + 4.
    const { data } = eval_("reduce_sum", [arr([16777216, 1, 1, 1, 1], [5], "float32")], { axes: [0] });
    expect(data).toBeInstanceOf(Float32Array);
    expect([...data]).toEqual([16777220]);
  });

  test("int32 wraps exactly", () => {
    const x = [2147483647, 1, 2147483647, 2147483647, -5, 123456789];
    const { data } = eval_("reduce_sum", [arr(x, [6], "int32")], { axes: [0] });
    expect([...data]).toEqual([wrap32(x.reduce((a, v) => a + BigInt(v), 0n))]);
    expect([...eval_("reduce_sum", [arr([1, 2, 3, 4], [2, 2], "int32")], { axes: [0] }).data]).toEqual([4, 6]);
  });

  test("Inf - Inf is NaN", () => {
    expect(eval_("reduce_sum", [arr([Infinity, 1, -Infinity])], { axes: [0] }).data).toBeAllclose([NaN]);
  });
});

describe("reduce_prod", () => {
  test("int32 wraps exactly", () => {
    const x = [65536, 65536, 3, 7, -11, 123457];
    const { data } = eval_("reduce_prod", [arr(x, [2, 3], "int32")], { axes: [1] });
    expect([...data]).toEqual([0, wrap32(7n * -11n * 123457n)]);
    const big = [123456789, 987654321, -3];
    expect([...eval_("reduce_prod", [arr(big, [3], "int32")], { axes: [0] }).data]).toEqual([wrap32(123456789n * 987654321n * -3n)]);
  });

  test("float32 and zeros", () => {
    expect(eval_("reduce_prod", [arr([1.5, -2, 0.25, 0, 7, 1], [2, 3], "float32")], { axes: [1] }).data).toBeAllclose([-0.75, 0]);
    expectSameZeros(eval_("reduce_prod", [arr([-0, 3])], { axes: [0] }).data, [-0]);
  });
});

describe("reduce_max and reduce_min", () => {
  test("int32 and their empty identities", () => {
    const x = arr([3, -2147483648, 2147483647, 0], [2, 2], "int32");
    expect([...eval_("reduce_max", [x], { axes: [1] }).data]).toEqual([3, 2147483647]);
    expect([...eval_("reduce_min", [x], { axes: [0] }).data]).toEqual([3, -2147483648]);
    expect([...eval_("reduce_max", [arr([], [0], "int32")], { axes: [0] }).data]).toEqual([-2147483648]);
    expect([...eval_("reduce_min", [arr([], [0], "int32")], { axes: [0] }).data]).toEqual([2147483647]);
  });

  test("bool max is or, min is and", () => {
    const x = arr([0, 0, 0, 1, 1, 1], [3, 2], "bool");
    expect([...eval_("reduce_max", [x], { axes: [1] }).data]).toEqual([0, 1, 1]);
    expect([...eval_("reduce_min", [x], { axes: [1] }).data]).toEqual([0, 0, 1]);
    expect([...eval_("reduce_max", [arr([], [0], "bool")], { axes: [0] }).data]).toEqual([0]);
    expect([...eval_("reduce_min", [arr([], [0], "bool")], { axes: [0] }).data]).toEqual([1]);
  });

  test("infinities and float32", () => {
    expect([...eval_("reduce_max", [arr([-Infinity, -Infinity], [2], "float32")], { axes: [0] }).data]).toEqual([-Infinity]);
    expect([...eval_("reduce_min", [arr([Infinity, 2.5, 1e30], [3], "float32")], { axes: [0] }).data]).toEqual([2.5]);
  });
});

describe.each([
  ["argmax", (v: number, best: number) => v > best],
  ["argmin", (v: number, best: number) => v < best],
] as const)("%s", (prim, better) => {
  /** First index along `axis` whose value beats all earlier ones; a NaN wins at once. */
  function oracle(x: number[], shape: number[], axis: number): number[] {
    const outShape = shape.filter((_, d) => d !== axis);
    return multiIndices(outShape).map((o) => {
      let at = 0;
      const get = (k: number) => x[ravel([...o.slice(0, axis), k, ...o.slice(axis)], shape)];
      for (let k = 0; k < shape[axis]; k++) {
        if (Number.isNaN(get(k))) return k;
        if (better(get(k), get(at))) at = k;
      }
      return at;
    });
  }

  test.each([
    [[4, 5], 0],
    [[4, 5], 1],
    [[2, 3, 4], 1],
    [[6], 0],
  ])("%j along %i against the oracle, with ties", (shape, axis) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = randoms(n, 3).map((v) => Math.round(v * 3)); // few distinct values: many ties
    const { data, shape: s } = eval_(prim, [arr(x, shape)], { axis });
    expect(data).toBeInstanceOf(Int32Array);
    expect(s).toEqual(shape.filter((_, d) => d !== axis));
    expect([...data]).toEqual(oracle(x, shape, axis));
  });

  test("first extreme wins ties; the first NaN wins outright", () => {
    const extreme = prim === "argmax" ? 9 : -9;
    expect([...eval_(prim, [arr([1, extreme, 3, extreme])], { axis: 0 }).data]).toEqual([1]);
    expect([...eval_(prim, [arr([1, NaN, extreme, NaN])], { axis: 0 }).data]).toEqual([1]);
    expect([...eval_(prim, [arr([NaN, NaN])], { axis: 0 }).data]).toEqual([0]);
    expect([...eval_(prim, [arr([extreme, 0, NaN])], { axis: 0 }).data]).toEqual([2]);
  });

  test("infinities, single elements, empty outer dims", () => {
    const inf = prim === "argmax" ? -Infinity : Infinity;
    expect([...eval_(prim, [arr([inf, inf, inf])], { axis: 0 }).data]).toEqual([0]);
    expect([...eval_(prim, [arr([5], [1, 1])], { axis: 1 }).data]).toEqual([0]);
    expect(eval_(prim, [arr([], [0, 3])], { axis: 1 }).shape).toEqual([0]);
  });

  test.each(["int32", "float32", "bool"] as DType[])("%s", (dtype) => {
    const x = dtype === "bool" ? [0, 1, 1, 1, 0, 0] : [3, 7, 7, -2147483648, 7, -2147483648];
    const want = dtype === "bool" ? (prim === "argmax" ? [1, 0] : [0, 1]) : prim === "argmax" ? [1, 1] : [0, 0];
    expect([...eval_(prim, [arr(x, [2, 3], dtype)], { axis: 1 }).data]).toEqual(want);
  });
});

describe("cumsum", () => {
  function oracle(x: number[], shape: number[], axis: number, reverse: boolean): number[] {
    return multiIndices(shape).map((idx) => {
      let s = 0;
      for (let k = 0; k < shape[axis]; k++) {
        if (reverse ? k >= idx[axis] : k <= idx[axis]) s += x[ravel(idx.map((v, d) => (d === axis ? k : v)), shape)];
      }
      return s;
    });
  }

  test("by hand", () => {
    expect([...eval_("cumsum", [arr([1, 2, 3, 4])], { axis: 0, reverse: false }).data]).toEqual([1, 3, 6, 10]);
    expect([...eval_("cumsum", [arr([1, 2, 3, 4])], { axis: 0, reverse: true }).data]).toEqual([10, 9, 7, 4]);
    expect([...eval_("cumsum", [arr([1, 2, 3, 4, 5, 6], [2, 3])], { axis: 0, reverse: false }).data]).toEqual([1, 2, 3, 5, 7, 9]);
  });

  test.each([
    [[3, 4], 0, false],
    [[3, 4], 1, true],
    [[2, 3, 4], 1, false],
    [[2, 3, 4], 2, true],
    [[2, 0, 3], 2, false],
    [[5], 0, true],
  ] as const)("%j along %i (reverse %s) against the oracle", (shape, axis, reverse) => {
    const x = randoms(shape.reduce((a, b) => a * b, 1), 11);
    const { data, shape: s } = eval_("cumsum", [arr(x, [...shape])], { axis, reverse });
    expect(s).toEqual(shape);
    expect(data).toBeAllclose(oracle(x, [...shape], axis, reverse), { rtol: 1e-14, atol: 1e-15 });
  });

  test("int32 wraps, float32 accumulates in float64, NaN carries forward", () => {
    expect([...eval_("cumsum", [arr([2147483647, 1, 1], [3], "int32")], { axis: 0, reverse: false }).data]).toEqual([2147483647, -2147483648, -2147483647]);
    const f = eval_("cumsum", [arr([16777216, 1, 1], [3], "float32")], { axis: 0, reverse: false }).data;
    expect([...f]).toEqual([16777216, 16777216, 16777218]);
    expect(eval_("cumsum", [arr([1, NaN, 2])], { axis: 0, reverse: false }).data).toBeAllclose([1, NaN, NaN]);
    expect(eval_("cumsum", [arr([1, NaN, 2])], { axis: 0, reverse: true }).data).toBeAllclose([NaN, NaN, 2]);
  });
});
