/** Elementwise arithmetic with NumPy broadcasting and promotion. */
import { type DType, DTypeError, type Tracer, isFloat } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { type ArrayLike, broadcastArgs, elementwise, fullLikeScalar, promoteArgs, toInexact, toNumeric } from "../operands.js";
import { integerArg } from "./arguments.js";

function rejectBool(op: string, x: Tracer, instead: string): void {
  if (x.dtype === "bool") throw new DTypeError(`${op}: operands have dtype bool (${x.aval}); ${op} of booleans is not supported, use ${instead} instead`);
}

/** x + y; for booleans, logical or (as NumPy). */
export function add(x: ArrayLike, y: ArrayLike): Tracer {
  return elementwise("np.add", [x, y], (a, b) => (a.dtype === "bool" ? lax.or(a, b) : lax.add(a, b)));
}

export function subtract(x: ArrayLike, y: ArrayLike): Tracer {
  return elementwise("np.subtract", [x, y], (a, b) => (rejectBool("np.subtract", a, "np.logicalXor"), lax.sub(a, b)));
}

/** x * y; for booleans, logical and (as NumPy). */
export function multiply(x: ArrayLike, y: ArrayLike): Tracer {
  return elementwise("np.multiply", [x, y], (a, b) => (a.dtype === "bool" ? lax.and(a, b) : lax.mul(a, b)));
}

/** True division: integer operands give float32. */
export function divide(x: ArrayLike, y: ArrayLike): Tracer {
  return elementwise("np.divide", [x, y], lax.div, toInexact);
}

export const trueDivide = divide;

/** Largest integer <= x / y (integers stay integers). */
export function floorDivide(x: ArrayLike, y: ArrayLike): Tracer {
  return elementwise("np.floorDivide", [x, y], floorDiv, toNumeric);
}

function floorDiv(a: Tracer, b: Tracer): Tracer {
  if (isFloat(a.dtype)) return lax.floor(lax.div(a, b));
  // Truncating division rounds toward zero; step down where the remainder has the wrong sign.
  const q = lax.div(a, b);
  return lax.select(remainderNeedsFix(lax.rem(a, b), b), lax.sub(q, fullLikeScalar(q, 1)), q);
}

/** Where a truncated remainder r is nonzero and its sign differs from the divisor's. */
function remainderNeedsFix(r: Tracer, b: Tracer): Tracer {
  const zero = fullLikeScalar(r, 0);
  return lax.and(lax.ne(r, zero), lax.ne(lax.lt(r, zero), lax.lt(b, zero)));
}

/** Remainder with the sign of the divisor (NumPy's `mod`), built from the C-style `rem`. */
export function mod(x: ArrayLike, y: ArrayLike): Tracer {
  return elementwise("np.mod", [x, y], floorMod, toNumeric);
}

function floorMod(a: Tracer, b: Tracer): Tracer {
  const r = lax.rem(a, b);
  return lax.select(remainderNeedsFix(r, b), lax.add(r, b), r);
}

export const remainder = mod;

/** Remainder with the sign of the dividend (C fmod). */
export function fmod(x: ArrayLike, y: ArrayLike): Tracer {
  return elementwise("np.fmod", [x, y], lax.rem, toNumeric);
}

/** x ** y, with power(0, 0) = 1. */
export function power(x: ArrayLike, y: ArrayLike): Tracer {
  return elementwise("np.power", [x, y], lax.pow, toNumeric);
}

/** Elementwise maximum; NaN propagates. */
export function maximum(x: ArrayLike, y: ArrayLike): Tracer {
  return elementwise("np.maximum", [x, y], lax.max);
}

/** Elementwise minimum; NaN propagates. */
export function minimum(x: ArrayLike, y: ArrayLike): Tracer {
  return elementwise("np.minimum", [x, y], lax.min);
}

