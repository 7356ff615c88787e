import { cpuBackend } from "@lintra/backend-cpu";
import { type AnyTypedArray, type Backend, ConcreteArray, type DType, type Params, type Prim, bind1, setBackend } from "@lintra/core-ir";
import { describe, expect, it } from "vitest";
import { ModuleBuilder, wasmBackend } from "./index.js";
import { hostMath } from "./compile.js";
import { type ElementwiseOp, bitcastOp, buildElementwise, convertOp, elementwiseOps } from "./elementwise.js";
import { BYTES } from "./memory.js";
import { runtime } from "./runtime.js";
import { F32, I32, V128 } from "./wasm/encoder.js";
import { Simd, type ValType } from "./wasm/opcodes.js";

// Every elementwise primitive × dtype on wasm against backend-cpu, on the same inputs.

type Input = { data: ArrayLike<number>; dtype: DType };

function evalOn<P extends Prim>(backend: Backend<any>, prim: P, inputs: readonly Input[], shape: number[], params: Params<P>): AnyTypedArray {
  setBackend(backend);
  const arrays = inputs.map((x) => ConcreteArray.fromTyped(x.data, shape, x.dtype));
  return (bind1(prim, arrays, params) as ConcreteArray).readSync();
}

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FLOAT_SPECIALS = [
  NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.49999999999999994, 0.49999997, -0.49999997,
  3.7, -3.7, 1e-7, -1e-7, 1e-9, 1e-30, 1.4e-45, -1.4e-45, 1.2e-38, 5e-324, 1e-300, 3.4e38, -3.4e38, 1e300, -1.7e308, 88.7, 89,
  -103, -104, 20, -20, 710, -745, 0.1, 1e10, -1e10, 16777217, 8388608.5, 4503599627370497, 2, 3, -3, 100, 0.75, -0.99, 6, -6,
];
const INT_SPECIALS = [
  0, 1, -1, 2, -2, 3, -3, 7, -7, 31, 32, -31, 2147483647, -2147483648, 2147483646, -2147483647, 65536, 46341, -46341, 1000000, 123456789,
];

/** A pool of values for a dtype: edge values first, then random ones of several magnitudes. */
function pool(dtype: DType, seed: number): number[] {
  const r = rng(seed);
  if (dtype === "bool") return [0, 1];
  if (dtype === "int32") {
    const rand = Array.from({ length: 40 }, (_, i) => (i % 2 ? Math.floor(r() * 200) - 100 : (r() * 2 ** 32) | 0));
    return [...INT_SPECIALS, ...rand];
  }
  const rand = Array.from({ length: 50 }, (_, i) => {
    const s = r() < 0.5 ? -1 : 1;
    return i % 3 === 0 ? s * r() : i % 3 === 1 ? s * 10 * r() : s * Math.exp(160 * r() - 80);
  });
  return [...FLOAT_SPECIALS, ...rand];
}

/** n inputs for `arity` operands that run through every pair of pool values once n ≥ |pool|². */
function operands(dtype: DType, arity: number, n: number, seed: number): number[][] {
  const p = pool(dtype, seed);
  const P = p.length;
  return Array.from({ length: arity }, (_, k) =>
    Array.from({ length: n }, (_, i) => p[k === 0 ? i % P : (Math.floor(i / P) * k + i) % P]),
  );
}

const SIZES: [number, number[]][] = [[0, [0]], [1, []], [7, [7]], [33, [3, 11]], [100003, [100003]]];

/** Ulp distance of two float32 values (NaN only matches NaN). */
function ulps32(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const ord = (x: number) => {
    const i = new Int32Array(new Float32Array([x]).buffer)[0];
    return i < 0 ? -2147483648 - i : i;
  };
  return Math.abs(ord(a) - ord(b));
}

/**
 * Host functions computed the same way on both backends match exactly. Tolerant (1 ulp f32,
 * 2e-15 f64): erf, a separate implementation; exp/tanh/logistic, whose float32 code is a
 * float64 polynomial rounded once (relative error 2.4e-10: it differs from double Math.exp
 * only near a rounding tie, ~0.2% of values).
 */
const TOLERANT: Partial<Record<Prim, true>> = { erf: true, exp: true, tanh: true, logistic: true };

