import { type DType, setBackend } from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { arr, eval_, expectSameZeros, wrap32 } from "../test/oracle.js";
import { cpuBackend } from "./index.js";

setBackend(cpuBackend);

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0];
const ORDINARY = [-3.7, -1, -0.5, 0.25, 0.5, 1, 1.5, 2.5, 10];
const UNIT = [-1, -0.75, -0.5, -1e-9, 0.3, 0.99, 1, 1.5, -1.5];

type UnaryPrim = "neg" | "abs" | "floor" | "ceil" | "exp" | "log" | "log1p" | "expm1" | "sqrt" | "rsqrt" | "sin" | "cos" | "tan" |
  "asin" | "acos" | "atan" | "sinh" | "cosh" | "tanh" | "logistic";

/** Each float unary primitive with an oracle from Math (or plain arithmetic) and the inputs to try. */
const UNARY: [UnaryPrim, (x: number) => number, number[]][] = [
  ["neg", (x) => -x, ORDINARY],
  ["abs", Math.abs, ORDINARY],
  ["floor", Math.floor, ORDINARY],
  ["ceil", Math.ceil, [...ORDINARY, -0.2]],
  ["exp", Math.exp, [...ORDINARY, 80, -80]],
  ["log", Math.log, [...ORDINARY, 1e-30]],
  ["log1p", Math.log1p, [...ORDINARY, 1e-12, -1e-12]],
  ["expm1", Math.expm1, [...ORDINARY, 1e-12, -1e-12]],
  ["sqrt", Math.sqrt, ORDINARY],
  ["rsqrt", (x) => 1 / Math.sqrt(x), ORDINARY],
  ["sin", Math.sin, ORDINARY],
  ["cos", Math.cos, ORDINARY],
  ["tan", Math.tan, ORDINARY],
  ["asin", Math.asin, UNIT],
  ["acos", Math.acos, UNIT],
  ["atan", Math.atan, ORDINARY],
  ["sinh", Math.sinh, ORDINARY],
  ["cosh", Math.cosh, ORDINARY],
  ["tanh", Math.tanh, [...ORDINARY, 30, -30]],
  ["logistic", (x) => 1 / (1 + Math.exp(-x)), [...ORDINARY, 30, -30]],
];

describe("unary float primitives", () => {
  describe.each(UNARY)("%s", (prim, ref, values) => {
    const xs = [...values, ...SPECIALS];

    test("float64 matches Math, including NaN, ±Inf and the sign of zero", () => {
      const { data, shape } = eval_(prim, [arr(xs)], {});
      const expected = xs.map(ref);
      expect(data).toBeInstanceOf(Float64Array);
      expect(shape).toEqual([xs.length]);
      expect(data).toBeAllclose(expected, { rtol: 1e-15, atol: 0 });
      expectSameZeros(data, expected);
    });

    test("float32 rounds the float64 result once", () => {
      const { data } = eval_(prim, [arr(xs, [xs.length], "float32")], {});
      const expected = xs.map((x) => ref(Math.fround(x)));
      expect(data).toBeInstanceOf(Float32Array);
      expect(data).toBeAllclose(expected, { rtol: 6e-8, atol: 0 });
      expectSameZeros(data, expected);
    });

    test("keeps the shape of scalars, matrices and empty arrays", () => {
      expect(eval_(prim, [arr([0.5], [])], {})).toEqual({ data: Float64Array.of(ref(0.5)), shape: [] });
      const m = eval_(prim, [arr([0.5, 0.25, 0.75, 0.125, 1, 0.0625], [2, 3])], {});
      expect(m.shape).toEqual([2, 3]);
      expect(m.data).toBeAllclose([0.5, 0.25, 0.75, 0.125, 1, 0.0625].map(ref), { rtol: 1e-15, atol: 0 });
      expect(eval_(prim, [arr([], [2, 0])], {})).toEqual({ data: new Float64Array(0), shape: [2, 0] });
    });
  });
});

