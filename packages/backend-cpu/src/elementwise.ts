import { type AnyTypedArray, type DType, type SingleKernelTable, type ShapedArray, allocTyped, isFloat } from "@lintra/core-ir";
import { erf } from "./erf.js";

type Unary = (x: number) => number;
type Binary = (x: number, y: number) => number;
type Kernel = (inputs: AnyTypedArray[], avals: ShapedArray[], params: unknown, out: ShapedArray) => AnyTypedArray;

/** Per-dtype replacements for an op whose float form is not right for integers or bools. */
interface Overrides<F> {
  readonly int32?: F;
  readonly bool?: F;
}

const pick = <F>(op: F, over: Overrides<F>, dtype: DType): F => (isFloat(dtype) ? op : (over[dtype as "int32" | "bool"] ?? op));

/**
 * out[i] = op(x[i]) into a fresh array of the output dtype; float32 rounds on store,
 * int32 wraps on store (so abs/neg of -2³¹ wrap as in two's complement).
 */
export function unaryKernel(op: Unary, over: Overrides<Unary> = {}): Kernel {
  return ([x], [aval], _params, out) => {
    const f = pick(op, over, aval.dtype);
    const y = allocTyped(out.dtype, out.size);
    for (let i = 0; i < y.length; i++) y[i] = f(x[i]);
    return y;
  };
}

/** out[i] = op(x[i], y[i]); operands share one shape (broadcasting is explicit upstream). */
export function binaryKernel(op: Binary, over: Overrides<Binary> = {}): Kernel {
  return ([x, y], [aval], _params, out) => {
    const f = pick(op, over, aval.dtype);
    const z = allocTyped(out.dtype, out.size);
    for (let i = 0; i < z.length; i++) z[i] = f(x[i], y[i]);
    return z;
  };
}

/** A comparison: bool out, 1 where `test` holds (false whenever a NaN is involved, except ne). */
export const compareKernel = (test: (x: number, y: number) => boolean): Kernel => binaryKernel((x, y) => (test(x, y) ? 1 : 0));

// ---------------------------------------------------------------------------------------
// Scalar ops whose definitions need more than one line.

/** sign: -1, 0 or 1; keeps -0 and NaN as they are. */
const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : x);

/** Round half away from zero (Math.round rounds half up: Math.round(-2.5) = -2). */
const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