function expectMatch(prim: string, dtype: DType, got: AnyTypedArray, want: AnyTypedArray, inputs: number[][], tolerant: boolean): void {
  expect(got.constructor).toBe(want.constructor);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i], want[i]];
    const ok = Object.is(g, w) || (tolerant && (dtype === "float32" ? ulps32(g, w) <= 1 : Math.abs(g - w) <= 2e-15 * Math.abs(w)));
    if (!ok) {
      const args = inputs.map((x) => x[i]).join(", ");
      expect.fail(`${prim}<${dtype}>(${args}) at ${i}: wasm ${Object.is(g, -0) ? "-0" : g}, cpu ${Object.is(w, -0) ? "-0" : w}`);
    }
  }
}

/** The same op built with its scalar code only (no SIMD loop), run on the shared memory. */
function scalarOnly(prim: string, op: ElementwiseOp, inputs: readonly Input[], out: DType): AnyTypedArray {
  const n = inputs[0].data.length;
  const m = new ModuleBuilder();
  buildElementwise(m, prim, op, inputs.map((x) => x.dtype), out, n, false);
  const { mem } = runtime();
  const run = new WebAssembly.Instance(new WebAssembly.Module(m.encode({ sharedMemory: mem.shared }) as BufferSource), { env: { memory: mem.memory }, host: hostMath })
    .exports.run as (...ptrs: number[]) => void;
  const bufs = inputs.map((x) => mem.alloc(n * BYTES[x.dtype]));
  const outBuf = mem.alloc(n * BYTES[out]);
  inputs.forEach((x, k) => mem.view(bufs[k], x.dtype, n).set(x.data));
  run(outBuf.ptr, ...bufs.map((b) => b.ptr));
  const result = mem.view(outBuf, out, n).slice();
  [...bufs, outBuf].forEach((b) => mem.release(b));
  return result;
}

function check<P extends Prim>(prim: P, dtypes: readonly DType[], params: Params<P>, arity: number, predFirst = false): void {
  for (const dtype of dtypes) {
    for (const [n, shape] of SIZES) {
      const data = operands(dtype, arity, n, n + 17);
      const r = rng(n + 5);
      if (predFirst) data[0] = Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
      const inputs = data.map((d, k) => ({ data: d, dtype: predFirst && k === 0 ? "bool" : dtype }) as Input);
      const want = evalOn(cpuBackend, prim, inputs, shape, params);
      const got = evalOn(wasmBackend, prim, inputs, shape, params);
      expectMatch(prim, dtype, got, want, data, TOLERANT[prim] === true);
      if (n > 1000) {
        const scalar = scalarOnly(prim, elementwiseOps[prim as keyof typeof elementwiseOps], inputs, outDtype(prim, dtype));
        expectMatch(`${prim} (scalar code)`, dtype, scalar, want, data, TOLERANT[prim] === true);
      }
    }
  }
}

const BOOL_OUT = new Set<string>(["eq", "ne", "lt", "le", "gt", "ge", "is_finite"]);
const outDtype = (prim: string, dtype: DType): DType => (BOOL_OUT.has(prim) ? "bool" : dtype);

const FLOAT: DType[] = ["float32", "float64"];
const NUMERIC: DType[] = ["float32", "float64", "int32"];
const INTEGRAL: DType[] = ["int32", "bool"];
const INT: DType[] = ["int32"];
const ANY: DType[] = ["float32", "float64", "int32", "bool"];