describe("round, sign, logistic", () => {
  test("round goes half away from zero", () => {
    const cases: [number, number][] = [[0.5, 1], [1.5, 2], [2.5, 3], [-0.5, -1], [-1.5, -2], [-2.5, -3], [2.4999, 2], [-2.5001, -3],
      [0.49999999999999994, 0], [-0.3, -0], [-0, -0], [0, 0], [1e300, 1e300], [NaN, NaN], [Infinity, Infinity], [-Infinity, -Infinity]];
    for (const dtype of ["float32", "float64"] as const) {
      const xs = cases.map(([x]) => x).filter((x) => dtype === "float64" || x !== 0.49999999999999994);
      const want = cases.filter(([x]) => xs.includes(x)).map(([, y]) => (dtype === "float32" ? Math.fround(y) : y));
      const { data } = eval_("round", [arr(xs, [xs.length], dtype)], {});
      expect(data).toBeAllclose(want, { rtol: 0, atol: 0 });
      expectSameZeros(data, want);
    }
  });

  test("sign is -1, 0 or 1 and keeps -0 and NaN", () => {
    const { data } = eval_("sign", [arr([-3, -1e-300, -0, 0, 2e-300, 7, Infinity, -Infinity, NaN])], {});
    const want = [-1, -1, -0, 0, 1, 1, 1, -1, NaN];
    expect(data).toBeAllclose(want, { rtol: 0, atol: 0 });
    expectSameZeros(data, want);
  });

  test("logistic stays accurate and finite for large |x|", () => {
    const { data } = eval_("logistic", [arr([-700, -745, -1000, 40, 700, 1000])], {});
    expect(data).toBeAllclose([Math.exp(-700), Math.exp(-745), 0, 1, 1, 1], { rtol: 1e-14, atol: 0 });
    const f32 = eval_("logistic", [arr([-80, 100, -87], [3], "float32")], {}).data;
    expect(f32).toBeAllclose([Math.exp(-80), 1, Math.exp(-87)], { rtol: 1e-6, atol: 0 });
  });
});

describe("is_finite", () => {
  test.each(["float32", "float64"] as const)("%s -> bool", (dtype) => {
    const { data } = eval_("is_finite", [arr([1, NaN, Infinity, -Infinity, -0, 1e30, -2.5], [7], dtype)], {});
    expect(data).toBeInstanceOf(Uint8Array);
    expect([...data]).toEqual([1, 0, 0, 0, 1, 1, 1]);
  });
});

describe("int32 unary primitives wrap", () => {
  const xs = [0, 5, -5, 2147483647, -2147483648];
  test.each([
    ["neg", [0, -5, 5, -2147483647, -2147483648]],
    ["abs", [0, 5, 5, 2147483647, -2147483648]],
    ["sign", [0, 1, -1, 1, -1]],
    ["not", [-1, -6, 4, -2147483648, 2147483647]],
  ] as const)("%s", (prim, want) => {
    const { data } = eval_(prim, [arr(xs, [5], "int32")], {});
    expect(data).toBeInstanceOf(Int32Array);
    expect([...data]).toEqual(want);
  });

  test("not on bool is logical", () => {
    expect([...eval_("not", [arr([1, 0, 1], [3], "bool")], {}).data]).toEqual([0, 1, 0]);
  });
});

// ---------------------------------------------------------------------------------------

const GRID = [-2.5, -1, -0, 0, 0.5, 3, Infinity, -Infinity, NaN];
const pairs = (a: number[], b: number[]): [number[], number[]] => [a.flatMap((x) => b.map(() => x)), a.flatMap(() => b)];

type FloatBinary = "add" | "sub" | "mul" | "div" | "rem" | "max" | "min" | "atan2";
const BINARY_FLOAT: [FloatBinary, (x: number, y: number) => number][] = [
  ["add", (x, y) => x + y],
  ["sub", (x, y) => x - y],
  ["mul", (x, y) => x * y],
  ["div", (x, y) => x / y],
  ["rem", (x, y) => x % y],
  ["max", Math.max],
  ["min", Math.min],
  ["atan2", Math.atan2],
];

