import { describe, expect, test } from "vitest";
import { DTypeError, ShapeError, np } from "../index.js";

const x = () => np.array([[10, 11, 12], [20, 21, 22]]);

describe("np.take", () => {
  test("flattened when axis is omitted", () => {
    expect(np.take(x(), [0, 4, 5]).toArray()).toEqual([10, 21, 22]);
    expect(np.take(x(), 3).toArray()).toBe(20);
  });

  test("along axis 0 and 1, with the index shape in the axis's place", () => {
    expect(np.take(x(), [1, 0, 1], 0).toArray()).toEqual([[20, 21, 22], [10, 11, 12], [20, 21, 22]]);
    expect(np.take(x(), [2, 0], 1).toArray()).toEqual([[12, 10], [22, 20]]);
    expect(np.take(x(), [[2], [1]], 1).toArray()).toEqual([[[12], [11]], [[22], [21]]]);
    expect(np.take(x(), [[2], [1]], 1).shape).toEqual([2, 2, 1]);
    // axis 1 of a [2, 3, 2] array with indices of shape [2]: [2, 2, 2]
    const y = np.arange(12).reshape(2, 3, 2);
    expect(np.take(y, [2, 0], 1).toArray()).toEqual([[[4, 5], [0, 1]], [[10, 11], [6, 7]]]);
  });

  test("negative indices wrap, negative axes count from the end", () => {
    expect(np.take(x(), [-1, -3], -1).toArray()).toEqual([[12, 10], [22, 20]]);
    expect(np.take(x(), -1, 0).toArray()).toEqual([20, 21, 22]);
  });

  test("index arrays must be integers", () => {
    expect(() => np.take(x(), np.array([0.5]))).toThrow(DTypeError);
    expect(() => np.take(x(), np.array([0.5]))).toThrow(/take: indices have dtype float32/);
    expect(() => np.take(x(), 0.5)).toThrow(DTypeError);
    expect(() => np.take(x(), [0], 2)).toThrow(ShapeError);
  });
});

describe("np.takeAlongAxis", () => {
  test("picks per row along the last axis", () => {
    const idx = np.array([[2, 0], [1, 1]], { dtype: "int32" });
    expect(np.takeAlongAxis(x(), idx, 1).toArray()).toEqual([[12, 10], [21, 21]]);
    expect(np.takeAlongAxis(x(), idx, -1).toArray()).toEqual([[12, 10], [21, 21]]);
  });

  test("along axis 0 and with broadcasting of the other axes", () => {
    expect(np.takeAlongAxis(x(), [[1, 0, 1]], 0).toArray()).toEqual([[20, 11, 22]]);
    // indices of shape [1, 1] broadcast against the 2 rows
    expect(np.takeAlongAxis(x(), [[0]], 1).toArray()).toEqual([[10], [20]]);
  });

  test("argmax indices pick the maxima; negative indices wrap", () => {
    const v = np.array([[3, 9, 1], [7, 2, 8]]);
    const i = np.argmax(v, 1, { keepdims: true });
    expect(np.takeAlongAxis(v, i, 1).toArray()).toEqual([[9], [8]]);
    expect(np.takeAlongAxis(v, [[-1], [-3]], 1).toArray()).toEqual([[1], [7]]);
  });

  test("axis null flattens both", () => {
    expect(np.takeAlongAxis(x(), [5, 0], null).toArray()).toEqual([22, 10]);
  });

  test("rank mismatch is a ShapeError", () => {
    expect(() => np.takeAlongAxis(x(), [0, 1], 1)).toThrow(/takeAlongAxis: indices of shape \[2\] and x of shape \[2, 3\] must have the same rank/);
  });
});