const UNARY: [Prim, DType[]][] = [
  ["neg", NUMERIC], ["abs", NUMERIC], ["sign", NUMERIC], ["floor", FLOAT], ["ceil", FLOAT], ["round", FLOAT],
  ["exp", FLOAT], ["log", FLOAT], ["log1p", FLOAT], ["expm1", FLOAT], ["sqrt", FLOAT], ["rsqrt", FLOAT],
  ["sin", FLOAT], ["cos", FLOAT], ["tan", FLOAT], ["asin", FLOAT], ["acos", FLOAT], ["atan", FLOAT],
  ["sinh", FLOAT], ["cosh", FLOAT], ["tanh", FLOAT], ["logistic", FLOAT], ["erf", FLOAT], ["is_finite", FLOAT],
  ["not", INTEGRAL], ["stop_gradient", ANY],
];
const BINARY: [Prim, DType[]][] = [
  ["add", NUMERIC], ["sub", NUMERIC], ["mul", NUMERIC], ["div", NUMERIC], ["rem", NUMERIC], ["pow", NUMERIC],
  ["max", ANY], ["min", ANY], ["atan2", FLOAT], ["and", INTEGRAL], ["or", INTEGRAL], ["xor", INTEGRAL],
  ["eq", ANY], ["ne", ANY], ["lt", ANY], ["le", ANY], ["gt", ANY], ["ge", ANY],
  ["shift_left", INT], ["shift_right_logical", INT], ["shift_right_arithmetic", INT],
];

describe("elementwise kernels match backend-cpu", () => {
  it("cover every primitive in the op table", () => {
    const tested = new Set([...UNARY, ...BINARY].map(([p]) => p));
    expect(Object.keys(elementwiseOps).filter((p) => !tested.has(p as Prim) && p !== "select")).toEqual([]);
  });
  it.each(UNARY)("%s", (prim, dtypes) => check(prim, dtypes, {} as never, 1));
  it.each(BINARY)("%s", (prim, dtypes) => check(prim, dtypes, {} as never, 2));
  it("select", () => check("select", ANY, {}, 3, true));
  it.each(ANY)("convert_element_type from %s", (from) => {
    for (const newDtype of ANY) {
      for (const [n, shape] of SIZES) {
        const data = operands(from, 1, n, n + 3);
        const inputs: Input[] = [{ data: data[0], dtype: from }];
        const params = { newDtype };
        const got = evalOn(wasmBackend, "convert_element_type", inputs, shape, params);
        const want = evalOn(cpuBackend, "convert_element_type", inputs, shape, params);
        expectMatch(`convert->${newDtype}`, from, got, want, data, false);
        if (n > 1000) expectMatch(`convert->${newDtype} (scalar code)`, from, scalarOnly("convert", convertOp(from, newDtype), inputs, newDtype), want, data, false);
      }
    }
  });
  it.each([["int32", "float32"], ["float32", "int32"], ["int32", "int32"], ["float32", "float32"]] as const)("bitcast_convert_type %s -> %s", (from, newDtype) => {
    for (const [n, shape] of SIZES) {
      const data = operands(from, 1, n, n + 7);
      const inputs: Input[] = [{ data: data[0], dtype: from }];
      const got = evalOn(wasmBackend, "bitcast_convert_type", inputs, shape, { newDtype });
      const want = evalOn(cpuBackend, "bitcast_convert_type", inputs, shape, { newDtype });
      expectMatch(`bitcast->${newDtype}`, from, got, want, data, false);
      if (n > 1000) expectMatch(`bitcast->${newDtype} (scalar code)`, from, scalarOnly("bitcast", bitcastOp(from, newDtype), inputs, newDtype), want, data, false);
    }
  });
  it.each(NUMERIC)("iota %s", (dtype) => {
    for (const [shape, dimension] of [[[5], 0], [[], 0], [[3, 4, 5], 1], [[2, 0, 3], 2], [[7, 3], 0], [[2, 3, 4], 2]] as [number[], number][]) {
      if (shape.length === 0) continue;
      const params = { dtype, shape, dimension };
      const got = evalOn(wasmBackend, "iota", [], [], params);
      expectMatch("iota", dtype, got, evalOn(cpuBackend, "iota", [], [], params), [], false);
    }
  });
});

