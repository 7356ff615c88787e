import { type Helper, INF, NAN, ONE, helper } from "./glsl.js";
import { twoOverPiBytes } from "./two-over-pi.js";

/*
 * float32 elementary functions in GLSL, written for what GPUs do rather than what IEEE
 * promises: exp2/log2/pow/sin are approximate (badly so for large arguments), and
 * compilers reassociate. Each function reduces its argument exactly (powers of two built
 * by multiplication, Cody–Waite constants with few bits, Payne–Hanek for large sin/cos/tan),
 * then evaluates a short polynomial; special values are handled first, as C99 defines them.
 */

/** A float as a GLSL literal (always with a point or an exponent). */
export function glslFloat(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`internal: ${v} has no GLSL literal`);
  const s = Number.isInteger(v) && Math.abs(v) < 1e21 ? v.toFixed(1) : v.toPrecision(10);
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
}

/** `v` rounded to a float with at most `bits` significant bits (for exact products). */
export function highBits(v: number, bits: number): number {
  const e = Math.floor(Math.log2(Math.abs(v)));
  const q = 2 ** (e - bits + 1);
  return Math.round(v / q) * q;
}

const LN2 = Math.LN2;
const LN2_HI = highBits(LN2, 14);
const LN2_LO = Math.fround(LN2 - LN2_HI);
const f = glslFloat;

export const nanQ = helper("lt_isnan", [], `bool lt_isnan(float x) { return !(x == x); }`);

/** The sign bit: negative numbers, −0 (1/−0 = −Inf), and negative numbers flushed to −0. */
export const signbit = helper("lt_signbit", [], `bool lt_signbit(float x) { return x < 0.0 || (x == 0.0 && 1.0 / x < 0.0); }`);

/** 2^n exactly, for an integer n in [−127, 127], by squaring 2 (or 1/2). */
export const pow2 = helper(
  "lt_pow2",
  [],
  `
float lt_pow2(float n) {
  float r = 1.0;
  float a = abs(n);
  float b = n < 0.0 ? 0.5 : 2.0;
  for (int k = 0; k < 7; k++) {
    if (mod(a, 2.0) >= 1.0) r *= b;
    b *= b;
    a = floor(a * 0.5);
  }
  return r;
}`,
);

/** x · 2^n for an integer n in [−254, 254], in two exact steps so that 2^n itself never overflows. */
export const scale = helper(
  "lt_scale",
  [pow2],
  `
float lt_scale(float x, float n) {
  float h = floor(n * 0.5);
  return (x * lt_pow2(h)) * ${ONE} * lt_pow2(n - h);
}`,
);

/** The exponent e of a finite nonzero x: 2^e <= |x| < 2^(e+1). log2 only guesses it. */
export const exponent = helper(
  "lt_exponent",
  [scale],
  `
float lt_exponent(float x) {
  float a = abs(x);
  float e = floor(log2(a));
  float p = lt_scale(1.0, e);
  if (p > a) e -= 1.0;
  else if (p * 2.0 <= a) e += 1.0;
  return e;
}`,
);

/** e^r for |r| <= 0.35: Taylor to r^7 (remainder below 6e-9). */
const expPoly = helper(
  "lt_exp_poly",
  [],
  `
float lt_exp_poly(float r) {
  return 1.0 + r * (1.0 + r * (0.5 + r * (${f(1 / 6)} + r * (${f(1 / 24)} + r * (${f(1 / 120)} + r * (${f(1 / 720)} + r * ${f(1 / 5040)}))))));
}`,
);

/** e^x = 2^n e^r with n = round(x / ln 2), r = x − n ln 2 in two parts (n · LN2_HI is exact). */
export const exp = helper(
  "lt_exp",
  [expPoly, scale],
  `
float lt_exp(float x) {
  if (!(x == x)) return x;
  if (x > 88.72284) return ${INF};
  if (x < -103.98) return 0.0;
  float n = floor(x * ${f(1 / LN2)} + 0.5);
  float r = (x - n * ${f(LN2_HI)}) * ${ONE} - n * ${f(LN2_LO)};
  return lt_scale(lt_exp_poly(r), n);
}`,
);

/** e^x − 1: Taylor near 0 (keeps −0 and tiny x), e^x − 1 elsewhere. */
export const expm1 = helper(
  "lt_expm1",
  [exp],
  `
float lt_expm1(float x) {
  if (abs(x) < 0.25) {
    return x * (1.0 + x * (0.5 + x * (${f(1 / 6)} + x * (${f(1 / 24)} + x * (${f(1 / 120)} + x * (${f(1 / 720)} + x * (${f(1 / 5040)} + x * ${f(1 / 40320)})))))));
  }
  return lt_exp(x) - 1.0;
}`,
);