describe("binary float primitives", () => {
  describe.each(BINARY_FLOAT)("%s", (prim, ref) => {
    const [xs, ys] = pairs(GRID, GRID);

    test("float64 over a grid of ordinary and special values", () => {
      const { data } = eval_(prim, [arr(xs), arr(ys)], {});
      const want = xs.map((x, i) => ref(x, ys[i]));
      expect(data).toBeAllclose(want, { rtol: 1e-15, atol: 0 });
      expectSameZeros(data, want);
    });

    test("float32 stores a rounded result", () => {
      const a = [0.1, 1 / 3, -7.3, 1e20];
      const b = [0.7, 3, 2.9, 1e-3];
      const { data } = eval_(prim, [arr(a, [4], "float32"), arr(b, [4], "float32")], {});
      expect(data).toBeInstanceOf(Float32Array);
      expect(data).toBeAllclose(a.map((x, i) => ref(Math.fround(x), Math.fround(b[i]))), { rtol: 6e-8, atol: 0 });
    });

    test("scalars and empty arrays", () => {
      expect(eval_(prim, [arr([6], []), arr([4], [])], {})).toEqual({ data: Float64Array.of(ref(6, 4)), shape: [] });
      expect(eval_(prim, [arr([], [0, 3]), arr([], [0, 3])], {}).shape).toEqual([0, 3]);
    });
  });

  test("max and min propagate NaN from either side", () => {
    const x = arr([NaN, 1, NaN, -Infinity]);
    const y = arr([1, NaN, NaN, NaN]);
    expect(eval_("max", [x, y], {}).data).toBeAllclose([NaN, NaN, NaN, NaN]);
    expect(eval_("min", [x, y], {}).data).toBeAllclose([NaN, NaN, NaN, NaN]);
  });

  test("mul keeps the sign of zero", () => {
    const { data } = eval_("mul", [arr([-0, 0, -0, 3], [4], "float32"), arr([5, -5, -5, -0], [4], "float32")], {});
    expectSameZeros(data, [-0, -0, 0, -0]);
  });

  test("rem takes the sign of the dividend, like C fmod", () => {
    expect(eval_("rem", [arr([7, -7, 7, -7, 5.5, -0]), arr([2, 2, -2, -2, 2, 3])], {}).data).toBeAllclose([1, -1, 1, -1, 1.5, -0]);
    expectSameZeros(eval_("rem", [arr([-4, 4]), arr([2, -2])], {}).data, [-0, 0]);
  });
});

describe("pow", () => {
  test("ordinary values agree with Math.pow", () => {
    const xs = [2, 2, 0.5, 10, 3.3, -2, -2];
    const ys = [10, -0.5, 3, -2, 1.7, 3, -2];
    for (const dtype of ["float32", "float64"] as const) {
      const { data } = eval_("pow", [arr(xs, [7], dtype), arr(ys, [7], dtype)], {});
      const f = dtype === "float32" ? Math.fround : (v: number) => v;
      expect(data).toBeAllclose(xs.map((x, i) => Math.pow(f(x), f(ys[i]))), { rtol: dtype === "float32" ? 6e-8 : 1e-15, atol: 0 });
    }
  });

  test("edge cases follow IEEE 754 / C", () => {
    const cases: [number, number, number][] = [
      [0, 0, 1], [-0, 0, 1], [NaN, 0, 1], [Infinity, 0, 1], [1, NaN, 1], [1, Infinity, 1], [-1, Infinity, 1], [-1, -Infinity, 1],
      [-8, 1 / 3, NaN], [0, -1, Infinity], [-0, -1, -Infinity], [-0, 3, -0], [0, 3, 0], [Infinity, -1, 0], [-Infinity, 3, -Infinity],
      [NaN, 1, NaN], [2, NaN, NaN], [0.5, Infinity, 0], [2, -Infinity, 0],
    ];
    const { data } = eval_("pow", [arr(cases.map((c) => c[0])), arr(cases.map((c) => c[1]))], {});
    const want = cases.map((c) => c[2]);
    expect(data).toBeAllclose(want, { rtol: 0, atol: 0 });
    expectSameZeros(data, want);
  });
});

