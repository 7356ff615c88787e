import { describe, expect, test } from "vitest";
import { ShapeError, ValueError, np } from "../index.js";

const x = () => np.array([[1, 2, 3], [4, 5, 6]]);

describe("np.sum", () => {
  test("all axes, one axis, several axes, negative axes", () => {
    expect(np.sum(x()).item()).toBe(21);
    expect(np.sum(x(), 0).toArray()).toEqual([5, 7, 9]);
    expect(np.sum(x(), 1).toArray()).toEqual([6, 15]);
    expect(np.sum(x(), -1).toArray()).toEqual([6, 15]);
    expect(np.sum(x(), [0, 1]).item()).toBe(21);
    expect(np.sum(x(), [-1, 0]).item()).toBe(21);
    expect(np.sum(x(), []).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  test("keepdims keeps reduced axes as size 1", () => {
    expect(np.sum(x(), 1, { keepdims: true }).toArray()).toEqual([[6], [15]]);
    expect(np.sum(x(), null, { keepdims: true }).shape).toEqual([1, 1]);
    expect(np.sum(x(), [0], { keepdims: true }).shape).toEqual([1, 3]);
  });

  test("JS data and dtypes: bool counts as int32, ints stay exact", () => {
    expect(np.sum([1, 2, 3.5]).item()).toBe(6.5);
    const b = np.sum([true, true, false]);
    expect(b.dtype).toBe("int32");
    expect(b.item()).toBe(2);
    expect(np.sum(np.array([2 ** 30, 2 ** 30 - 1], { dtype: "int32" })).item()).toBe(2 ** 31 - 1);
    expect(np.sum(np.zeros([0])).item()).toBe(0);
  });

  test("axis out of range and repeated axes are ShapeErrors", () => {
    expect(() => np.sum(x(), 2)).toThrow(ShapeError);
    expect(() => np.sum(x(), 2)).toThrow(/sum: axis 2 is out of range for an array of rank 2/);
    expect(() => np.sum(x(), -3)).toThrow(ShapeError);
    expect(() => np.sum(x(), [1, -1])).toThrow(/repeated axis/);
  });
});

describe("np.mean / var / std", () => {
  test("mean", () => {
    expect(np.mean(x()).item()).toBe(3.5);
    expect(np.mean(x(), 0).toArray()).toEqual([2.5, 3.5, 4.5]);
    expect(np.mean(x(), 1, { keepdims: true }).toArray()).toEqual([[2], [5]]);
    const ints = np.mean(np.array([1, 2], { dtype: "int32" }));
    expect(ints.dtype).toBe("float32");
    expect(ints.item()).toBe(1.5);
    expect(np.mean(np.zeros([0])).item()).toBeNaN();
  });

  test("var and std, with ddof", () => {
    // [1, 2, 3, 4]: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5
    expect(np.var([1, 2, 3, 4]).item()).toBeAllclose(1.25);
    expect(np.var([1, 2, 3, 4], null, { ddof: 1 }).item()).toBeAllclose(5 / 3);
    expect(np.std([1, 2, 3, 4]).item()).toBeAllclose(Math.sqrt(1.25));
    expect(np.var(x(), 1).toArray()).toBeAllclose([2 / 3, 2 / 3]);
    expect(np.std(x(), 0, { keepdims: true }).toArray()).toBeAllclose([[1.5, 1.5, 1.5]]);
  });
});

describe("np.max / min / prod", () => {
  test("values and axes", () => {
    expect(np.max(x()).item()).toBe(6);
    expect(np.max(x(), 0).toArray()).toEqual([4, 5, 6]);
    expect(np.min(x(), -1).toArray()).toEqual([1, 4]);
    expect(np.min(x(), 1, { keepdims: true }).toArray()).toEqual([[1], [4]]);
    expect(np.prod(x(), 1).toArray()).toEqual([6, 120]);
    expect(np.prod([2, 0, 5]).item()).toBe(0);
  });

  test("NaN propagates through max and min", () => {
    expect(np.max([1, NaN, 3]).item()).toBeNaN();
    expect(np.min([NaN, 1]).item()).toBeNaN();
  });

  test("max of an empty reduction is a ValueError", () => {
    expect(() => np.max(np.zeros([0]))).toThrow(ValueError);
    expect(() => np.min(np.zeros([2, 0]), 1)).toThrow(/min: zero-size reduction/);
    expect(np.max(np.zeros([2, 0]), 0).shape).toEqual([0]);
  });

  test("int32 max keeps dtype", () => {
    const r = np.max(np.array([3, -7], { dtype: "int32" }));
    expect(r.dtype).toBe("int32");
    expect(r.item()).toBe(3);
  });
});

describe("np.all / any", () => {
  test("values, axes and empty reductions", () => {
    expect(np.all([true, false]).item<boolean>()).toBe(false);
    expect(np.any([true, false]).item<boolean>()).toBe(true);
    expect(np.all([[1, 2], [0, 3]], 1).toArray()).toEqual([true, false]);
    expect(np.any([[0, 0], [0, 3]], 1, { keepdims: true }).toArray()).toEqual([[false], [true]]);
    expect(np.all(np.zeros([0])).item<boolean>()).toBe(true);
    expect(np.any(np.zeros([0])).item<boolean>()).toBe(false);
  });
});

describe("np.argmax / argmin", () => {
  const y = () => np.array([[1, 9, 3], [8, 2, 8]]);
  test("flattened by default, along an axis, negative axes, keepdims", () => {
    expect(np.argmax(y()).item()).toBe(1);
    expect(np.argmin(y()).item()).toBe(0);
    expect(np.argmax(y(), 1).toArray()).toEqual([1, 0]);
    expect(np.argmax(y(), -1).toArray()).toEqual([1, 0]);
    expect(np.argmin(y(), 0).toArray()).toEqual([0, 1, 0]);
    expect(np.argmax(y(), 0, { keepdims: true }).toArray()).toEqual([[1, 0, 1]]);
    expect(np.argmax(y(), null, { keepdims: true }).shape).toEqual([1, 1]);
    expect(np.argmax(y()).dtype).toBe("int32");
  });

  test("the first of ties wins", () => {
    expect(np.argmax([2, 5, 5]).item()).toBe(1);
    expect(np.argmin([0, -1, -1]).item()).toBe(1);
  });

  test("axis out of range is a ShapeError", () => {
    expect(() => np.argmax(y(), 2)).toThrow(ShapeError);
  });
});

describe("np.cumsum", () => {
  test("flattened by default, along axes", () => {
    expect(np.cumsum([[1, 2], [3, 4]]).toArray()).toEqual([1, 3, 6, 10]);
    expect(np.cumsum([[1, 2], [3, 4]], 0).toArray()).toEqual([[1, 2], [4, 6]]);
    expect(np.cumsum([[1, 2], [3, 4]], -1).toArray()).toEqual([[1, 3], [3, 7]]);
    const b = np.cumsum([true, true, false]);
    expect(b.dtype).toBe("int32");
    expect(b.toArray()).toEqual([1, 2, 2]);
  });
});