/** log(m) for m in [0.70, 1.42]: 2 atanh(s), s = (m − 1)/(m + 1), |s| <= 0.172 (m − 1 is exact). */
const logMantissa = helper(
  "lt_log_m",
  [],
  `
float lt_log_m(float m) {
  float s = (m - 1.0) / (m + 1.0);
  float z = s * s;
  return 2.0 * s * (1.0 + z * (${f(1 / 3)} + z * (0.2 + z * (${f(1 / 7)} + z * (${f(1 / 9)} + z * ${f(1 / 11)})))));
}`,
);

/** Split a positive finite x into m in [0.70, 1.42] and e with x = m 2^e (vec2(m, e)). */
const frexp = helper(
  "lt_frexp",
  [exponent, scale],
  `
vec2 lt_frexp(float x) {
  float e = lt_exponent(x);
  float m = lt_scale(x, -e);
  if (m > 1.4142135) {
    m *= 0.5;
    e += 1.0;
  }
  return vec2(m, e);
}`,
);

export const log = helper(
  "lt_log",
  [frexp, logMantissa],
  `
float lt_log(float x) {
  if (!(x == x) || x < 0.0) return ${NAN};
  if (x == 0.0) return -${INF};
  if (x == ${INF}) return x;
  vec2 me = lt_frexp(x);
  return me.y * ${f(LN2_HI)} + (me.y * ${f(LN2_LO)} + lt_log_m(me.x));
}`,
);

/** log(1 + x) = log(u) · x / (u − 1) with u = 1 + x rounded (Goldberg): the rounding of u cancels. */
export const log1p = helper(
  "lt_log1p",
  [log],
  `
float lt_log1p(float x) {
  if (!(x == x) || x < -1.0) return ${NAN};
  if (x == -1.0) return -${INF};
  if (x == ${INF}) return x;
  float u = (x + 1.0) * ${ONE};
  if (u == 1.0) return x;
  return lt_log(u) * (x / (u - 1.0));
}`,
);

/** Veltkamp's split: the high 12 bits of |y| < 1e30 (y·4097 stays finite). */
const split12 = helper(
  "lt_split12",
  [],
  `
float lt_split12(float y) {
  float c = y * 4097.0;
  return c - (c - y) * ${ONE};
}`,
);

/**
 * |x|^y for finite positive x: 2^w with w = y log2 x = y e + y log2 m carried as three
 * terms (y split in 12-bit halves makes y e exact), then 2^w = 2^n 2^(w − n).
 */
const powPositive = helper(
  "lt_pow_pos",
  [frexp, logMantissa, split12, expPoly, scale],
  `
float lt_pow_pos(float a, float y) {
  vec2 me = lt_frexp(a);
  float e = me.y;
  float l = lt_log_m(me.x) * ${f(1 / LN2)};
  if (e != 0.0 && abs(y) > 1.0e6) return y * e > 0.0 ? ${INF} : 0.0;
  float yh = e == 0.0 ? 0.0 : lt_split12(y);
  float p1 = yh * e;
  float p2 = (y - yh) * e;
  float p3 = y * l;
  float w = p1 + (p2 + p3);
  if (w >= 128.0) return ${INF};
  if (w < -151.0) return 0.0;
  float n = floor(w + 0.5);
  float r = ((p1 - n) * ${ONE} + p2) * ${ONE} + p3;
  return lt_scale(lt_exp_poly(r * ${f(LN2)}), n);
}`,
);

/** pow as C99 and NumPy define it (pow(x, ±0) = 1, pow(1, y) = 1, pow(−1, ±Inf) = 1, signed zeros and infinities). */
export const pow = helper(
  "lt_pow",
  [powPositive, signbit],
  `
float lt_pow(float x, float y) {
  if (y == 0.0 || x == 1.0) return 1.0;
  if (!(x == x) || !(y == y)) return ${NAN};
  float ax = abs(x);
  if (abs(y) == ${INF}) {
    if (ax == 1.0) return 1.0;
    return (ax > 1.0) == (y > 0.0) ? ${INF} : 0.0;
  }
  bool yInt = floor(y) == y;
  bool yOdd = yInt && abs(y) < 16777216.0 && mod(y, 2.0) == 1.0;
  bool neg = lt_signbit(x);
  if (ax == 0.0 || ax == ${INF}) {
    float r = (ax == 0.0) == (y < 0.0) ? ${INF} : 0.0;
    return neg && yOdd ? -r : r;
  }
  if (neg && !yInt) return ${NAN};
  float r = lt_pow_pos(ax, y);
  return neg && yOdd ? -r : r;
}`,
);

