import type { VectorCode, VectorEmitter } from "./elementwise-ops.js";
import { Simd } from "./wasm/opcodes.js";

// SIMD exp, tanh and logistic for float32 data, computed in float64 lanes: promoted, a
// polynomial accurate to ~2.4e-10 (relative), rounded once to float32. A float32 result
// needs less than half its ulp (~6e-8), so the result is within 1 ulp of backend-cpu's
// (double Math.exp/Math.tanh rounded to float32), and equal to it unless the exact value
// lies within ~2.4e-10 of a rounding tie (about 0.2% of values).

const LN2_HI = 6.93147180369123816490e-1; // 32 significant bits: k·LN2_HI is exact for |k| < 2²¹
const LN2_LO = 1.90821492927058770002e-10;
const ROUNDER = 6755399441055744; // 1.5·2⁵²: x + ROUNDER rounds x to an integer held in the low mantissa bits
/**
 * (e^r − 1)/r on |r| ≤ 0.3466 (ln2/2), degree 6, fitted by the Remez exchange for least
 * relative error (max 2.4e-10); c0 first. r·Q(r) is e^r − 1 with that relative error, so
 * the same fit gives exp and expm1 (tanh needs expm1: no cancellation near 0).
 */
const EXPM1_Q = [
  1.0000000000312157, 0.5000000046673378, 0.16666666249433398, 0.041666354354800705, 0.008333402919386789,
  0.0013941012856525377, 0.00019841251455252087,
];

const f64 = (v: VectorEmitter, name: string) => v.simd((Simd as Record<string, number>)[`f64x2_${name}`]);
const k64 = (v: VectorEmitter, value: number) => v.splat(value, "f64x2");

/**
 * For the f64x2 in local `x` (|x| ≤ 700, or NaN), set `s` = 2^k and `p` = e^r − 1 where
 * x = k·ln2 + r, |r| ≤ ln2/2: e^x = s·(1 + p), e^x − 1 = s·p + (s − 1).
 */
function expParts(v: VectorEmitter, x: number): { s: number; p: number } {
  const [kr, k, r, s, p] = [v.tmp(), v.tmp(), v.tmp(), v.tmp(), v.tmp()];
  v.get(x);
  k64(v, Math.LOG2E), f64(v, "mul"), k64(v, ROUNDER), f64(v, "add"), v.set(kr);
  v.get(kr);
  k64(v, ROUNDER), f64(v, "sub"), v.set(k);
  v.get(x).get(k);
  k64(v, LN2_HI), f64(v, "mul"), f64(v, "sub"), v.get(k);
  k64(v, LN2_LO), f64(v, "mul"), f64(v, "sub"), v.set(r);
  horner(v, r, EXPM1_Q);
  v.get(r), f64(v, "mul"), v.set(p);
  // 2^k: k sits in the low bits of kr; shift it into the exponent field and add the bias (bits of 1.0)
  v.get(kr);
  v.c.i32(52);
  v.simd(Simd.i64x2_shl);
  k64(v, 1);
  v.simd(Simd.i64x2_add);
  v.set(s);
  return { s, p };
}

/** Push e^x for the f64x2 in local `x`, |x| ≤ 700 or NaN. */
function exp64(v: VectorEmitter, x: number): void {
  const { s, p } = expParts(v, x);
  v.get(s).get(p), k64(v, 1), f64(v, "add"), f64(v, "mul");
}

/** Push e^x − 1 for the f64x2 in local `x`, |x| ≤ 700 or NaN, with small relative error near 0. */
function expm164(v: VectorEmitter, x: number): void {
  const { s, p } = expParts(v, x);
  v.get(s).get(p), f64(v, "mul"), v.get(s), k64(v, 1), f64(v, "sub"), f64(v, "add");
}

/**
 * Push Σ c_j r^j by Horner's rule. (Estrin's shallower tree measured slower here: its extra
 * products and live vectors cost more than the chain's latency, which the loop's
 * independent iterations hide.)
 */
function horner(v: VectorEmitter, r: number, coeffs: readonly number[]): void {
  k64(v, coeffs[coeffs.length - 1]);
  for (let j = coeffs.length - 2; j >= 0; j--) v.get(r), f64(v, "mul"), k64(v, coeffs[j]), f64(v, "add");
}

/** Clamp the f64x2 in `x` to [lo, hi] in place; pmax(x, lo) and pmin(x, hi) give x back when x is NaN. */
function clamp(v: VectorEmitter, x: number, lo: number, hi: number): void {
  v.get(x);
  k64(v, lo), f64(v, "pmax"), k64(v, hi), f64(v, "pmin"), v.set(x);
}

/** tanh for |x| in local `a` (clamped to 20, where tanh is 1 in double): E/(E + 2), E = e^{2a} − 1. */
function tanhAbs64(v: VectorEmitter, a: number): void {
  const [twice, e] = [v.tmp(), v.tmp()];
  v.get(a).get(a), f64(v, "add"), v.set(twice);
  expm164(v, twice), v.set(e);
  v.get(e).get(e), k64(v, 2), f64(v, "add"), f64(v, "div");
}

/** A float32 op computed on both f64x2 halves of each f32x4 (`body` pushes its result from local x). */
function viaF64x2(body: (v: VectorEmitter, x: number) => void): VectorCode {
  return (v) => {
    const [lo, hi, out] = [v.tmp(), v.tmp(), v.tmp()];
    v.arg(0).simd(Simd.f64x2_promote_low_f32x4).set(lo);
    v.arg(0).arg(0).simd(Simd.i8x16_shuffle).c.op(8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
    v.simd(Simd.f64x2_promote_low_f32x4).set(hi);
    body(v, lo);
    v.simd(Simd.f32x4_demote_f64x2_zero).set(out).get(out);
    body(v, hi);
    v.simd(Simd.f32x4_demote_f64x2_zero).simd(Simd.i8x16_shuffle).c.op(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  };
}

/** e^x: below -104 it rounds to float32 0, above 89 to Infinity, so clamping there changes nothing. */
export const expF32x4: VectorCode = viaF64x2((v, x) => (clamp(v, x, -104, 89), exp64(v, x)));

/** tanh x = copysign(tanh |x|, x); keeps -0 and NaN. */
export const tanhF32x4: VectorCode = viaF64x2((v, x) => {
  const [a, t] = [v.tmp(), v.tmp()];
  v.get(x), f64(v, "abs"), k64(v, 20), f64(v, "pmin"), v.set(a);
  tanhAbs64(v, a);
  v.set(t).get(x).get(t), k64(v, -0), v.simd(Simd.v128_bitselect); // sign of x, magnitude of t
});

/** 1 / (1 + e^-x) without forming e^{+large}: D = 1/(1 + E), E = e^{-|x|}; x ≥ 0 ? D : E·D. */
export const logisticF32x4: VectorCode = viaF64x2((v, x) => {
  const [m, e, d] = [v.tmp(), v.tmp(), v.tmp()];
  v.get(x), f64(v, "abs"), f64(v, "neg"), k64(v, -104), f64(v, "pmax"), v.set(m);
  exp64(v, m), v.set(e);
  k64(v, 1), k64(v, 1), v.get(e), f64(v, "add"), f64(v, "div"), v.set(d);
  v.get(d).get(e).get(d), f64(v, "mul");
  v.get(x), k64(v, 0), f64(v, "ge"), v.simd(Simd.v128_bitselect);
});