describe("int32 binary primitives are exact with wraparound", () => {
  const VALUES = [0, 1, -1, 2, -7, 7, 3, 65536, 123456789, -987654321, 2147483647, -2147483648];
  const [xs, ys] = pairs(VALUES, VALUES);
  const big = (f: (x: bigint, y: bigint) => bigint) => (x: number, y: number) => wrap32(f(BigInt(x), BigInt(y)));

  test.each([
    ["add", big((x, y) => x + y)],
    ["sub", big((x, y) => x - y)],
    ["mul", big((x, y) => x * y)],
    ["div", (x: number, y: number) => (y === 0 ? 0 : wrap32(BigInt(x) / BigInt(y)))],
    ["rem", (x: number, y: number) => (y === 0 ? 0 : wrap32(BigInt(x) % BigInt(y)))],
    ["and", big((x, y) => x & y)],
    ["or", big((x, y) => x | y)],
    ["xor", big((x, y) => x ^ y)],
    ["max", (x: number, y: number) => (x > y ? x : y)],
    ["min", (x: number, y: number) => (x < y ? x : y)],
  ] as const)("%s against BigInt arithmetic", (prim, ref) => {
    const { data } = eval_(prim, [arr(xs, [xs.length], "int32"), arr(ys, [ys.length], "int32")], {});
    expect(data).toBeInstanceOf(Int32Array);
    expect([...data]).toEqual(xs.map((x, i) => ref(x, ys[i])));
  });

  test("named cases", () => {
    const i32 = (v: number[]) => arr(v, [v.length], "int32");
    expect([...eval_("add", [i32([2147483647]), i32([1])], {}).data]).toEqual([-2147483648]);
    expect([...eval_("mul", [i32([65536, 123456789]), i32([65536, 987654321])], {}).data]).toEqual([0, Math.imul(123456789, 987654321)]);
    expect([...eval_("div", [i32([7, -7, 7, -7, 5, -2147483648]), i32([2, 2, -2, -2, 0, -1])], {}).data]).toEqual([3, -3, -3, 3, 0, -2147483648]);
    expect([...eval_("rem", [i32([7, -7, 7, -7, 5, -2147483648]), i32([2, 2, -2, -2, 0, -1])], {}).data]).toEqual([1, -1, 1, -1, 0, 0]);
  });

  test("pow by repeated squaring; negative exponents truncate 1 / x^n", () => {
    const bases = [0, 1, -1, 2, -2, 3, -7, 65536, 123456789, -2147483648];
    const exps = [0, 1, 2, 3, 5, 17, 30, 31, 32, 33, 100];
    const [bs, es] = pairs(bases, exps);
    const { data } = eval_("pow", [arr(bs, [bs.length], "int32"), arr(es, [es.length], "int32")], {});
    expect([...data]).toEqual(bs.map((b, i) => wrap32(BigInt(b) ** BigInt(es[i]))));
    const neg = eval_("pow", [arr([2, 1, -1, -1, 0, -2, 7], [7], "int32"), arr([-1, -5, -3, -2, -1, -2147483648, -2147483647], [7], "int32")], {});
    expect([...neg.data]).toEqual([0, 1, -1, 1, 0, 0, 0]);
  });
});

describe("bool binary primitives are logical", () => {
  const x = arr([0, 0, 1, 1], [4], "bool");
  const y = arr([0, 1, 0, 1], [4], "bool");
  test.each([
    ["and", [0, 0, 0, 1]],
    ["or", [0, 1, 1, 1]],
    ["xor", [0, 1, 1, 0]],
    ["max", [0, 1, 1, 1]],
    ["min", [0, 0, 0, 1]],
  ] as const)("%s", (prim, want) => {
    const { data } = eval_(prim, [x, y], {});
    expect(data).toBeInstanceOf(Uint8Array);
    expect([...data]).toEqual(want);
  });
});