// ---------------------------------------------------------------------------------------
// sin, cos, tan: reduce x to r in [−π/4, π/4] and a quadrant q, then a polynomial.

const PIO2 = Math.PI / 2;
const PIO2_1 = highBits(PIO2, 12);
const PIO2_2 = highBits(PIO2 - PIO2_1, 12);
const PIO2_3 = Math.fround(PIO2 - PIO2_1 - PIO2_2);
/** Below this, q < 2^12 and the three-part (Cody–Waite) reduction is exact enough. */
const CODY_WAITE_LIMIT = 4096;
/** Bytes of 2/π that matter for any float32 exponent (see `reduceLarge`). */
const BYTES = twoOverPiBytes(24);

/**
 * One term of Payne–Hanek: t · 2^p (t an integer < 2^20) added to I + F + L modulo 4, with
 * I the integer part, F the fraction and L the rounding errors of F (two-sum), so the
 * fraction keeps about 48 bits.
 */
const reduceTerm = helper(
  "lt_ph_term",
  [scale],
  `
void lt_ph_term(float t, float p, inout float I, inout float F, inout float L) {
  if (p >= 2.0 || p < -70.0 || t == 0.0) return;
  float v = lt_scale(t, p);
  v = v - 4.0 * floor(v * 0.25);
  float vi = floor(v);
  float fr = v - vi;
  float s = (F + fr) * ${ONE};
  float b = (s - F) * ${ONE};
  L += (F - (s - b) * ${ONE}) + (fr - b);
  float c = floor(s);
  I += vi + c;
  F = s - c;
}`,
);

const PIO2_HI = Math.fround(PIO2);
const PIO2_LO = PIO2 - PIO2_HI;

/**
 * Payne–Hanek for a >= 4096: a = M 2^e with M a 24-bit integer, split in two 12-bit
 * halves; a · 2/π mod 4 is the sum of the exact products half × byte × 2^p, keeping only
 * the terms below 4 (the others are multiples of 4) and above 2^-70.
 */
function reduceLargeSource(): string {
  const terms = BYTES.flatMap((b, k) => [`  lt_ph_term(mh * ${f(b)}, e + ${f(4 - 8 * k)}, I, F, L);`, `  lt_ph_term(ml * ${f(b)}, e + ${f(-8 - 8 * k)}, I, F, L);`]);
  return `
vec2 lt_reduce_large(float a) {
  float e = lt_exponent(a) - 23.0;
  float M = lt_scale(a, -e);
  float mh = floor(M * ${f(1 / 4096)});
  float ml = M - mh * 4096.0;
  float I = 0.0;
  float F = 0.0;
  float L = 0.0;
${terms.join("\n")}
  float q = mod(I, 4.0);
  if (F + L > 0.5) {
    F -= 1.0;
    q += 1.0;
  }
  return vec2(F * ${f(PIO2_HI)} + (L * ${f(PIO2_HI)} + F * ${f(PIO2_LO)}), mod(q, 4.0));
}`;
}

const reduceLarge = helper("lt_reduce_large", [exponent, scale, reduceTerm], reduceLargeSource());

/** vec2(r, q mod 4) with |a| = q π/2 + r, for finite a >= 0. */
const reduce = helper(
  "lt_reduce",
  [reduceLarge],
  `
vec2 lt_reduce(float a) {
  if (a <= 0.78539816) return vec2(a, 0.0);
  if (a >= ${f(CODY_WAITE_LIMIT)}) return lt_reduce_large(a);
  float q = floor(a * ${f(2 / Math.PI)} + 0.5);
  float r = ((a - q * ${f(PIO2_1)}) * ${ONE} - q * ${f(PIO2_2)}) * ${ONE} - q * ${f(PIO2_3)};
  return vec2(r, mod(q, 4.0));
}`,
);

const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));

