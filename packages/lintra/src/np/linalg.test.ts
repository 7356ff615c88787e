import { describe, expect, test } from "vitest";
import { ShapeError, np } from "../index.js";

const A = [[1, 2, 3], [4, 5, 6]]; // [2, 3]
const B = [[1, 0], [0, 1], [1, 1]]; // [3, 2]

describe("np.matmul", () => {
  test("matrix × matrix", () => {
    expect(np.matmul(A, B).toArray()).toEqual([[4, 5], [10, 11]]);
  });

  test("vectors: 1-D·1-D is a scalar, 1-D operands lose their added axis", () => {
    expect(np.matmul([1, 2, 3], [4, 5, 6]).item()).toBe(32);
    expect(np.matmul(A, [1, 0, -1]).toArray()).toEqual([-2, -2]);
    expect(np.matmul([1, -1], A).toArray()).toEqual([-3, -3, -3]);
  });

  test("batched with broadcasting of batch dims", () => {
    const a = np.array([[[1, 0], [0, 1]], [[2, 0], [0, 2]]]); // [2, 2, 2]
    const b = np.array([[1, 2], [3, 4]]); // [2, 2]
    expect(np.matmul(a, b).toArray()).toEqual([[[1, 2], [3, 4]], [[2, 4], [6, 8]]]);
    expect(np.matmul(b, a).toArray()).toEqual([[[1, 2], [3, 4]], [[2, 4], [6, 8]]]);
    // [2, 1, 1, 2] @ [3, 2, 1] -> [2, 3, 1, 1]
    const c = np.array([[[[1, 2]]], [[[3, 4]]]]);
    const d = np.array([[[1], [1]], [[1], [0]], [[0], [1]]]);
    const out = np.matmul(c, d);
    expect(out.shape).toEqual([2, 3, 1, 1]);
    expect(out.toArray()).toEqual([[[[3]], [[1]], [[2]]], [[[7]], [[3]], [[4]]]]);
    // batch with a vector
    expect(np.matmul(a, [1, 1]).toArray()).toEqual([[1, 1], [2, 2]]);
    expect(np.matmul([1, 1], a).toArray()).toEqual([[1, 1], [2, 2]]);
  });

  test("int32 stays int32 and exact", () => {
    const m = np.array([[1, 2], [3, 4]], { dtype: "int32" });
    const r = np.matmul(m, m);
    expect(r.dtype).toBe("int32");
    expect(r.toArray()).toEqual([[7, 10], [15, 22]]);
  });

  test("the method form", () => {
    expect(np.array(A).matmul(B).toArray()).toEqual([[4, 5], [10, 11]]);
  });

  test("inner-dimension mismatch is a ShapeError naming both shapes", () => {
    const f = () => np.matmul(np.zeros([2, 3]), np.zeros([4, 5]));
    expect(f).toThrow(ShapeError);
    expect(f).toThrow(/matmul: shapes \[2, 3\] and \[4, 5\] are not aligned: inner dimensions differ \(3 .* 4/);
    expect(() => np.matmul(np.zeros([3]), np.zeros([2]))).toThrow(ShapeError);
  });

  test("scalars and unbroadcastable batches are ShapeErrors", () => {
    expect(() => np.matmul(2, np.zeros([2]))).toThrow(/at least 1 dimension/);
    expect(() => np.matmul(np.zeros([2, 2, 2]), np.zeros([3, 2, 2]))).toThrow(/matmul: operands could not be broadcast/);
  });
});

describe("np.dot / inner / vdot / outer", () => {
  test("dot", () => {
    expect(np.dot([1, 2], [3, 4]).item()).toBe(11);
    expect(np.dot(A, B).toArray()).toEqual([[4, 5], [10, 11]]);
    expect(np.dot(2, [1, 2]).toArray()).toEqual([2, 4]);
    expect(np.dot(A, [1, 1, 1]).toArray()).toEqual([6, 15]);
    // N-D · M-D: last axis of a with second-to-last of b; shape a[:-1] ++ b[:-2] ++ b[-1:]
    const b3 = np.array([[[1, 0], [0, 1], [0, 0]], [[0, 0], [1, 0], [0, 1]]]); // [2, 3, 2]
    const r = np.dot(A, b3);
    expect(r.shape).toEqual([2, 2, 2]);
    expect(r.toArray()).toEqual([[[1, 2], [2, 3]], [[4, 5], [5, 6]]]);
    expect(() => np.dot(np.zeros([2, 3]), np.zeros([2]))).toThrow(ShapeError);
  });

  test("inner contracts the last axes", () => {
    expect(np.inner(A, [[1, 1, 1], [1, 0, 0]]).toArray()).toEqual([[6, 1], [15, 4]]);
    expect(() => np.inner(np.zeros([2]), np.zeros([3]))).toThrow(/inner: shapes \[2\] and \[3\]/);
  });

  test("vdot flattens", () => {
    expect(np.vdot([[1, 2], [3, 4]], [[1, 1], [1, 1]]).item()).toBe(10);
  });

  test("outer", () => {
    expect(np.outer([1, 2], [3, 4, 5]).toArray()).toEqual([[3, 4, 5], [6, 8, 10]]);
    expect(np.outer([[1], [2]], [3]).shape).toEqual([2, 1]);
  });
});

describe("np.tensordot", () => {
  test("axes as a count", () => {
    // default axes = 2: full contraction of two [2, 3] arrays
    expect(np.tensordot(A, A).item()).toBe(1 + 4 + 9 + 16 + 25 + 36);
    expect(np.tensordot(A, B, 1).toArray()).toEqual([[4, 5], [10, 11]]);
    expect(np.tensordot([1, 2], [3, 4], 0).toArray()).toEqual([[3, 4], [6, 8]]);
  });

  test("axes as lists, negative allowed", () => {
    // contract axis 0 of A with axis 0 of [[1, 1], [0, 1]]: out[j, k] = sum_i A[i, j] M[i, k]
    expect(np.tensordot(A, [[1, 1], [0, 1]], [[0], [0]]).toArray()).toEqual([[1, 5], [2, 7], [3, 9]]);
    expect(np.tensordot(A, B, [-1, 0]).toArray()).toEqual([[4, 5], [10, 11]]);
  });

  test("mismatched sizes are a ShapeError", () => {
    expect(() => np.tensordot(A, A, [[1], [1]])).not.toThrow();
    expect(() => np.tensordot(A, A, [[0], [1]])).toThrow(/tensordot: .*axis 0 of x has size 2 but axis 1 of y has size 3/);
  });
});