describe("SIMD loops", () => {
  const VECTORISED: [keyof typeof elementwiseOps, DType[]][] = [
    ["add", NUMERIC], ["sub", NUMERIC], ["mul", NUMERIC], ["div", FLOAT], ["max", ANY], ["min", ANY], ["neg", NUMERIC],
    ["abs", NUMERIC], ["sign", NUMERIC], ["sqrt", FLOAT], ["floor", FLOAT], ["ceil", FLOAT], ["round", FLOAT],
    ["and", INTEGRAL], ["or", INTEGRAL], ["xor", INTEGRAL], ["not", INTEGRAL], ["select", ANY], ["stop_gradient", ANY],
    ["eq", ["float32", "int32", "bool"]], ["lt", ["float32", "int32", "bool"]], ["is_finite", ["float32"]],
    ["exp", ["float32"]], ["tanh", ["float32"]], ["logistic", ["float32"]],
  ];
  it.each(VECTORISED)("are emitted for %s on %j", (prim, dtypes) => {
    for (const dtype of dtypes) {
      const ins: DType[] = prim === "select" ? ["bool", dtype, dtype] : new Array(elementwiseOps[prim].arity).fill(dtype);
      const bytes = (vector: boolean) => {
        const m = new ModuleBuilder();
        buildElementwise(m, prim, elementwiseOps[prim], ins, outDtype(prim, dtype), 64, vector);
        return m.encode().length;
      };
      expect(bytes(true), `${prim} ${dtype}`).toBeGreaterThan(bytes(false));
    }
  });
});

describe("float32 SIMD exp, tanh and logistic", () => {
  it.each(["exp", "tanh", "logistic"] as const)("%s is within 1 ulp of backend-cpu over a dense sweep", (prim) => {
    const r = rng(99);
    const edges = [0, 1 / 64, 20, -20, 89, 88.72, -104, -103.97, -87.3, 9.01, -9.01];
    const xs = Array.from({ length: 300_000 }, (_, i) => {
      if (i < 100_000) return (edges[i % edges.length] ?? 0) * (1 + (r() - 0.5) * 1e-4) + (r() - 0.5) * 1e-6;
      return i % 2 ? (r() - 0.5) * 240 : (r() - 0.5) * Math.exp(-40 * r());
    });
    const inputs: Input[] = [{ data: xs, dtype: "float32" }];
    const want = evalOn(cpuBackend, prim, inputs, [xs.length], {});
    const vector = evalOn(wasmBackend, prim, inputs, [xs.length], {});
    expectMatch(prim, "float32", vector, want, [xs], true);
    // Scalar loops (tails, fused scalar loops) run the same code: the same bits, element for element.
    expectMatch(`${prim} (scalar code against SIMD)`, "float32", scalarOnly(prim, elementwiseOps[prim], inputs, "float32"), vector, [xs], false);
  });
});

describe("edge semantics, stated directly", () => {
  const on = (prim: Prim, dtype: DType, ...xs: number[][]) => Array.from(evalOn(wasmBackend, prim, xs.map((data) => ({ data, dtype })), [xs[0].length], {} as never));
  it("int32 wraps and divides by zero to zero", () => {
    const m = -2147483648;
    expect(on("div", "int32", [m, 7, -7, 5], [-1, 2, 2, 0])).toEqual([m, 3, -3, 0]);
    expect(on("rem", "int32", [m, -7, 7, 5], [-1, 2, -2, 0])).toEqual([0, -1, 1, 0]);
    expect(on("abs", "int32", [m, -3])).toEqual([m, 3]);
    expect(on("pow", "int32", [3, 2, -1, 2, 5], [4, 31, -3, -1, 0])).toEqual([81, m, -1, 0, 1]);
  });
  it("shift amounts are unsigned: 32 or more (or negative) shifts every bit out", () => {
    expect(on("shift_left", "int32", [1, 1, 1, 3], [31, 32, -1, 1])).toEqual([-2147483648, 0, 0, 6]);
    expect(on("shift_right_logical", "int32", [-1, -1, -1, 8], [28, 32, -5, 3])).toEqual([15, 0, 0, 1]);
    expect(on("shift_right_arithmetic", "int32", [-8, -8, 8, 8], [1, 40, 33, -1])).toEqual([-4, -1, 0, 0]);
  });
  it("keeps -0 and NaN where backend-cpu does", () => {
    const r = on("round", "float32", [-2.5, 2.5, -0.4, 0.49999997, NaN]);
    expect(r.map((x) => (Object.is(x, -0) ? "-0" : x))).toEqual([-3, 3, "-0", 0, NaN]);
    expect(Object.is(on("sign", "float64", [-0])[0], -0)).toBe(true);
    expect(on("max", "float32", [NaN, 1, -0], [1, NaN, 0]).map((x) => (Object.is(x, -0) ? "-0" : x))).toEqual([NaN, NaN, 0]);
    expect(on("min", "float32", [-0, 0], [0, -0]).map((x) => Object.is(x, -0))).toEqual([true, true]);
  });
});

