import { describe, expect, test } from "vitest";
import { type DType, DTypeError, ShapeError, np } from "../index.js";

describe("np.add / subtract / multiply / divide", () => {
  test("hand-computed values", () => {
    expect(np.add([1, 2], [10, 20]).toArray()).toEqual([11, 22]);
    expect(np.subtract([1, 2], [10, 20]).toArray()).toEqual([-9, -18]);
    expect(np.multiply([1.5, -2], [2, 3]).toArray()).toEqual([3, -6]);
    expect(np.divide([1, 3], [4, -2]).toArray()).toEqual([0.25, -1.5]);
  });

  test("broadcasting: trailing dims align, size-1 dims stretch", () => {
    const x = np.array([[1], [2]]); // [2, 1]
    const y = np.array([10, 20, 30]); // [3]
    const z = np.add(x, y);
    expect(z.shape).toEqual([2, 3]);
    expect(z.toArray()).toEqual([[11, 21, 31], [12, 22, 32]]);
    expect(np.multiply(np.ones([2, 1, 3]), np.array([[1], [2]])).shape).toEqual([2, 2, 3]);
    expect(np.add(5, [1, 2]).toArray()).toEqual([6, 7]);
  });

  test("incompatible shapes are a ShapeError naming the op and both shapes", () => {
    const f = () => np.add(np.zeros([2, 3]), np.zeros([4]));
    expect(f).toThrow(ShapeError);
    expect(f).toThrow("add: operands could not be broadcast together with shapes [2, 3] and [4]");
    expect(() => np.multiply(np.zeros([2]), np.zeros([3]))).toThrow(/^np\.multiply: .*\[2\] and \[3\]/);
  });

  test("int32 arithmetic is exact", () => {
    const big = np.array([2 ** 30, -(2 ** 30)], { dtype: "int32" });
    const sum = np.add(big, np.array([2 ** 30 - 1, 7], { dtype: "int32" }));
    expect(sum.dtype).toBe("int32");
    expect(sum.toArray()).toEqual([2 ** 31 - 1, -(2 ** 30) + 7]);
    expect(np.multiply(np.array([46341], { dtype: "int32" }), 46340).toArray()).toEqual([46341 * 46340]);
    // 16777217 is not representable in float32: it must not pass through floats.
    expect(np.add(np.array([16777216], { dtype: "int32" }), 1).toArray()).toEqual([16777217]);
  });

  test("true division of integers gives float32", () => {
    const q = np.divide(np.array([7, -7], { dtype: "int32" }), 2);
    expect(q.dtype).toBe("float32");
    expect(q.toArray()).toEqual([3.5, -3.5]);
  });

  test("-0 survives negative and multiply", () => {
    expect(Object.is(np.negative(0).item(), -0)).toBe(true);
    expect(Object.is(np.multiply(-0, 5).item(), -0)).toBe(true);
    expect(Object.is(np.multiply(0, -5).item(), -0)).toBe(true);
    expect(Object.is(np.array([0]).neg().dataSync()[0], -0)).toBe(true);
  });

  test("booleans: add is or, multiply is and, subtract is refused", () => {
    const t = np.array([true, true, false, false]);
    const u = np.array([true, false, true, false]);
    expect(np.add(t, u).toArray()).toEqual([true, true, true, false]);
    expect(np.multiply(t, u).toArray()).toEqual([true, false, false, false]);
    expect(() => np.subtract(t, u)).toThrow(DTypeError);
    expect(() => np.subtract(t, u)).toThrow(/subtract.*bool/);
    expect(() => np.negative(t)).toThrow(DTypeError);
  });
});

describe("type promotion", () => {
  const arr = (d: DType) => np.zeros([1], { dtype: d });
  // Arrays promote along bool < int32 < float32 < float64.
  const strong: [DType, DType, DType][] = [
    ["bool", "bool", "bool"],
    ["bool", "int32", "int32"],
    ["bool", "float32", "float32"],
    ["int32", "int32", "int32"],
    ["int32", "float32", "float32"],
    ["int32", "float64", "float64"],
    ["float32", "float64", "float64"],
    ["float64", "float64", "float64"],
  ];
  test.each(strong)("%s with %s -> %s", (a, b, out) => {
    expect(np.add(arr(a), arr(b)).dtype).toBe(out);
    expect(np.add(arr(b), arr(a)).dtype).toBe(out);
  });

  // JS numbers are weak: they take the array's dtype unless they do not fit its kind.
  const weak: [DType, number, DType][] = [
    ["float32", 2, "float32"],
    ["float32", 2.5, "float32"],
    ["float64", 2.5, "float64"],
    ["int32", 2, "int32"],
    ["int32", 2.5, "float32"],
    ["bool", 2, "int32"],
    ["bool", 0.5, "float32"],
  ];
  test.each(weak)("%s array with the number %s -> %s", (a, v, out) => {
    expect(np.add(arr(a), v).dtype).toBe(out);
    expect(np.multiply(v, arr(a)).dtype).toBe(out);
  });

  test("a 0-d array is strongly typed", () => {
    expect(np.add(np.zeros([2], { dtype: "int32" }), np.array(1)).dtype).toBe("float32");
  });

  test("two JS numbers give float32", () => {
    expect(np.add(1, 2).dtype).toBe("float32");
    expect(np.add(1, 2).item()).toBe(3);
  });

  test("int32 array plus 2.5 is computed in float32", () => {
    expect(np.add(np.array([1], { dtype: "int32" }), 2.5).toArray()).toEqual([3.5]);
  });
});

