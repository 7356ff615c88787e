import { describe, expect, test } from "vitest";
import { ConcretizationError, LintraError, ValueError, makeProgram, np } from "./index.js";

const x = () => np.array([[1, 2], [3, 4]]);

describe("Array methods", () => {
  test("arithmetic with arrays and weakly typed numbers", () => {
    expect(x().add(1).toArray()).toEqual([[2, 3], [4, 5]]);
    expect(x().sub([1, 2]).toArray()).toEqual([[0, 0], [2, 2]]);
    expect(x().mul(2).dtype).toBe("float32");
    expect(x().div(4).toArray()).toEqual([[0.25, 0.5], [0.75, 1]]);
    expect(x().neg().toArray()).toEqual([[-1, -2], [-3, -4]]);
    expect(x().pow(2).toArray()).toEqual([[1, 4], [9, 16]]);
    expect(x().matmul(x()).toArray()).toEqual([[7, 10], [15, 22]]);
  });

  test("reductions", () => {
    expect(x().sum().item()).toBe(10);
    expect(x().sum(0).toArray()).toEqual([4, 6]);
    expect(x().mean(1, { keepdims: true }).toArray()).toEqual([[1.5], [3.5]]);
    expect(x().max(-1).toArray()).toEqual([2, 4]);
    expect(x().min().item()).toBe(1);
    expect(x().prod(0).toArray()).toEqual([3, 8]);
    expect(x().argmax(0).toArray()).toEqual([1, 1]);
    expect(x().argmin().item()).toBe(0);
  });

  test("shape methods", () => {
    expect(x().reshape(4).toArray()).toEqual([1, 2, 3, 4]);
    expect(x().transpose().toArray()).toEqual([[1, 3], [2, 4]]);
    expect(x().transpose([1, 0]).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(x().T.toArray()).toEqual([[1, 3], [2, 4]]);
    expect(x().flatten().toArray()).toEqual([1, 2, 3, 4]);
    expect(x().expandDims(0).shape).toEqual([1, 2, 2]);
    expect(x().expandDims(0).squeeze().shape).toEqual([2, 2]);
    expect(x().astype("int32").dtype).toBe("int32");
  });

  test("shape, dtype, ndim, size", () => {
    const a = np.zeros([2, 3, 4], { dtype: "float64" });
    expect([a.shape, a.dtype, a.ndim, a.size]).toEqual([[2, 3, 4], "float64", 3, 24]);
  });

  test("np.Array is the class of every array", () => {
    expect(x()).toBeInstanceOf(np.Array);
  });
});

describe("reading values", () => {
  test("toArray: nested arrays, numbers for scalars, booleans for bool", () => {
    expect(x().toArray()).toEqual([[1, 2], [3, 4]]);
    expect(np.array(2.5).toArray()).toBe(2.5);
    expect(np.array([[true], [false]]).toArray()).toEqual([[true], [false]]);
    expect(np.zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  test("dataSync returns a fresh typed array of the dtype", () => {
    const a = x();
    const d = a.dataSync();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual([1, 2, 3, 4]);
    d[0] = 100;
    expect(a.dataSync()[0]).toBe(1);
    expect(np.array([1], { dtype: "int32" }).dataSync()).toBeInstanceOf(Int32Array);
    expect(np.array([1], { dtype: "float64" }).dataSync()).toBeInstanceOf(Float64Array);
    expect(np.array([true]).dataSync()).toBeInstanceOf(Uint8Array);
  });

  test("await data()", async () => {
    const d = await x().data();
    expect(Array.from(d)).toEqual([1, 2, 3, 4]);
  });

  test("item reads a size-1 array and refuses others", () => {
    expect(np.array([[7]]).item()).toBe(7);
    expect(np.array(true).item<boolean>()).toBe(true);
    expect(() => x().item()).toThrow(ValueError);
    expect(() => x().item()).toThrow("item(): can only convert an array of size 1 to a scalar, got shape [2, 2] (size 4)");
  });

  test("toString", () => {
    expect(x().toString()).toBe("Array([[1, 2], [3, 4]], dtype=float32)");
    expect(String(np.array([0.1, -0]))).toBe("Array([0.1, -0], dtype=float32)");
    expect(String(np.array([true]))).toBe("Array([true], dtype=bool)");
    expect(String(np.array(3, { dtype: "int32" }))).toBe("Array(3, dtype=int32)");
  });

  test("readers on an abstract array inside a transformation throw ConcretizationError", () => {
    for (const read of [(a: np.Array) => a.toArray(), (a: np.Array) => a.item(), (a: np.Array) => a.dataSync()]) {
      const f = () => makeProgram((a: np.Array) => (read(a), a))(np.zeros([1]));
      expect(f).toThrow(ConcretizationError);
      expect(f).toThrow(/abstract.*'staging' transformation/);
    }
    expect(new ConcretizationError("x")).toBeInstanceOf(LintraError);
  });

  test("toString of an abstract array names its type instead of throwing", () => {
    let text = "";
    makeProgram((a: np.Array) => ((text = String(a)), a))(np.zeros([3]));
    expect(text).toBe("Traced<f32[3]> (staging)");
  });
});
