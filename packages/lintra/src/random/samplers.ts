/**
 * Samplers, each JAX's algorithm in `jax/_src/random` written with lax ops: the same bits
 * become the same numbers (floats to within the rounding of the elementwise functions). The
 * `*From` functions take their bits from a `BitSource`; the public ones use JAX's default.
 */
import { DTypeError, type DType, type Shape, ShapeError, type Tracer, ValueError, assertDType, fmtShape, isFloat } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { fmtArg, readOptions, shapeArg } from "../np/arguments.js";
import { type ArrayLike, asArray, broadcastShapes, broadcastTo, cast, fullLikeScalar } from "../operands.js";
import { erfInv } from "./erf-inv.js";
import { type Key, checkKey } from "./keys.js";
import { type BitSource, PARTITIONABLE, words } from "./threefry.js";

/** A float dtype option (float32 by default). */
function floatDType(call: string, dtype: unknown): DType {
  const d = assertDType(dtype ?? "float32", call);
  if (!isFloat(d)) throw new DTypeError(`${call}: dtype ${d} is not a float dtype; expected float32 or float64`);
  return d;
}

/**
 * A parameter (JS number or array) in `dtype`, broadcast to `shape`; its shape must broadcast
 * to `shape` without growing it (JAX's `_check_shape`).
 */
function param(call: string, name: string, v: ArrayLike, dtype: DType, shape: Shape): Tracer {
  const a = asArray(v, call, dtype);
  const joint = broadcastShapes(call, [shape, a.shape]);
  if (joint.join() !== shape.join()) {
    throw new ShapeError(`${call}: ${name} has shape ${fmtShape(a.shape)}, which does not broadcast to the sample shape ${fmtShape(shape)}`);
  }
  return broadcastTo(a, shape, call);
}

/** `value` in `dtype`, broadcast to `shape`. */
const filled = (value: number, dtype: DType, shape: Shape): Tracer => broadcastTo(asArray(value, "random", dtype), shape, "random");

/** 32 random bits per element, as int32 (the bits of JAX's uint32 `random.bits`). */
export function bits(key: Key, shape: number | Shape = []): Tracer {
  const call = "random.bits";
  return PARTITIONABLE.bits32(checkKey(call, key), shapeArg(call, shape));
}

/** Floats uniform in [0, 1) from random bits: JAX's mantissa trick (`_uniform`). */
function unitFloats(src: BitSource, key: Key, shape: Shape, dtype: DType): Tracer {
  if (dtype === "float32") {
    // (bits >>> 9) | bits(1.0f): a float in [1, 2) with a random mantissa; minus 1.
    const mantissa = lax.shiftRightLogical(src.bits32(key, shape), words(shape, 9));
    const one = lax.bitcastConvertType(lax.or(mantissa, words(shape, 0x3f800000)), "float32");
    return lax.sub(one, fullLikeScalar(one, 1));
  }
  // float64: JAX takes 64 bits (hi, lo) and keeps the top 52 as the mantissa m; the float is
  // m · 2^-52, formed exactly from m's three pieces (hi >>> 16, hi & 0xffff, lo >>> 12).
  const [hi, lo] = src.bits64(key, shape);
  const f = (x: Tracer) => cast(x, "float64");
  const top = f(lax.shiftRightLogical(hi, words(shape, 16)));
  const mid = f(lax.and(hi, words(shape, 0xffff)));
  const low = f(lax.shiftRightLogical(lo, words(shape, 12)));
  const c = (v: number) => fullLikeScalar(top, v);
  const m = lax.add(lax.add(lax.mul(top, c(2 ** 36)), lax.mul(mid, c(2 ** 20))), low);
  return lax.mul(m, c(2 ** -52));
}

/** JAX's `_uniform`: samples in [minval, maxval) (bounds converted and broadcast to `shape`). */
export function uniformFrom(src: BitSource, key: Key, shape: Shape, dtype: DType, minval: Tracer, maxval: Tracer): Tracer {
  const u = unitFloats(src, key, shape, dtype);
  return lax.max(minval, lax.add(lax.mul(u, lax.sub(maxval, minval)), minval));
}

export interface UniformOptions {
  dtype?: DType;
  minval?: ArrayLike;
  maxval?: ArrayLike;
}

/**
 * Samples uniform in [minval, maxval) (default [0, 1)), float32 unless `dtype: "float64"`;
 * `minval` and `maxval` broadcast to `shape`. The values JAX's `random.uniform` gives
 * (float64 as JAX gives them with `jax_enable_x64`).
 */
export function uniform(key: Key, shape: number | Shape = [], options?: UniformOptions): Tracer {
  const call = "random.uniform";
  const k = checkKey(call, key);
  const s = shapeArg(call, shape);
  const { dtype, minval = 0, maxval = 1 } = readOptions(call, options, ["dtype", "minval", "maxval"]);
  const d = floatDType(call, dtype);
  return uniformFrom(PARTITIONABLE, k, s, d, param(call, "minval", minval, d, s), param(call, "maxval", maxval, d, s));
}

/** JAX's `_normal_real`: √2 · erfinv(u), u uniform in [nextafter(-1, 0), 1). */
export function normalFrom(src: BitSource, key: Key, shape: Shape, dtype: DType): Tracer {
  const lo = dtype === "float64" ? -(1 - 2 ** -53) : -(1 - 2 ** -24);
  const u = uniformFrom(src, key, shape, dtype, filled(lo, dtype, shape), filled(1, dtype, shape));
  return lax.mul(fullLikeScalar(u, Math.SQRT2), erfInv(u));
}