/** x limited to [min, max]; either bound may be omitted (null). */
export function clip(x: ArrayLike, min: ArrayLike | null = null, max: ArrayLike | null = null): Tracer {
  const bounds = [min, max].filter((b): b is ArrayLike => b !== null && b !== undefined);
  const [a, ...limits] = broadcastArgs("np.clip", promoteArgs("np.clip", [x, ...bounds]));
  let out = a;
  if (min !== null && min !== undefined) out = lax.max(out, limits.shift()!);
  if (max !== null && max !== undefined) out = lax.min(out, limits.shift()!);
  return out;
}

export function negative(x: ArrayLike): Tracer {
  return elementwise("np.negative", [x], (a) => (rejectBool("np.negative", a, "np.logicalNot"), lax.neg(a)));
}

/** |x|; -0 becomes +0. Booleans are returned as they are. */
export function abs(x: ArrayLike): Tracer {
  return elementwise("np.abs", [x], (a) => (a.dtype === "bool" ? a : lax.abs(a)));
}

export const absolute = abs;

/** -1, 0 or 1 (NaN stays NaN). */
export function sign(x: ArrayLike): Tracer {
  return elementwise("np.sign", [x], lax.sign, toNumeric);
}

/** Rounding functions leave integer arrays unchanged (as JAX does). */
const isExact = (d: DType) => !isFloat(d);

export function floor(x: ArrayLike): Tracer {
  return elementwise("np.floor", [x], (a) => (isExact(a.dtype) ? a : lax.floor(a)));
}

export function ceil(x: ArrayLike): Tracer {
  return elementwise("np.ceil", [x], (a) => (isExact(a.dtype) ? a : lax.ceil(a)));
}

/** Round to `decimals` places, halves to even (NumPy's rule: round(2.5) = 2). */
export function round(x: ArrayLike, decimals = 0): Tracer {
  integerArg("np.round", "decimals", decimals, -Infinity);
  return elementwise("np.round", [x], (a) => {
    if (isExact(a.dtype)) return a;
    if (decimals === 0) return roundHalfEven(a);
    const scale = fullLikeScalar(a, 10 ** decimals);
    return lax.div(roundHalfEven(lax.mul(a, scale)), scale);
  });
}

/**
 * `lax.round` rounds halves away from zero; at an exact half with an odd result, step back
 * toward zero, as sign(a) (|r| - 1) so that round(-0.5) is -0.
 */
function roundHalfEven(a: Tracer): Tracer {
  const r = lax.round(a);
  const half = lax.eq(lax.abs(lax.sub(a, r)), fullLikeScalar(a, 0.5));
  const odd = lax.ne(lax.rem(r, fullLikeScalar(r, 2)), fullLikeScalar(r, 0));
  const towardZero = lax.mul(lax.sign(a), lax.sub(lax.abs(r), fullLikeScalar(r, 1)));
  return lax.select(lax.and(half, odd), towardZero, r);
}

export function square(x: ArrayLike): Tracer {
  return elementwise("np.square", [x], (a) => lax.mul(a, a), toNumeric);
}

/** 1 / x (integers give float32). */
export function reciprocal(x: ArrayLike): Tracer {
  return elementwise("np.reciprocal", [x], (a) => lax.div(fullLikeScalar(a, 1), a), toInexact);
}

/** A shift of int32 operands (JS numbers meeting them are int32); float and bool operands are refused. */
const shift =
  (op: string, fn: (a: Tracer, b: Tracer) => Tracer) =>
  (x: ArrayLike, y: ArrayLike): Tracer =>
    elementwise(op, [x, y], (a, b) => {
      if (a.dtype !== "int32") throw new DTypeError(`${op}: operands have dtype ${a.dtype} (${a.aval}); expected int32 arrays`);
      return fn(a, b);
    });

/** x << y on int32, as jnp.left_shift: an amount of 32 or more (or negative) gives 0. */
export const leftShift = shift("np.leftShift", lax.shiftLeft);
/** x >> y on int32, filling with the sign bit, as jnp.right_shift: an amount of 32 or more gives -1 or 0. */
export const rightShift = shift("np.rightShift", lax.shiftRightArithmetic);

// The names of the Array methods (TensorFlow.js's, and NumPy 2's `pow`), as functions.
export { subtract as sub, multiply as mul, divide as div, negative as neg, power as pow };
