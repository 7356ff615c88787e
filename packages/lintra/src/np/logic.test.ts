import { describe, expect, test } from "vitest";
import { ShapeError, np } from "../index.js";

describe("np comparisons", () => {
  test("values, broadcasting and bool output", () => {
    const x = np.array([1, 2, 3]);
    expect(np.equal(x, 2).toArray()).toEqual([false, true, false]);
    expect(np.notEqual(x, 2).toArray()).toEqual([true, false, true]);
    expect(np.less(x, 2).toArray()).toEqual([true, false, false]);
    expect(np.lessEqual(x, 2).toArray()).toEqual([true, true, false]);
    expect(np.greater(x, 2).toArray()).toEqual([false, false, true]);
    expect(np.greaterEqual(x, 2).toArray()).toEqual([false, true, true]);
    expect(np.less(np.array([[1], [3]]), [2, 4]).toArray()).toEqual([[true, true], [false, true]]);
    expect(np.equal(x, 2).dtype).toBe("bool");
  });

  test("NaN compares unequal to everything, itself included", () => {
    expect(np.equal([NaN], [NaN]).toArray()).toEqual([false]);
    expect(np.notEqual([NaN], [NaN]).toArray()).toEqual([true]);
    expect(np.less([NaN], [1]).toArray()).toEqual([false]);
  });

  test("mixed dtypes compare after promotion", () => {
    expect(np.equal(np.array([1, 2], { dtype: "int32" }), [1.0, 2.5]).toArray()).toEqual([true, false]);
  });

  test("shape mismatch is a ShapeError", () => {
    expect(() => np.less(np.zeros([2]), np.zeros([3]))).toThrow(ShapeError);
    expect(() => np.less(np.zeros([2]), np.zeros([3]))).toThrow(/less: .*\[2\] and \[3\]/);
  });
});

describe("np logical functions", () => {
  const a = [true, true, false, false];
  const b = [true, false, true, false];
  test("and, or, xor, not", () => {
    expect(np.logicalAnd(a, b).toArray()).toEqual([true, false, false, false]);
    expect(np.logicalOr(a, b).toArray()).toEqual([true, true, true, false]);
    expect(np.logicalXor(a, b).toArray()).toEqual([false, true, true, false]);
    expect(np.logicalNot(a).toArray()).toEqual([false, false, true, true]);
  });

  test("numbers are truthy when nonzero", () => {
    expect(np.logicalAnd([2, 0, -1], [1, 1, 0]).toArray()).toEqual([true, false, false]);
    expect(np.logicalNot([0, 3]).toArray()).toEqual([true, false]);
  });
});

describe("np.isfinite / isnan / isinf", () => {
  const x = [1, NaN, Infinity, -Infinity, 0];
  test("floats", () => {
    expect(np.isfinite(x).toArray()).toEqual([true, false, false, false, true]);
    expect(np.isnan(x).toArray()).toEqual([false, true, false, false, false]);
    expect(np.isinf(x).toArray()).toEqual([false, false, true, true, false]);
  });

  test("integers are always finite", () => {
    const i = np.array([1, 2], { dtype: "int32" });
    expect(np.isfinite(i).toArray()).toEqual([true, true]);
    expect(np.isnan(i).toArray()).toEqual([false, false]);
    expect(np.isinf(i).toArray()).toEqual([false, false]);
  });
});

describe("np.where", () => {
  test("selects with broadcasting and promotion", () => {
    expect(np.where([true, false, true], [1, 2, 3], [10, 20, 30]).toArray()).toEqual([1, 20, 3]);
    expect(np.where(np.array([[true], [false]]), [1, 2], 0).toArray()).toEqual([[1, 2], [0, 0]]);
    expect(np.where([1, 0], np.array([1, 2], { dtype: "int32" }), 0.5).toArray()).toEqual([1, 0.5]);
  });

  test("incompatible shapes are a ShapeError", () => {
    expect(() => np.where([true, false], [1, 2, 3], 0)).toThrow(ShapeError);
  });
});