describe("opcodes added for elementwise kernels encode as wabt assembles them", () => {
  const v2: [ValType[], ValType[]] = [[V128, V128], [V128]];
  const v1: [ValType[], ValType[]] = [[V128], [V128]];
  const cases: [string, number, [ValType[], ValType[]]][] = [
    ["i8x16.eq", Simd.i8x16_eq, v2], ["i8x16.ne", Simd.i8x16_ne, v2], ["i8x16.lt_u", Simd.i8x16_lt_u, v2],
    ["i8x16.gt_u", Simd.i8x16_gt_u, v2], ["i8x16.le_u", Simd.i8x16_le_u, v2], ["i8x16.ge_u", Simd.i8x16_ge_u, v2],
    ["f32x4.demote_f64x2_zero", Simd.f32x4_demote_f64x2_zero, v1], ["f64x2.promote_low_f32x4", Simd.f64x2_promote_low_f32x4, v1],
    ["i8x16.narrow_i16x8_s", Simd.i8x16_narrow_i16x8_s, v2], ["i8x16.min_u", Simd.i8x16_min_u, v2], ["i8x16.max_u", Simd.i8x16_max_u, v2],
    ["i16x8.narrow_i32x4_s", Simd.i16x8_narrow_i32x4_s, v2], ["i16x8.extend_low_i8x16_u", Simd.i16x8_extend_low_i8x16_u, v1],
    ["i32x4.extend_low_i16x8_u", Simd.i32x4_extend_low_i16x8_u, v1], ["i64x2.extend_low_i32x4_u", Simd.i64x2_extend_low_i32x4_u, v1],
    ["i64x2.add", Simd.i64x2_add, v2], ["i64x2.ne", Simd.i64x2_ne, v2],
    ["i32x4.trunc_sat_f32x4_s", Simd.i32x4_trunc_sat_f32x4_s, v1], ["f32x4.convert_i32x4_s", Simd.f32x4_convert_i32x4_s, v1],
    ["i32x4.shl", Simd.i32x4_shl, [[V128, I32], [V128]]], ["i64x2.shl", Simd.i64x2_shl, [[V128, I32], [V128]]],
    ["i32x4.shr_s", Simd.i32x4_shr_s, [[V128, I32], [V128]]], ["i8x16.splat", Simd.i8x16_splat, [[I32], [V128]]],
  ];
  const wat = (params: ValType[], results: ValType[], body: string) => {
    const name = (t: ValType) => ({ [I32]: "i32", [F32]: "f32", [V128]: "v128" })[t as number];
    const ps = params.map((_, i) => `local.get ${i}`).join(" ");
    return `(module (import "env" "memory" (memory 1)) (func (export "run") (param ${params.map(name).join(" ")}) (result ${results.map(name).join(" ")}) ${ps} ${body}))`;
  };
  it.each(cases)("%s", async (text, opcode, [params, results]) => {
    const m = new ModuleBuilder();
    const { code } = m.func(params, results, "run");
    params.forEach((_, i) => code.get(i));
    code.simd(opcode);
    const wabt = await (await import("wabt")).default();
    const expected = wabt.parseWat("t.wat", wat(params, results, text), { simd: true }).toBinary({}).buffer;
    expect(Array.from(m.encode())).toEqual(Array.from(expected));
  });
  it.each([
    ["v128.load32_zero", Simd.v128_load32_zero],
    ["v128.load16_splat", Simd.v128_load16_splat],
    ["v128.load32_splat", Simd.v128_load32_splat],
  ] as const)("%s with a memarg", async (text, opcode) => {
    const m = new ModuleBuilder();
    const { code } = m.func([I32], [V128], "run");
    code.get(0).simd(opcode).op(0, 8);
    const wabt = await (await import("wabt")).default();
    const expected = wabt.parseWat("t.wat", wat([I32], [V128], `${text} offset=8 align=1`), { simd: true }).toBinary({}).buffer;
    expect(Array.from(m.encode())).toEqual(Array.from(expected));
  });
});
