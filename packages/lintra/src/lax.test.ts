import { describe, expect, test } from "vitest";
import { DTypeError, ShapeError, lax, np } from "./index.js";

const i32 = (data: number[] | number[][]) => np.array(data, { dtype: "int32" });

describe("lax elementwise", () => {
  test("binary operations take operands of one shape and dtype", () => {
    expect(lax.add(np.array([1, 2]), np.array([3, 4])).toArray()).toEqual([4, 6]);
    expect(lax.div(i32([7, -7]), i32([2, 2])).toArray()).toEqual([3, -3]);
    expect(lax.rem(i32([7, -7]), i32([3, 3])).toArray()).toEqual([1, -1]);
    expect(lax.atan2(np.array([1]), np.array([0])).toArray()).toBeAllclose([Math.PI / 2]);
  });

  test("no broadcasting and no promotion", () => {
    expect(() => lax.add(np.zeros([2]), np.zeros([1]))).toThrow(ShapeError);
    expect(() => lax.add(np.zeros([2]), np.zeros([1]))).toThrow(/add: operands must have the same shape/);
    expect(() => lax.mul(np.zeros([2]), i32([1, 2]))).toThrow(DTypeError);
    expect(() => lax.mul(np.zeros([2]), i32([1, 2]))).toThrow(/mul: operands must have the same dtype, got f32\[2\], i32\[2\]/);
  });

  test("round, rsqrt, logistic, erf, isFinite, not", () => {
    expect(lax.round(np.array([0.5, -0.5, 1.5])).toArray()).toEqual([1, -1, 2]);
    expect(lax.rsqrt(np.array([4])).toArray()).toBeAllclose([0.5]);
    expect(lax.logistic(np.array([0])).toArray()).toEqual([0.5]);
    expect(lax.erf(np.array([0, 1])).toArray()).toBeAllclose([0, 0.8427007929497149]);
    expect(lax.isFinite(np.array([1, Infinity])).toArray()).toEqual([true, false]);
    expect(lax.not(np.array([true, false])).toArray()).toEqual([false, true]);
  });

  test("select, convertElementType, iota", () => {
    expect(lax.select(np.array([true, false]), np.array([1, 2]), np.array([3, 4])).toArray()).toEqual([1, 4]);
    expect(lax.convertElementType(np.array([2.7]), "int32").toArray()).toEqual([2]);
    expect(lax.iota("int32", [2, 3], 1).toArray()).toEqual([[0, 1, 2], [0, 1, 2]]);
  });
});

describe("lax reductions and contractions", () => {
  const x = np.array([[1, 2, 3], [4, 5, 6]]);
  test("reduce_*, argmax, cumsum", () => {
    expect(lax.reduceSum(x, [0]).toArray()).toEqual([5, 7, 9]);
    expect(lax.reduceMax(x, [0, 1]).toArray()).toBe(6);
    expect(lax.reduceMin(x, [1]).toArray()).toEqual([1, 4]);
    expect(lax.reduceProd(x, [1]).toArray()).toEqual([6, 120]);
    expect(lax.argmax(x, 1).toArray()).toEqual([2, 2]);
    expect(lax.argmin(x, 0).toArray()).toEqual([0, 0, 0]);
    expect(lax.cumsum(x, 1).toArray()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(lax.cumsum(x, 1, { reverse: true }).toArray()).toEqual([[6, 5, 3], [15, 11, 6]]);
  });

  test("dotGeneral with batch dims", () => {
    const a = np.array([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
    const b = np.array([[[1], [1]], [[2], [0]]]); // [2, 2, 1]
    const out = lax.dotGeneral(a, b, { lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0] });
    expect(out.toArray()).toEqual([[[3]], [[6]]]);
  });
});

describe("lax movement", () => {
  const x = np.array([[1, 2, 3], [4, 5, 6]]);
  test("broadcastInDim, reshape, transpose, rev", () => {
    expect(lax.broadcastInDim(np.array([1, 2]), [2, 3], [0]).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(lax.reshape(x, [3, 2]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(lax.transpose(x, [1, 0]).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(lax.rev(x, [0, 1]).toArray()).toEqual([[6, 5, 4], [3, 2, 1]]);
  });

  test("slice, pad (value operand, interior, negative crop), concatenate", () => {
    expect(lax.slice(x, [0, 1], [2, 3]).toArray()).toEqual([[2, 3], [5, 6]]);
    expect(lax.slice(x, [0, 0], [2, 3], [1, 2]).toArray()).toEqual([[1, 3], [4, 6]]);
    expect(lax.pad(np.array([1, 2]), np.array(0), [[1, 2, 1]]).toArray()).toEqual([0, 1, 0, 2, 0, 0]);
    expect(lax.pad(np.array([1, 2, 3]), np.array(9), [[-1, 1, 0]]).toArray()).toEqual([2, 3, 9]);
    expect(lax.concatenate([x, x], 1).shape).toEqual([2, 6]);
  });
});

describe("lax indexing", () => {
  const x = np.array([[1, 2, 3], [4, 5, 6]]);
  test("gather puts the index shape first and clamps", () => {
    expect(lax.gather(x, [i32([2, 0])], [1]).toArray()).toEqual([[3, 6], [1, 4]]);
    expect(lax.gather(x, [i32([1, 0]), i32([2, 9])], [0, 1]).toArray()).toEqual([6, 3]);
  });

  test("scatterAdd accumulates duplicates", () => {
    expect(lax.scatterAdd(np.zeros([3]), np.array([1, 2, 3]), [i32([0, 2, 0])], [0]).toArray()).toEqual([4, 0, 2]);
  });

  test("dynamicSlice and dynamicUpdateSlice clamp their starts", () => {
    const s = np.array(2, { dtype: "int32" });
    const z = np.array(0, { dtype: "int32" });
    expect(lax.dynamicSlice(x, [z, s], [2, 2]).toArray()).toEqual([[2, 3], [5, 6]]);
    expect(lax.dynamicUpdateSlice(x, np.array([[0, 0]]), [z, s]).toArray()).toEqual([[1, 0, 0], [4, 5, 6]]);
  });
});