/** Standard normal samples, float32 unless `dtype: "float64"`: JAX's `random.normal`. */
export function normal(key: Key, shape: number | Shape = [], options?: { dtype?: DType }): Tracer {
  const call = "random.normal";
  const k = checkKey(call, key);
  const s = shapeArg(call, shape);
  return normalFrom(PARTITIONABLE, k, s, floatDType(call, readOptions(call, options, ["dtype"]).dtype));
}

/** JAX's `_bernoulli` (mode "low"): uniform(key, shape, p.dtype) < p, p broadcast to `shape`. */
export function bernoulliFrom(src: BitSource, key: Key, p: Tracer, shape: Shape): Tracer {
  const u = uniformFrom(src, key, shape, p.dtype, filled(0, p.dtype, shape), filled(1, p.dtype, shape));
  return lax.lt(u, p);
}

/**
 * Booleans, true with probability `p` (default 0.5; a float or float array, broadcast to
 * `shape`, whose shape it is when `shape` is omitted): JAX's `random.bernoulli`.
 */
export function bernoulli(key: Key, p: ArrayLike = 0.5, shape?: number | Shape | null): Tracer {
  const call = "random.bernoulli";
  const k = checkKey(call, key);
  const pa = asArray(p, call);
  if (!isFloat(pa.dtype)) throw new DTypeError(`${call}: p has dtype ${pa.dtype}; expected a float probability (a JS number or a float array)`);
  const s = shape === undefined || shape === null ? pa.shape : shapeArg(call, shape);
  return bernoulliFrom(PARTITIONABLE, k, param(call, "p", pa, pa.dtype, s), s);
}

/** An integer bound as an int32 array (JS numbers must fit int32, as JAX's 32-bit default requires; floats truncate). */
function intBound(call: string, name: string, v: ArrayLike, shape: Shape): Tracer {
  if (typeof v === "number" && !(Number.isFinite(v) && Math.trunc(v) >= -(2 ** 31) && Math.trunc(v) < 2 ** 31)) {
    throw new ValueError(`${call}: ${name} is ${fmtArg(v)}; expected an integer in the int32 range [-2^31, 2^31)`);
  }
  const a = asArray(typeof v === "number" ? Math.trunc(v) : v, call);
  return param(call, name, a.dtype === "int32" ? a : cast(a, "int32"), "int32", shape);
}

/** Unsigned a < b on int32 words holding uint32 bits (the sign bit flipped, then signed order). */
const ltU = (a: Tracer, b: Tracer) => lax.lt(lax.xor(a, words(a.shape, 0x80000000)), lax.xor(b, words(b.shape, 0x80000000)));

/** Unsigned remainder a mod b of uint32 words (b ≥ 1), from signed int32 ops. */
function remU(a: Tracer, b: Tracer): Tracer {
  const k = (v: number) => words(a.shape, v);
  // b ≥ 2^31: a mod b is a or a - b.
  const big = lax.select(ltU(a, b), a, lax.sub(a, b));
  // b < 2^31: ((a >>> 1) mod b) · 2 + (a & 1) is below 2b; one subtraction finishes.
  const r = lax.rem(lax.shiftRightLogical(a, k(1)), b);
  const t = lax.or(lax.shiftLeft(r, k(1)), lax.and(a, k(1)));
  const small = lax.select(ltU(t, b), t, lax.sub(t, b));
  return lax.select(lax.lt(b, k(0)), big, small);
}

/** JAX's `_randint` for int32: (higher · 2^32 + lower) mod span over 64 random bits, uint32 arithmetic. */
export function randintFrom(src: BitSource, key: Key, shape: Shape, minval: Tracer, maxval: Tracer): Tracer {
  const [k1, k2] = src.split2(key);
  const higher = src.bits32(k1, shape);
  const lower = src.bits32(k2, shape);
  const c = (v: number) => words(shape, v);
  const span = lax.select(lax.le(maxval, minval), c(1), lax.sub(maxval, minval));
  // 2^32 mod span = (2^16 mod span)² mod span
  const m16 = remU(c(2 ** 16), span);
  const multiplier = remU(lax.mul(m16, m16), span);
  const offset = remU(lax.add(lax.mul(remU(higher, span), multiplier), remU(lower, span)), span);
  return lax.add(minval, offset);
}

/**
 * Integers uniform in [minval, maxval) (int32; bounds are JS integers or int32 arrays
 * broadcast to `shape`; where maxval ≤ minval every sample is minval): JAX's `random.randint`.
 */
export function randint(key: Key, shape: number | Shape, minval: ArrayLike, maxval: ArrayLike, options?: { dtype?: DType }): Tracer {
  const call = "random.randint";
  const k = checkKey(call, key);
  const s = shapeArg(call, shape);
  const { dtype = "int32" } = readOptions(call, options, ["dtype"]);
  if (assertDType(dtype, call) !== "int32") throw new DTypeError(`${call}: dtype ${dtype} is not supported; expected int32`);
  return randintFrom(PARTITIONABLE, k, s, intBound(call, "minval", minval, s), intBound(call, "maxval", maxval, s));
}

/** Gumbel samples, JAX's mode "low": -log(-log(u)) for u uniform in [tiny, 1). */
export function gumbel(key: Key, shape: Shape, dtype: DType): Tracer {
  const tiny = dtype === "float64" ? 2 ** -1022 : 2 ** -126;
  const u = uniformFrom(PARTITIONABLE, key, shape, dtype, filled(tiny, dtype, shape), filled(1, dtype, shape));
  return lax.neg(lax.log(lax.neg(lax.log(u))));
}