describe("comparisons", () => {
  type Cmp = "eq" | "ne" | "lt" | "le" | "gt" | "ge";
  const CMP: [Cmp, (x: number, y: number) => boolean][] = [
    ["eq", (x, y) => x === y],
    ["ne", (x, y) => x !== y],
    ["lt", (x, y) => x < y],
    ["le", (x, y) => x <= y],
    ["gt", (x, y) => x > y],
    ["ge", (x, y) => x >= y],
  ];
  const byDType: Record<DType, number[]> = {
    float32: GRID,
    float64: GRID,
    int32: [-2147483648, -1, 0, 3, 2147483647],
    bool: [0, 1],
  };
  describe.each(CMP)("%s", (prim, ref) => {
    test.each(Object.keys(byDType) as DType[])("%s -> bool", (dtype) => {
      const [xs, ys] = pairs(byDType[dtype], byDType[dtype]);
      const { data } = eval_(prim, [arr(xs, [xs.length], dtype), arr(ys, [ys.length], dtype)], {});
      expect(data).toBeInstanceOf(Uint8Array);
      expect([...data]).toEqual(xs.map((x, i) => (ref(x, ys[i]) ? 1 : 0)));
    });
  });

  test("NaN is unordered and unequal; -0 equals 0", () => {
    const x = arr([NaN, NaN, -0]);
    const y = arr([NaN, 1, 0]);
    expect([...eval_("eq", [x, y], {}).data]).toEqual([0, 0, 1]);
    expect([...eval_("ne", [x, y], {}).data]).toEqual([1, 1, 0]);
    expect([...eval_("le", [x, y], {}).data]).toEqual([0, 0, 1]);
    expect([...eval_("gt", [x, y], {}).data]).toEqual([0, 0, 0]);
  });
});

describe("select", () => {
  test.each(["float32", "float64", "int32", "bool"] as const)("picks per element, %s", (dtype) => {
    const pred = arr([1, 0, 0, 1], [2, 2], "bool");
    const { data, shape } = eval_("select", [pred, arr([1, 1, 0, 0], [2, 2], dtype), arr([0, 1, 1, 0], [2, 2], dtype)], {});
    expect(shape).toEqual([2, 2]);
    expect([...data]).toEqual([1, 1, 1, 0]);
  });

  test("passes NaN and -0 through untouched", () => {
    const { data } = eval_("select", [arr([1, 0, 1], [3], "bool"), arr([NaN, 5, -0]), arr([1, -0, 2])], {});
    expect(data).toBeAllclose([NaN, -0, -0]);
    expectSameZeros(data, [NaN, -0, -0]);
  });

  test("scalars and empty arrays", () => {
    expect([...eval_("select", [arr([0], [], "bool"), arr([1], []), arr([2], [])], {}).data]).toEqual([2]);
    expect(eval_("select", [arr([], [0], "bool"), arr([], [0]), arr([], [0])], {}).shape).toEqual([0]);
  });
});

describe("convert_element_type", () => {
  const cases: [DType, number[], DType, number[]][] = [
    ["float32", [1.9, -1.9, NaN, Infinity, -Infinity, 3e9, -3e9, -0.5, 16777216], "int32", [1, -1, 0, 2147483647, -2147483648, 2147483647, -2147483648, 0, 16777216]],
    ["float64", [2147483647.9, -2147483648.5, 2147483648, 1e300, -1e-300], "int32", [2147483647, -2147483648, 2147483647, 2147483647, 0]],
    ["float64", [0, -0, NaN, 0.1, -Infinity, 1e-300], "bool", [0, 0, 1, 1, 1, 1]],
    ["float32", [0, -0, NaN, 2], "bool", [0, 0, 1, 1]],
    ["int32", [0, 5, -2147483648], "bool", [0, 1, 1]],
    ["bool", [1, 0], "float32", [1, 0]],
    ["bool", [1, 0], "int32", [1, 0]],
    ["float64", [0.1, 1e40, -1e-50, 3.4028234663852886e38], "float32", [Math.fround(0.1), Infinity, -0, 3.4028234663852886e38]],
    ["int32", [16777217, -2147483648, 7], "float32", [16777216, -2147483648, 7]],
    ["int32", [16777217, -2147483647], "float64", [16777217, -2147483647]],
    ["float32", [0.1, -0, NaN], "float64", [Math.fround(0.1), -0, NaN]],
    ["float64", [1.5, -0, NaN], "float64", [1.5, -0, NaN]],
  ];
  test.each(cases)("%s %j -> %s", (from, xs, to, want) => {
    const { data } = eval_("convert_element_type", [arr(xs, [xs.length], from)], { newDtype: to });
    expect(data.constructor.name).toBe({ float32: "Float32Array", float64: "Float64Array", int32: "Int32Array", bool: "Uint8Array" }[to]);
    expect(data).toBeAllclose(want, { rtol: 0, atol: 0 });
    expectSameZeros(data, want);
  });
});