describe("np.power", () => {
  test("values, pow(0, 0) = 1, negative bases with integer exponents", () => {
    expect(np.power([2, 0, -2, 4], [3, 0, 3, 0.5]).toArray()).toEqual([8, 1, -8, 2]);
    expect(np.power(0, 0).item()).toBe(1);
    expect(np.power(np.array([3], { dtype: "int32" }), 4).toArray()).toEqual([81]);
    expect(np.power(np.array([3], { dtype: "int32" }), 4).dtype).toBe("int32");
  });
});

describe("np.maximum / minimum", () => {
  test("values and NaN propagation", () => {
    expect(np.maximum([1, 5, -1], [3, 2, -1]).toArray()).toEqual([3, 5, -1]);
    expect(np.minimum([1, 5], [3, 2]).toArray()).toEqual([1, 2]);
    expect(np.maximum([NaN, 1], [1, NaN]).toArray()).toEqual([NaN, NaN]);
    expect(np.minimum([NaN, 1], [1, NaN]).toArray()).toEqual([NaN, NaN]);
  });

  test("clip", () => {
    expect(np.clip([-2, 0.5, 3], 0, 1).toArray()).toEqual([0, 0.5, 1]);
    expect(np.clip([-2, 3], null, 1).toArray()).toEqual([-2, 1]);
    expect(np.clip([-2, 3], 0).toArray()).toEqual([0, 3]);
  });
});

describe("np.mod / remainder / fmod / floorDivide", () => {
  test("mod takes the sign of the divisor (NumPy)", () => {
    expect(np.mod([-7, 7, -7, 7, 6], [3, -3, -3, 3, 3]).toArray()).toEqual([2, -2, -1, 1, 0]);
    expect(np.remainder([-7.5], [2]).toArray()).toEqual([0.5]);
    const ints = np.mod(np.array([-7, 7], { dtype: "int32" }), 3);
    expect(ints.dtype).toBe("int32");
    expect(ints.toArray()).toEqual([2, 1]);
  });

  test("fmod takes the sign of the dividend", () => {
    expect(np.fmod([-7, 7], [3, -3]).toArray()).toEqual([-1, 1]);
  });

  test("floorDivide rounds toward -inf", () => {
    expect(np.floorDivide([7, -7, 7, -7], [2, 2, -2, -2]).toArray()).toEqual([3, -4, -4, 3]);
    const ints = np.floorDivide(np.array([7, -7, -6], { dtype: "int32" }), 2);
    expect(ints.dtype).toBe("int32");
    expect(ints.toArray()).toEqual([3, -4, -3]);
  });
});

describe("unary arithmetic", () => {
  test("abs, sign, negative", () => {
    expect(np.abs([-2, 3, -0.5]).toArray()).toEqual([2, 3, 0.5]);
    expect(Object.is(np.abs(-0).item(), 0)).toBe(true);
    expect(np.sign([-3, 0, 2, NaN]).toArray()).toEqual([-1, 0, 1, NaN]);
    expect(np.negative([1, -2]).toArray()).toEqual([-1, 2]);
  });

  test("floor, ceil", () => {
    expect(np.floor([1.5, -1.5, 2]).toArray()).toEqual([1, -2, 2]);
    expect(np.ceil([1.5, -1.5, 2]).toArray()).toEqual([2, -1, 2]);
    const ints = np.array([3], { dtype: "int32" });
    expect(np.floor(ints).dtype).toBe("int32");
  });

  test("round halves to even, as NumPy", () => {
    expect(np.round([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6]).toArray()).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
    expect(np.round([1.25, 1.35], 1).toArray()).toBeAllclose([1.2, 1.4]);
  });

  test("square and reciprocal", () => {
    expect(np.square([-3, 0.5]).toArray()).toEqual([9, 0.25]);
    expect(np.square(np.array([-3], { dtype: "int32" })).dtype).toBe("int32");
    const r = np.reciprocal(np.array([2, 4], { dtype: "int32" }));
    expect(r.dtype).toBe("float32");
    expect(r.toArray()).toEqual([0.5, 0.25]);
  });
});

describe("np.leftShift / rightShift", () => {
  test("int32, with JAX's answers for amounts of 32 or more", () => {
    const x = np.array([1, -8, 5, -1], { dtype: "int32" });
    expect(np.leftShift(x, 2).toArray()).toEqual([4, -32, 20, -4]);
    expect(np.rightShift(x, 2).toArray()).toEqual([0, -2, 1, -1]);
    expect(np.leftShift(x, np.array([31, 32, 40, -1], { dtype: "int32" })).toArray()).toEqual([-2147483648, 0, 0, 0]);
    expect(np.rightShift(x, np.array([31, 32, 40, -1], { dtype: "int32" })).toArray()).toEqual([0, -1, 0, -1]);
  });
  test("float and bool operands are DTypeErrors", () => {
    expect(() => np.leftShift(np.array([1.5]), 1)).toThrow(DTypeError);
    expect(() => np.rightShift(np.array([true]), np.array([false]))).toThrow(/np.rightShift: operands have dtype bool/);
  });
});
