import type { VectorCode, VectorEmitter } from "./elementwise-ops.js";
import { Simd } from "./wasm/opcodes.js";

// SIMD exp, tanh and logistic for float32 data, computed in float64 lanes: promoted, a
// polynomial accurate to ~1e-14, rounded once to float32. That matches backend-cpu (double
// Math.exp/Math.tanh rounded to float32) except within ~1e-14 of a rounding tie: ≤ 1 ulp.

const LN2_HI = 6.93147180369123816490e-1; // 32 significant bits: k·LN2_HI is exact for |k| < 2²¹
const LN2_LO = 1.90821492927058770002e-10;
const ROUNDER = 6755399441055744; // 1.5·2⁵²: x + ROUNDER rounds x to an integer held in the low mantissa bits
/** e^r on |r| ≤ 0.35, degree 9, Chebyshev-fitted (max error 1.6e-14); c0 first. */
const EXP_POLY = [
  1.0000000000000149, 1.0000000000000013, 0.4999999999939259, 0.16666666666611468, 0.04166666706330295,
  0.008333333369378955, 0.0013888798248685118, 0.00019841187466288426, 2.4886108977843126e-5, 2.7634139283408713e-6,
];

const f64 = (v: VectorEmitter, name: string) => v.simd((Simd as Record<string, number>)[`f64x2_${name}`]);
const k64 = (v: VectorEmitter, value: number) => v.splat(value, "f64x2");

/**
 * Push e^x for the f64x2 in local `x`, |x| ≤ 700 or NaN: x = k·ln2 + r, e^r by Horner,
 * 2^k built in the exponent bits.
 */
function exp64(v: VectorEmitter, x: number): void {
  const [kr, k, r] = [v.tmp(), v.tmp(), v.tmp()];
  v.get(x);
  k64(v, Math.LOG2E), f64(v, "mul"), k64(v, ROUNDER), f64(v, "add"), v.set(kr);
  v.get(kr);
  k64(v, ROUNDER), f64(v, "sub"), v.set(k);
  v.get(x).get(k);
  k64(v, LN2_HI), f64(v, "mul"), f64(v, "sub"), v.get(k);
  k64(v, LN2_LO), f64(v, "mul"), f64(v, "sub"), v.set(r);
  estrin(v, r, EXP_POLY);
  // 2^k: k sits in the low bits of kr; shift it into the exponent field and add the bias (bits of 1.0)
  v.get(kr);
  v.c.i32(52);
  v.simd(Simd.i64x2_shl);
  k64(v, 1);
  v.simd(Simd.i64x2_add);
  f64(v, "mul");
}

/** Push Σ c_j r^j by Estrin's scheme (a shallow tree of multiply-adds instead of one long chain). */
function estrin(v: VectorEmitter, r: number, coeffs: readonly number[]): void {
  const powers = [r]; // r^(2^i)
  for (let h = 2; h < coeffs.length; h *= 2) {
    const p = v.tmp();
    v.get(powers[powers.length - 1]).get(powers[powers.length - 1]), f64(v, "mul"), v.set(p);
    powers.push(p);
  }
  const tree = (cs: readonly number[]): void => {
    if (cs.length === 1) return void k64(v, cs[0]);
    let h = 1;
    while (h * 2 < cs.length) h *= 2;
    tree(cs.slice(0, h));
    v.get(powers[Math.log2(h)]);
    tree(cs.slice(h));
    f64(v, "mul"), f64(v, "add");
  };
  tree(coeffs);
}

/** Clamp the f64x2 in `x` to [lo, hi] in place; pmax(x, lo) and pmin(x, hi) give x back when x is NaN. */
function clamp(v: VectorEmitter, x: number, lo: number, hi: number): void {
  v.get(x);
  k64(v, lo), f64(v, "pmax"), k64(v, hi), f64(v, "pmin"), v.set(x);
}

/** tanh for |x| in local `a` (clamped to 20, where tanh is 1 in double): Taylor near 0, else 1 - 2/(e^{2a}+1). */
function tanhAbs64(v: VectorEmitter, a: number): void {
  const [twice, a2] = [v.tmp(), v.tmp()];
  v.get(a).get(a), f64(v, "add"), v.set(twice);
  // big: 1 - 2 / (e^{2a} + 1)
  k64(v, 1), k64(v, 2), exp64(v, twice), k64(v, 1), f64(v, "add"), f64(v, "div"), f64(v, "sub");
  // small (a < 1/64): a - a³/3 + 2a⁵/15 - 17a⁷/315 + 62a⁹/2835
  v.get(a).get(a), f64(v, "mul"), v.set(a2);
  k64(v, 62 / 2835);
  for (const c of [-17 / 315, 2 / 15, -1 / 3, 1]) v.get(a2), f64(v, "mul"), k64(v, c), f64(v, "add");
  v.get(a), f64(v, "mul");
  v.get(a), k64(v, 1 / 64), f64(v, "ge"), v.simd(Simd.v128_bitselect);
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

/** 1 / (1 + e^-x) as backend-cpu forms it: E = e^{-|x|}, x ≥ 0 ? 1/(1+E) : E/(1+E). */
export const logisticF32x4: VectorCode = viaF64x2((v, x) => {
  const [m, e] = [v.tmp(), v.tmp()];
  v.get(x), f64(v, "abs"), f64(v, "neg"), k64(v, -104), f64(v, "pmax"), v.set(m);
  exp64(v, m), v.set(e);
  k64(v, 1), k64(v, 1), v.get(e), f64(v, "add"), f64(v, "div");
  v.get(e), k64(v, 1), v.get(e), f64(v, "add"), f64(v, "div");
  v.get(x), k64(v, 0), f64(v, "ge"), v.simd(Simd.v128_bitselect);
});