/** 1 / (1 + e^-x), never forming e^{+large}: for x < 0 use e^x / (1 + e^x). */
function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** pow as IEEE 754 and C define it: pow(1, y) = 1 and pow(-1, ±Inf) = 1 even where Math.pow says NaN. */
function powFloat(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

/** Exact int32 power with wraparound, by repeated squaring; x^-n = trunc(1 / x^n). */
function powInt32(x: number, n: number): number {
  if (n < 0) return x === 1 ? 1 : x === -1 ? (n & 1 ? -1 : 1) : 0;
  let result = 1;
  for (let base = x; n > 0; n >>>= 1) {
    if (n & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
  }
  return result;
}

/** Truncating int32 division; division by zero gives 0; -2³¹ / -1 wraps to -2³¹. */
const divInt32 = (x: number, y: number): number => (y === 0 ? 0 : (x / y) | 0);

/** int32 remainder with the sign of the dividend (C semantics); by zero gives 0. */
const remInt32 = (x: number, y: number): number => (y === 0 ? 0 : x % y | 0);

/**
 * Shifts read the amount as unsigned, as XLA does: 32 or more (or negative) shifts every bit
 * out, where JavaScript's operators take the amount mod 32.
 */
const shiftLeft = (x: number, s: number): number => (s >>> 0 < 32 ? x << s : 0);
const shiftRightLogical = (x: number, s: number): number => (s >>> 0 < 32 ? x >>> s : 0);
const shiftRightArithmetic = (x: number, s: number): number => x >> (s >>> 0 < 32 ? s : 31);

// ---------------------------------------------------------------------------------------
// Kernels that are not a scalar map.

/** Cast: float -> int32 truncates toward zero (NaN -> 0, clamped to the int32 range); -> bool is x != 0. */
function convertElementType(x: AnyTypedArray, to: DType): AnyTypedArray {
  const y = allocTyped(to, x.length);
  if (to === "bool") for (let i = 0; i < x.length; i++) y[i] = x[i] !== 0 ? 1 : 0;
  else if (to === "int32") for (let i = 0; i < x.length; i++) y[i] = toInt32Saturating(x[i]);
  else y.set(x);
  return y;
}

/** bitcast: the operand's bytes, copied, viewed as `to` (int32 and float32 have one width). */
function bitcastConvertType(x: AnyTypedArray, to: DType): AnyTypedArray {
  const y = allocTyped(to, x.length);
  new Uint8Array(y.buffer, y.byteOffset, y.byteLength).set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  return y;
}

function toInt32Saturating(v: number): number {
  if (v !== v) return 0;
  if (v >= 2147483647) return 2147483647;
  if (v <= -2147483648) return -2147483648;
  return Math.trunc(v);
}

/** iota: out[…, i_d, …] = i_d along `dimension`. */
function iota(shape: readonly number[], dimension: number, dtype: DType): AnyTypedArray {
  const y = allocTyped(dtype, shape.reduce((a, b) => a * b, 1));
  const len = shape[dimension];
  const inner = shape.slice(dimension + 1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < y.length; i++) y[i] = Math.floor(i / inner) % len;
  return y;
}

export const elementwiseKernels = {
  neg: unaryKernel((x) => -x),
  abs: unaryKernel(Math.abs),
  sign: unaryKernel(sign),
  floor: unaryKernel(Math.floor),
  ceil: unaryKernel(Math.ceil),
  round: unaryKernel(roundHalfAway),
  exp: unaryKernel(Math.exp),
  log: unaryKernel(Math.log),
  log1p: unaryKernel(Math.log1p),
  expm1: unaryKernel(Math.expm1),
  sqrt: unaryKernel(Math.sqrt),
  rsqrt: unaryKernel((x) => 1 / Math.sqrt(x)),
  sin: unaryKernel(Math.sin),
  cos: unaryKernel(Math.cos),
  tan: unaryKernel(Math.tan),
  asin: unaryKernel(Math.asin),
  acos: unaryKernel(Math.acos),
  atan: unaryKernel(Math.atan),
  sinh: unaryKernel(Math.sinh),
  cosh: unaryKernel(Math.cosh),
  tanh: unaryKernel(Math.tanh),
  logistic: unaryKernel(logistic),
  erf: unaryKernel(erf),
  is_finite: unaryKernel((x) => (Number.isFinite(x) ? 1 : 0)),
  not: unaryKernel((x) => ~x, { bool: (x) => (x ? 0 : 1) }),

  add: binaryKernel((x, y) => x + y, { int32: (x, y) => (x + y) | 0 }),
  sub: binaryKernel((x, y) => x - y, { int32: (x, y) => (x - y) | 0 }),
  mul: binaryKernel((x, y) => x * y, { int32: Math.imul }),
  div: binaryKernel((x, y) => x / y, { int32: divInt32 }),
  rem: binaryKernel((x, y) => x % y, { int32: remInt32 }),
  pow: binaryKernel(powFloat, { int32: powInt32 }),
  max: binaryKernel(Math.max),
  min: binaryKernel(Math.min),
  atan2: binaryKernel(Math.atan2),
  and: binaryKernel((x, y) => x & y),
  or: binaryKernel((x, y) => x | y),
  xor: binaryKernel((x, y) => x ^ y),
  shift_left: binaryKernel(shiftLeft),
  shift_right_logical: binaryKernel(shiftRightLogical),
  shift_right_arithmetic: binaryKernel(shiftRightArithmetic),

  eq: compareKernel((x, y) => x === y),
  ne: compareKernel((x, y) => x !== y),
  lt: compareKernel((x, y) => x < y),
  le: compareKernel((x, y) => x <= y),
  gt: compareKernel((x, y) => x > y),
  ge: compareKernel((x, y) => x >= y),

  select: ([pred, onTrue, onFalse], _avals, _params, out) => {
    const y = allocTyped(out.dtype, out.size);
    for (let i = 0; i < y.length; i++) y[i] = pred[i] ? onTrue[i] : onFalse[i];
    return y;
  },
  convert_element_type: ([x], _avals, { newDtype }) => convertElementType(x, newDtype),
  bitcast_convert_type: ([x], _avals, { newDtype }) => bitcastConvertType(x, newDtype),
  stop_gradient: ([x]) => x.slice(),
  iota: (_inputs, _avals, { shape, dimension, dtype }) => iota(shape, dimension, dtype),
} satisfies SingleKernelTable<AnyTypedArray>;