/** sin r and cos r for |r| <= π/4: Taylor to r^13 and r^14 (remainders below 1e-12). */
const sinPoly = helper(
  "lt_sin_poly",
  [],
  `
float lt_sin_poly(float r) {
  float z = r * r;
  return r + r * z * (${f(-1 / fact(3))} + z * (${f(1 / fact(5))} + z * (${f(-1 / fact(7))} + z * (${f(1 / fact(9))} + z * (${f(-1 / fact(11))} + z * ${f(1 / fact(13))})))));
}`,
);
const cosPoly = helper(
  "lt_cos_poly",
  [],
  `
float lt_cos_poly(float r) {
  float z = r * r;
  return 1.0 + z * (-0.5 + z * (${f(1 / fact(4))} + z * (${f(-1 / fact(6))} + z * (${f(1 / fact(8))} + z * (${f(-1 / fact(10))} + z * (${f(1 / fact(12))} + z * ${f(-1 / fact(14))}))))));
}`,
);

/** sin, cos or tan (which = 0, 1, 2) of x; odd ones take the sign of x (so −0 stays −0). */
const trig = helper(
  "lt_trig",
  [reduce, sinPoly, cosPoly, signbit],
  `
float lt_trig(float x, float which) {
  if (!(x == x) || abs(x) == ${INF}) return ${NAN};
  vec2 rq = lt_reduce(abs(x));
  float s = lt_sin_poly(rq.x);
  float c = lt_cos_poly(rq.x);
  float q = rq.y;
  float v;
  if (which == 1.0) {
    v = q == 0.0 ? c : q == 1.0 ? -s : q == 2.0 ? -c : s;
    return v;
  }
  if (which == 0.0) v = q == 0.0 ? s : q == 1.0 ? c : q == 2.0 ? -s : -c;
  else v = mod(q, 2.0) == 0.0 ? s / c : -c / s;
  return lt_signbit(x) ? -v : v;
}`,
);

export const sin = helper("lt_sin", [trig], `float lt_sin(float x) { return lt_trig(x, 0.0); }`);
export const cos = helper("lt_cos", [trig], `float lt_cos(float x) { return lt_trig(x, 1.0); }`);
export const tan = helper("lt_tan", [trig], `float lt_tan(float x) { return lt_trig(x, 2.0); }`);

// ---------------------------------------------------------------------------------------
// Inverse trigonometric functions, from one arctangent on [0, 1].

/** atan t for |t| <= tan(π/12): odd Taylor to t^15. */
const atanPoly = helper(
  "lt_atan_poly",
  [],
  `
float lt_atan_poly(float t) {
  float z = t * t;
  return t + t * z * (${f(-1 / 3)} + z * (0.2 + z * (${f(-1 / 7)} + z * (${f(1 / 9)} + z * (${f(-1 / 11)} + z * (${f(1 / 13)} + z * ${f(-1 / 15)}))))));
}`,
);

/** atan a for a >= 0 (Inf included): atan a = π/2 − atan(1/a) above 1, π/6 + atan((a√3 − 1)/(a + √3)) above tan(π/12). */
const atanPositive = helper(
  "lt_atan_pos",
  [atanPoly],
  `
float lt_atan_pos(float a) {
  bool inv = a > 1.0;
  float t = inv ? 1.0 / a : a;
  float r = t > ${f(Math.tan(Math.PI / 12))} ? ${f(Math.PI / 6)} + lt_atan_poly((t * ${f(Math.sqrt(3))} - 1.0) / (t + ${f(Math.sqrt(3))})) : lt_atan_poly(t);
  return inv ? ${f(PIO2)} - r : r;
}`,
);

export const atan = helper(
  "lt_atan",
  [atanPositive, signbit],
  `
float lt_atan(float x) {
  if (!(x == x)) return x;
  float r = lt_atan_pos(abs(x));
  return lt_signbit(x) ? -r : r;
}`,
);

/** asin x = atan(x / √((1 − x)(1 + x))); 1 − |x| is exact where it matters (|x| >= 1/2). */
export const asin = helper(
  "lt_asin",
  [atanPositive, signbit],
  `
float lt_asin(float x) {
  float a = abs(x);
  if (!(a <= 1.0)) return ${NAN};
  float r = lt_atan_pos(a / sqrt((1.0 - a) * (1.0 + a)));
  return lt_signbit(x) ? -r : r;
}`,
);

/** acos x = 2 atan √((1 − x)/(1 + x)), accurate at both ends. */
export const acos = helper(
  "lt_acos",
  [atanPositive],
  `
float lt_acos(float x) {
  if (!(abs(x) <= 1.0)) return ${NAN};
  return 2.0 * lt_atan_pos(sqrt((1.0 - x) / (1.0 + x)));
}`,
);

