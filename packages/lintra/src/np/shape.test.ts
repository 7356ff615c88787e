import { describe, expect, test } from "vitest";
import { ShapeError, ValueError, np } from "../index.js";

const x = () => np.array([[1, 2, 3], [4, 5, 6]]);

describe("np.reshape", () => {
  test("row-major order, -1 inferred, number shape", () => {
    expect(np.reshape(x(), [3, 2]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(np.reshape(x(), [-1, 2]).shape).toEqual([3, 2]);
    expect(np.reshape(x(), -1).toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(np.reshape(np.array([7]), []).toArray()).toBe(7);
    expect(x().reshape(6, 1).shape).toEqual([6, 1]);
    expect(x().reshape([1, -1]).shape).toEqual([1, 6]);
  });

  test("a different size is a ShapeError naming both shapes", () => {
    const f = () => np.reshape(x(), [4]);
    expect(f).toThrow(ShapeError);
    expect(f).toThrow(/reshape: cannot reshape array of shape \[2, 3\] \(size 6\) into shape \[4\]/);
    expect(() => np.reshape(x(), [-1, 4])).toThrow(ShapeError);
    expect(() => np.reshape(x(), [-1, -1])).toThrow(/only one dimension can be -1/);
  });
});

describe("np.transpose / swapaxes / moveaxis / T", () => {
  test("default reverses the axes", () => {
    expect(np.transpose(x()).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(x().T.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(np.transpose(np.zeros([2, 3, 4])).shape).toEqual([4, 3, 2]);
  });

  test("explicit and negative axes", () => {
    const y = np.arange(24).reshape(2, 3, 4);
    expect(np.transpose(y, [1, 0, 2]).shape).toEqual([3, 2, 4]);
    expect(np.transpose(y, [-1, 0, 1]).shape).toEqual([4, 2, 3]);
    // element [i, j, k] = 12 i + 4 j + k lands at [k, i, j]
    expect(np.transpose(y, [2, 0, 1]).slice(3, 1, 2).item()).toBe(12 + 8 + 3);
    expect(y.transpose(2, 0, 1).shape).toEqual([4, 2, 3]);
  });

  test("a non-permutation is a ShapeError", () => {
    expect(() => np.transpose(x(), [0, 0])).toThrow(ShapeError);
    expect(() => np.transpose(x(), [0])).toThrow(/not a permutation/);
  });

  test("swapaxes and moveaxis", () => {
    const y = np.zeros([2, 3, 4]);
    expect(np.swapaxes(y, 0, -1).shape).toEqual([4, 3, 2]);
    expect(np.moveaxis(y, 0, -1).shape).toEqual([3, 4, 2]);
    expect(np.moveaxis(y, [0, 1], [-1, -2]).shape).toEqual([4, 3, 2]);
    expect(np.moveaxis(x(), 0, 1).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
  });
});

describe("np.squeeze / expandDims / ravel", () => {
  test("squeeze all or named axes", () => {
    expect(np.squeeze(np.zeros([1, 2, 1])).shape).toEqual([2]);
    expect(np.squeeze(np.zeros([1, 2, 1]), -1).shape).toEqual([1, 2]);
    expect(np.squeeze(np.zeros([1, 2, 1]), [0, 2]).shape).toEqual([2]);
    expect(() => np.squeeze(np.zeros([1, 2]), 1)).toThrow(ShapeError);
    expect(() => np.squeeze(np.zeros([1, 2]), 1)).toThrow(/squeeze: axis 1 of shape \[1, 2\] has size 2/);
  });

  test("expandDims, negative positions count in the result", () => {
    expect(np.expandDims(np.zeros([2, 3]), 0).shape).toEqual([1, 2, 3]);
    expect(np.expandDims(np.zeros([2, 3]), -1).shape).toEqual([2, 3, 1]);
    expect(np.expandDims(np.zeros([2, 3]), [0, 2]).shape).toEqual([1, 2, 1, 3]);
    expect(np.expandDims([1, 2], 1).toArray()).toEqual([[1], [2]]);
    expect(() => np.expandDims(np.zeros([2]), 3)).toThrow(ShapeError);
  });

  test("ravel and flatten", () => {
    expect(np.ravel(x()).toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(x().flatten().shape).toEqual([6]);
  });
});

describe("np.concatenate / stack", () => {
  test("concatenate along axes, negative axis, axis null, promotion", () => {
    expect(np.concatenate([[1, 2], [3]]).toArray()).toEqual([1, 2, 3]);
    expect(np.concatenate([x(), [[7, 8, 9]]], 0).shape).toEqual([3, 3]);
    expect(np.concatenate([x(), [[0], [0]]], -1).toArray()).toEqual([[1, 2, 3, 0], [4, 5, 6, 0]]);
    expect(np.concatenate([x(), [9]], null).toArray()).toEqual([1, 2, 3, 4, 5, 6, 9]);
    const mixed = np.concatenate([np.array([1], { dtype: "int32" }), np.array([0.5], { dtype: "float64" })]);
    expect(mixed.dtype).toBe("float64");
    expect(mixed.toArray()).toEqual([1, 0.5]);
  });

  test("concatenate errors", () => {
    expect(() => np.concatenate([x(), [1, 2]])).toThrow(ShapeError);
    expect(() => np.concatenate([np.array(1), np.array(2)])).toThrow(/zero-dimensional/);
    expect(() => np.concatenate([])).toThrow(ValueError);
    expect(() => np.concatenate([x()], 2)).toThrow(ShapeError);
  });

  test("stack along a new axis", () => {
    expect(np.stack([[1, 2], [3, 4]]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(np.stack([[1, 2], [3, 4]], 1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(np.stack([[1, 2], [3, 4]], -1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(np.stack([1, 2, 3]).toArray()).toEqual([1, 2, 3]);
    expect(() => np.stack([[1, 2], [3]])).toThrow(/stack: all input arrays must have the same shape, got \[2\], \[1\]/);
  });
});

describe("np.broadcastTo / broadcastArrays", () => {
  test("values", () => {
    expect(np.broadcastTo([1, 2], [2, 2]).toArray()).toEqual([[1, 2], [1, 2]]);
    expect(np.broadcastTo([[1], [2]], [2, 3]).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(np.broadcastTo(5, 3).toArray()).toEqual([5, 5, 5]);
    const [a, b] = np.broadcastArrays([1, 2], [[1], [2], [3]]);
    expect(a.shape).toEqual([3, 2]);
    expect(b.shape).toEqual([3, 2]);
  });

  test("impossible broadcasts are ShapeErrors", () => {
    expect(() => np.broadcastTo([1, 2, 3], [2, 2])).toThrow(ShapeError);
    expect(() => np.broadcastTo([1, 2, 3], [2, 2])).toThrow(/broadcastTo: cannot broadcast an array of shape \[3\] to shape \[2, 2\]/);
    expect(() => np.broadcastTo(np.zeros([2, 2]), [2])).toThrow(ShapeError);
  });
});

describe("np.flip / pad", () => {
  test("flip", () => {
    expect(np.flip([1, 2, 3]).toArray()).toEqual([3, 2, 1]);
    expect(np.flip(x(), 1).toArray()).toEqual([[3, 2, 1], [6, 5, 4]]);
    expect(np.flip(x()).toArray()).toEqual([[6, 5, 4], [3, 2, 1]]);
  });

  test("pad with a constant", () => {
    expect(np.pad([1, 2], 1).toArray()).toEqual([0, 1, 2, 0]);
    expect(np.pad([1, 2], [2, 0], { constantValues: 9 }).toArray()).toEqual([9, 9, 1, 2]);
    expect(np.pad([[1]], [[1, 0], [0, 2]]).toArray()).toEqual([[0, 0, 0], [1, 0, 0]]);
    expect(() => np.pad([1], -1)).toThrow(ShapeError);
  });
});