describe("stop_gradient", () => {
  test.each(["float32", "float64", "int32", "bool"] as const)("is an identity copy, %s", (dtype) => {
    const x = arr([1, 0, 1, 1], [2, 2], dtype);
    const y = eval_("stop_gradient", [x], {});
    expect(y.shape).toEqual([2, 2]);
    expect([...y.data]).toEqual([1, 0, 1, 1]);
  });
});

describe("iota", () => {
  test.each([
    [[2, 3], 0, [0, 0, 0, 1, 1, 1]],
    [[2, 3], 1, [0, 1, 2, 0, 1, 2]],
    [[2, 2, 2], 1, [0, 0, 1, 1, 0, 0, 1, 1]],
    [[4], 0, [0, 1, 2, 3]],
    [[3, 0], 0, []],
  ])("shape %j along %i", (shape, dimension, want) => {
    for (const dtype of ["int32", "float32", "float64"] as const) {
      const { data, shape: s } = eval_("iota", [], { shape, dimension, dtype });
      expect(s).toEqual(shape);
      expect(data.constructor.name).toBe({ int32: "Int32Array", float32: "Float32Array", float64: "Float64Array" }[dtype]);
      expect([...data]).toEqual(want);
    }
  });
});

describe("shifts read the amount as unsigned, as XLA does", () => {
  const XS = [0, 1, -1, 5, -8, 123456789, 2147483647, -2147483648];
  const AMOUNTS = [0, 1, 4, 31, 32, 33, 100, -1, -2147483648];
  const [xs, ss] = pairs(XS, AMOUNTS);
  const u32 = (v: number) => BigInt(v >>> 0);
  const outOfRange = (s: number) => u32(s) >= 32n;
  test.each([
    ["shift_left", (x: number, s: number) => (outOfRange(s) ? 0 : wrap32(BigInt(x) << u32(s)))],
    ["shift_right_logical", (x: number, s: number) => (outOfRange(s) ? 0 : wrap32(u32(x) >> u32(s)))],
    ["shift_right_arithmetic", (x: number, s: number) => wrap32(BigInt(x) >> (outOfRange(s) ? 31n : u32(s)))],
  ] as const)("%s against BigInt shifts", (prim, ref) => {
    const { data } = eval_(prim, [arr(xs, [xs.length], "int32"), arr(ss, [ss.length], "int32")], {});
    expect(data).toBeInstanceOf(Int32Array);
    expect([...data]).toEqual(xs.map((x, i) => ref(x, ss[i])));
  });
});

describe("bitcast_convert_type", () => {
  const INTS = [0, 1065353216, -1082130432, 2139095040, -8388608, 2143289344, 1, -2147483648, 2147483647];
  const asFloat = (i: number) => {
    const view = new DataView(new ArrayBuffer(4));
    view.setInt32(0, i, true);
    return view.getFloat32(0, true);
  };
  test("int32 -> float32 against a DataView", () => {
    const { data } = eval_("bitcast_convert_type", [arr(INTS, [3, 3], "int32")], { newDtype: "float32" });
    expect(data).toBeInstanceOf(Float32Array);
    expect([...data]).toEqual(INTS.map(asFloat));
    expect([...data].slice(0, 5)).toEqual([0, 1, -1, Infinity, -Infinity]);
  });
  test("float32 -> int32 keeps every bit (-0, NaN, subnormals)", () => {
    const floats = [0, -0, 1, -1, Infinity, NaN, 1e-45, 3.4028234663852886e38];
    const { data } = eval_("bitcast_convert_type", [arr(floats, [floats.length], "float32")], { newDtype: "int32" });
    expect([...data]).toEqual([0, -2147483648, 1065353216, -1082130432, 2139095040, 2143289344, 1, 2139095039]);
  });
  test("same dtype is a copy", () => {
    const { data } = eval_("bitcast_convert_type", [arr([1, -2], [2], "int32")], { newDtype: "int32" });
    expect([...data]).toEqual([1, -2]);
  });
});