/** atan2(y, x) with C99's special cases: signed zeros pick ±0 or ±π, infinities give multiples of π/4. */
export const atan2 = helper(
  "lt_atan2",
  [atanPositive, signbit],
  `
float lt_atan2(float y, float x) {
  if (!(x == x) || !(y == y)) return ${NAN};
  float ay = abs(y);
  float ax = abs(x);
  bool left = lt_signbit(x);
  float r;
  if (ay == 0.0) r = left ? ${f(Math.PI)} : 0.0;
  else if (ax == 0.0) r = ${f(PIO2)};
  else if (ay == ${INF}) r = ax == ${INF} ? (left ? ${f((3 * Math.PI) / 4)} : ${f(Math.PI / 4)}) : ${f(PIO2)};
  else if (ax == ${INF}) r = left ? ${f(Math.PI)} : 0.0;
  else {
    r = lt_atan_pos(ay / ax);
    if (left) r = ${f(Math.PI)} - r;
  }
  return lt_signbit(y) ? -r : r;
}`,
);

// ---------------------------------------------------------------------------------------
// Hyperbolic functions, logistic and erf.

/** sinh: Taylor below 1 (keeps −0), (e − 1/e)/2 below 20, (e^(a/2)/2) e^(a/2) above (no early overflow). */
export const sinh = helper(
  "lt_sinh",
  [exp, signbit],
  `
float lt_sinh(float x) {
  float a = abs(x);
  float r;
  if (a < 1.0) {
    float z = a * a;
    r = a + a * z * (${f(1 / fact(3))} + z * (${f(1 / fact(5))} + z * (${f(1 / fact(7))} + z * (${f(1 / fact(9))} + z * (${f(1 / fact(11))} + z * ${f(1 / fact(13))})))));
  } else if (a < 20.0) {
    float e = lt_exp(a);
    r = 0.5 * e - 0.5 / e;
  } else {
    float t = lt_exp(0.5 * a);
    r = (0.5 * t) * t;
  }
  if (!(x == x)) return x;
  return lt_signbit(x) ? -r : r;
}`,
);

export const cosh = helper(
  "lt_cosh",
  [exp],
  `
float lt_cosh(float x) {
  float a = abs(x);
  if (!(a == a)) return a;
  if (a < 20.0) {
    float e = lt_exp(a);
    return 0.5 * e + 0.5 / e;
  }
  float t = lt_exp(0.5 * a);
  return (0.5 * t) * t;
}`,
);

/** tanh a = t / (t + 2) with t = e^(2a) − 1: no cancellation near 0; ±1 beyond 9.01. */
export const tanh = helper(
  "lt_tanh",
  [expm1, signbit],
  `
float lt_tanh(float x) {
  if (!(x == x)) return x;
  float a = abs(x);
  float r = 1.0;
  if (a < 9.01) {
    float t = lt_expm1(2.0 * a);
    r = t / (t + 2.0);
  }
  return lt_signbit(x) ? -r : r;
}`,
);

/** 1 / (1 + e^−x), never forming e^(+large): for x < 0, e^x / (1 + e^x). */
export const logistic = helper(
  "lt_logistic",
  [exp],
  `
float lt_logistic(float x) {
  if (x >= 0.0) return 1.0 / (1.0 + lt_exp(-x));
  float e = lt_exp(x);
  return e / (1.0 + e);
}`,
);

/**
 * erf: below 3 the series (2/√π) e^(−x²) Σ 2ⁿ x^(2n+1) / (1·3···(2n+1)), whose terms are all
 * positive; from 3 to 4, 1 − erfc with erfc from its continued fraction; 1 beyond 4.
 */
export const erf = helper(
  "lt_erf",
  [exp, signbit],
  `
float lt_erf(float x) {
  if (!(x == x)) return x;
  float a = abs(x);
  float r = 1.0;
  if (a < 3.0) {
    float t2 = 2.0 * a * a;
    float term = a;
    float sum = a;
    for (int n = 1; n < 64; n++) {
      term *= t2 / float(2 * n + 1);
      sum += term;
      if (term <= sum * 1.0e-9) break;
    }
    r = ${f(2 / Math.sqrt(Math.PI))} * lt_exp(-a * a) * sum;
  } else if (a < 4.0) {
    float c = a;
    for (int k = 60; k >= 1; k--) c = a + float(k) * 0.5 / c;
    r = 1.0 - ${f(1 / Math.sqrt(Math.PI))} * lt_exp(-a * a) / c;
  }
  return lt_signbit(x) ? -r : r;
}`,
);

/** Every transcendental helper, for tests that compile each one. */
export const mathHelpers: readonly Helper[] = [exp, expm1, log, log1p, pow, sin, cos, tan, atan, asin, acos, atan2, sinh, cosh, tanh, logistic, erf];
