/** dtype ranges and conversions: values a dtype cannot hold are refused (as JAX does), not wrapped. */
import { expect, test } from "vitest";
import { DTypeError, ValueError, np, setBackend } from "../../src/index.js";
import { type BadInput, describeBadInputs } from "./harness.js";

const i32 = (v: number[]) => np.array(v, { dtype: "int32" });

type Case = BadInput;

/** JS data converted to int32 that int32 cannot hold. */
const int32Data: Case[] = [
  ["3e9", () => np.array([3e9], { dtype: "int32" }), ValueError, ["np.array", "value 3000000000", "out of range for int32", "expected"]],
  ["-3e9", () => np.array([1, -3e9], { dtype: "int32" }), ValueError, ["np.array", "value -3000000000 at [1]", "int32"]],
  ["2^31", () => np.array([[0], [2 ** 31]], { dtype: "int32" }), ValueError, ["np.array", "2147483648 at [1][0]", "[-2147483648, 2147483647]"]],
  ["NaN", () => np.array([NaN], { dtype: "int32" }), ValueError, ["np.array", "value NaN", "has no int32 value", "expected a finite number"]],
  ["Infinity", () => np.array([Infinity], { dtype: "int32" }), ValueError, ["np.array", "value Infinity", "int32"]],
  ["-Infinity", () => np.array(-Infinity, { dtype: "int32" }), ValueError, ["np.array", "value -Infinity", "int32"]],
  ["a Float64Array", () => np.array(new Float64Array([1, 3e9]), { dtype: "int32" }), ValueError, ["np.array", "3000000000 at [1]", "int32"]],
  ["a Uint32Array", () => np.array(new Uint32Array([2 ** 32 - 1]) as never, { dtype: "int32" }), ValueError, ["np.array", "4294967295", "int32"]],
  ["np.full", () => np.full([2], 3e9, { dtype: "int32" }), ValueError, ["np.full", "3000000000", "int32"]],
  ["np.asarray", () => np.asarray([NaN], { dtype: "int32" }), ValueError, ["np.asarray", "NaN", "int32"]],
  ["np.astype of JS data", () => np.astype([3e9], "int32"), ValueError, ["np.astype", "3000000000", "int32"]],
  ["np.fullLike", () => np.fullLike(i32([1, 2]), 2 ** 40), ValueError, ["np.fullLike", "int32"]],
];

/** JS numbers meeting int32 (or bool) arrays take their dtype, so they must fit it. */
const weakNumbers: Case[] = [
  ["np.add(int32, 3e9)", () => np.add(i32([1]), 3e9), ValueError, ["np.add", "JS number 3000000000", "int32", "expected an integer in [-2147483648, 2147483647]"]],
  ["x.mul(2^31)", () => i32([1]).mul(2 ** 31), ValueError, ["np.multiply", "2147483648", "int32"]],
  ["np.subtract(bool, -3e9)", () => np.subtract(np.array([true]), -3e9), ValueError, ["np.subtract", "-3000000000", "int32"]],
  ["np.where(c, int32, 3e9)", () => np.where(true, i32([1]), 3e9), ValueError, ["np.where", "3000000000"]],
  ["np.maximum(3e9, int32)", () => np.maximum(3e9, i32([1])), ValueError, ["np.maximum", "3000000000"]],
  ["np.clip(int32, 0, 3e9)", () => np.clip(i32([1]), 0, 3e9), ValueError, ["np.clip", "3000000000"]],
];

/** Creation functions whose int32 results would wrap. */
const int32Creation: Case[] = [
  ["np.arange(3e9, 3e9 + 2)", () => np.arange(3e9, 3e9 + 2), ValueError, ["np.arange", "out of range for int32", "expected"]],
  ["np.arange(0, 2^31 + 1)", () => np.arange(2 ** 31 - 1, 2 ** 31 + 1), ValueError, ["np.arange", "2147483648", "int32"]],
  ["np.linspace int32 to 3e9", () => np.linspace(0, 3e9, 3, { dtype: "int32" }), ValueError, ["np.linspace", "3000000000", "int32"]],
];

/** Data and dtypes that are not numbers or not dtypes. */
const notNumeric: Case[] = [
  ["BigInt64Array", () => np.array(new BigInt64Array([1n]) as never), DTypeError, ["np.array", "BigInt64Array", "expected a typed array of numbers"]],
  ["BigUint64Array with a dtype", () => np.array(new BigUint64Array([1n]) as never, { dtype: "float32" }), DTypeError, ["np.array", "BigUint64Array"]],
  ["DataView", () => np.array(new DataView(new ArrayBuffer(4)) as never, { dtype: "float32" }), DTypeError, ["np.array", "DataView", "expected"]],
  ["Uint8Array without a dtype", () => np.array(new Uint8Array([1])), DTypeError, ["np.array", "Uint8Array", "expected Float32Array"]],
  ['dtype "int8"', () => np.zeros([2], { dtype: "int8" as never }), DTypeError, ["np.zeros", "int8", "expected one of"]],
  ['astype "float16"', () => np.astype([1], "float16" as never), DTypeError, ["np.astype", "float16", "expected one of"]],
  ["the dtype as the second argument", () => np.array([1], "int32" as never), ValueError, ["np.array", "options must be a plain object", "dtype"]],
  ["an unknown option", () => np.ones([2], { dtyp: "int32" } as never), ValueError, ["np.ones", "'dtyp'", "did you mean 'dtype'"]],
];

describeBadInputs(
  "dtype ranges and conversions",
  {
    "int32 data out of range": int32Data,
    "a JS number an int32 operand cannot hold": weakNumbers,
    "int32 creation that would wrap": int32Creation,
    "not numbers, not dtypes": notNumeric,
  },
  () => {
    test("what int32 can hold converts: the extremes, and fractions truncate toward zero as in JAX", () => {
      expect(i32([2 ** 31 - 1, -(2 ** 31)]).toArray()).toEqual([2 ** 31 - 1, -(2 ** 31)]);
      expect(i32([1.7, -1.7, 2147483647.5]).toArray()).toEqual([1, -1, 2147483647]);
      expect(np.add(i32([1]), 2 ** 31 - 2).toArray()).toEqual([2 ** 31 - 1]);
    });

    test("float operands take any JS number; NaN converts to bool as true (nonzero), as in NumPy", () => {
      expect(np.add(np.array([1]), 3e9).toArray()).toEqual([Math.fround(3e9 + 1)]);
      expect(np.add(i32([1]), 0.5).dtype).toBe("float32");
      expect(np.array([NaN, 0, -0], { dtype: "bool" }).toArray()).toEqual([true, false, false]);
      expect(np.arange(0, 5, 0.5, { dtype: "int32" }).toArray()).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
      expect(np.linspace(0, 10, 5, { dtype: "int32" }).toArray()).toEqual([0, 2, 5, 7, 10]);
    });
  },
);
