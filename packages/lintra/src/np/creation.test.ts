import { describe, expect, test } from "vitest";
import { DTypeError, ShapeError, ValueError, np } from "../index.js";

describe("np.array", () => {
  test("nested arrays default to float32", () => {
    const x = np.array([[1, 2, 3], [4, 5, 6]]);
    expect(x.dtype).toBe("float32");
    expect(x.shape).toEqual([2, 3]);
    expect(x.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  test("float32 rounding is applied to the stored values", () => {
    expect(np.array([0.1]).toArray()).toEqual([Math.fround(0.1)]);
    expect(np.array([0.1], { dtype: "float64" }).toArray()).toEqual([0.1]);
  });

  test("a number is a 0-d array and reads back as a number", () => {
    const x = np.array(3.5);
    expect(x.shape).toEqual([]);
    expect(x.toArray()).toBe(3.5);
  });

  test("booleans give bool, and read back as booleans", () => {
    const x = np.array([true, false]);
    expect(x.dtype).toBe("bool");
    expect(x.toArray()).toEqual([true, false]);
  });

  test("dtype option converts (int32 truncates toward zero)", () => {
    const x = np.array([1.7, -1.7, 2], { dtype: "int32" });
    expect(x.dtype).toBe("int32");
    expect(x.toArray()).toEqual([1, -1, 2]);
  });

  test("typed arrays keep their dtype", () => {
    expect(np.array(new Float64Array([1, 2])).dtype).toBe("float64");
    expect(np.array(new Int32Array([1, 2])).dtype).toBe("int32");
    expect(np.array(new Float32Array([1, 2])).dtype).toBe("float32");
  });

  test("other typed arrays need an explicit dtype", () => {
    expect(() => np.array(new Uint8Array([1, 2]))).toThrow(DTypeError);
    expect(() => np.array(new Uint8Array([1, 2]))).toThrow(/Uint8Array/);
    expect(np.array(new Uint8Array([1, 2]), { dtype: "int32" }).toArray()).toEqual([1, 2]);
  });

  test("empty arrays", () => {
    expect(np.array([]).shape).toEqual([0]);
    expect(np.array([[], []]).shape).toEqual([2, 0]);
  });

  test("ragged nested arrays are a ValueError naming the path", () => {
    expect(() => np.array([[1, 2], [3]])).toThrow(ValueError);
    expect(() => np.array([[1, 2], [3]])).toThrow(/np\.array: ragged.*\[1\] is an array of length 1 but .*\[0\] is an array of length 2/);
    expect(() => np.array([[[1], [2]], [[3], [4, 5]]])).toThrow(/\[1\]\[1\]/);
  });

  test("non-numeric leaves are a ValueError", () => {
    expect(() => np.array([1, "a"] as never)).toThrow(ValueError);
    expect(() => np.array([1, "a"] as never)).toThrow(/\[1\]/);
  });

  test("unknown dtype is a DTypeError", () => {
    expect(() => np.array([1], { dtype: "int8" as never })).toThrow(DTypeError);
  });

  test("nested data holding arrays is stacked", () => {
    const a = np.array([1, 2]);
    expect(np.array([a, [3, 4]]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(np.array([np.array(1), np.array(2)]).shape).toEqual([2]);
    expect(np.array([[a], [[5, 6]]]).toArray()).toEqual([[[1, 2]], [[5, 6]]]);
    const mixed = np.array([a, np.array([3, 4], { dtype: "int32" })]);
    expect([mixed.dtype, mixed.toArray()]).toEqual(["float32", [[1, 2], [3, 4]]]);
    expect(() => np.array([a, [1, 2, 3]])).toThrow(/ragged/);
  });

  test("asarray returns an array of the right dtype unchanged", () => {
    const a = np.array([1, 2]);
    expect(np.asarray(a)).toBe(a);
    expect(np.asarray(a, { dtype: "int32" }).dtype).toBe("int32");
  });
});

describe("np.zeros / ones / full", () => {
  test("shapes and dtypes", () => {
    expect(np.zeros([2, 2]).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(np.zeros(3).toArray()).toEqual([0, 0, 0]);
    expect(np.ones([2], { dtype: "int32" }).dtype).toBe("int32");
    expect(np.ones([]).toArray()).toBe(1);
    expect(np.full([2, 1], 7).toArray()).toEqual([[7], [7]]);
    expect(np.full([2], true).dtype).toBe("bool");
  });

  test("full broadcasts an array fill value", () => {
    expect(np.full([2, 2], [1, 2]).toArray()).toEqual([[1, 2], [1, 2]]);
  });

  test("invalid shapes are a ShapeError", () => {
    expect(() => np.zeros([-1])).toThrow(ShapeError);
    expect(() => np.zeros([1.5])).toThrow(/invalid shape/);
  });

  test("zerosLike / onesLike / fullLike keep shape and dtype", () => {
    const x = np.array([[1, 2]], { dtype: "int32" });
    expect(np.zerosLike(x).dtype).toBe("int32");
    expect(np.zerosLike(x).toArray()).toEqual([[0, 0]]);
    expect(np.onesLike(x, { dtype: "float64" }).dtype).toBe("float64");
    expect(np.fullLike(x, 2.9).toArray()).toEqual([[2, 2]]);
  });
});

describe("np.arange", () => {
  test("stop only, integer arguments give int32", () => {
    const x = np.arange(4);
    expect(x.dtype).toBe("int32");
    expect(x.toArray()).toEqual([0, 1, 2, 3]);
  });

  test("start, stop, step, negative steps, fractional steps", () => {
    expect(np.arange(2, 8, 3).toArray()).toEqual([2, 5]);
    expect(np.arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    const f = np.arange(0, 1, 0.25);
    expect(f.dtype).toBe("float32");
    expect(f.toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(np.arange(3, 1).toArray()).toEqual([]);
  });

  test("dtype option and a zero step", () => {
    expect(np.arange(3, undefined, 1, { dtype: "float64" }).dtype).toBe("float64");
    expect(() => np.arange(0, 3, 0)).toThrow(ValueError);
  });
});

describe("np.linspace / np.eye", () => {
  test("linspace includes the endpoint by default", () => {
    expect(np.linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(np.linspace(0, 1, 4, { endpoint: false }).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(np.linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(np.linspace(0, 1).shape).toEqual([50]);
  });

  test("eye with offsets and rectangles", () => {
    expect(np.eye(2).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(np.eye(2, 3, { k: 1 }).toArray()).toEqual([[0, 1, 0], [0, 0, 1]]);
    expect(np.eye(3, 2, { k: -1 }).toArray()).toEqual([[0, 0], [1, 0], [0, 1]]);
  });
});

describe("np.astype", () => {
  test("conversions", () => {
    expect(np.astype([1.9, -1.9, 0], "int32").toArray()).toEqual([1, -1, 0]);
    expect(np.astype([2, 0, -0.5], "bool").toArray()).toEqual([true, false, true]);
    expect(np.array([true, false]).astype("float32").toArray()).toEqual([1, 0]);
  });
});
