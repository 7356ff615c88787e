import { type Helper, INF, NAN, ONE, ZERO, helper } from "./glsl.js";
import { exponent, scale, signbit } from "./glsl-math.js";

/*
 * The arithmetic, comparison and integer helpers. Every dtype is stored as float32:
 * - float32 as itself;
 * - bool as 0 or 1;
 * - int32 as an integer with |x| < 2^24, where float32 arithmetic on integers is exact.
 *   An int32 result outside that range cannot be told from a rounded one, so it becomes
 *   NaN ("poison"); NaN spreads through later integer work, and reading an int32 or bool
 *   array that holds one throws instead of returning a rounded number.
 */

/** The exact int32 range of this backend: |x| < 2^24. */
export const INT_LIMIT = 16777216;

/** Poison an integer result outside ±(2^24 − 1): it may have been rounded. NaN stays NaN. */
export const intCheck = helper("lt_ichk", [], `float lt_ichk(float v) { return abs(v) < ${INT_LIMIT}.0 ? v : ${NAN}; }`);

const unary = (name: string, deps: readonly Helper[], body: string) => helper(name, deps, `float ${name}(float x) { ${body} }`);
const binary = (name: string, deps: readonly Helper[], body: string) => helper(name, deps, `float ${name}(float x, float y) { ${body} }`);

/** Either operand NaN: the result is NaN (integer poison, or a float NaN that must propagate). */
const anyNaN = "!(x == x) || !(y == y)";

// float32 --------------------------------------------------------------------------------

export const floatOps = {
  neg: unary("lt_neg", [], "return -x;"),
  abs: unary("lt_abs", [], "return abs(x);"),
  // ±0 and NaN give themselves; a subnormal that compares as 0 gives a zero of its sign (x · 0).
  sign: unary("lt_sign", [], `return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : x * ${ZERO};`),
  floor: unary("lt_floor", [], "return floor(x);"),
  ceil: unary("lt_ceil", [], "return ceil(x);"),
  // Half away from zero; |x| − floor|x| is exact, so no 0.49999997 + 0.5 rounding up.
  round: unary("lt_round", [signbit], "float a = abs(x); float t = floor(a); if (a - t >= 0.5) t += 1.0; return lt_signbit(x) ? -t : t;"),
  sqrt: unary("lt_sqrt", [], "if (x == 0.0 || !(x == x)) return x; if (x < 0.0) return " + NAN + "; return sqrt(x);"),
  // 1/sqrt(±0) = ±Inf, as the reference's 1 / Math.sqrt(x).
  rsqrt: unary("lt_rsqrt", [], "if (x == 0.0) return 1.0 / x; if (!(x >= 0.0)) return " + NAN + "; return 1.0 / sqrt(x);"),
  is_finite: unary("lt_is_finite", [], `return x == x && abs(x) != ${INF} ? 1.0 : 0.0;`),

  add: binary("lt_add", [], "return x + y;"),
  sub: binary("lt_sub", [], "return x - y;"),
  mul: binary("lt_mul", [], "return x * y;"),
  div: binary("lt_div", [], "return x / y;"),
  // NaN propagates; max(−0, +0) = +0 and min(−0, +0) = −0, as Math.max and Math.min.
  max: binary("lt_max", [signbit], `if (${anyNaN}) return x + y; if (x == y) return lt_signbit(x) ? y : x; return x > y ? x : y;`),
  min: binary("lt_min", [signbit], `if (${anyNaN}) return x + y; if (x == y) return lt_signbit(x) ? x : y; return x < y ? x : y;`),
} satisfies Record<string, Helper>;

/**
 * C's fmod, exactly: subtract the largest |y|·2^k <= r until r < |y|. Each step is exact
 * (Sterbenz) and at least halves r, so 300 steps cover every float32 exponent.
 */
export const fmod = helper(
  "lt_fmod",
  [exponent, scale, signbit],
  `
float lt_fmod(float x, float y) {
  if (!(x == x) || !(y == y) || y == 0.0 || abs(x) == ${INF}) return ${NAN};
  float ay = abs(y);
  float r = abs(x);
  if (ay == ${INF} || r < ay) return x;
  float ey = lt_exponent(ay);
  float my = lt_scale(ay, -ey);
  for (int i = 0; i < 300; i++) {
    if (r < ay) break;
    float er = lt_exponent(r);
    float k = er - ey;
    if (my > lt_scale(r, -er)) k -= 1.0;
    r = (r - lt_scale(ay, k)) * ${ONE};
  }
  return lt_signbit(x) ? -r : r;
}`,
);

// int32 (|x| < 2^24, NaN = poison) -------------------------------------------------------

/** Truncating division with a remainder check: GPU division may be off by an ulp. y = 0 gives 0. */
const intDivide = helper(
  "lt_idiv",
  [],
  `
float lt_idiv(float x, float y) {
  if (${anyNaN}) return ${NAN};
  if (y == 0.0) return 0.0;
  float q = x / y;
  q = q < 0.0 ? ceil(q) : floor(q);
  float r = x - q * y;
  float s = (x < 0.0) == (y < 0.0) ? 1.0 : -1.0;
  if (r != 0.0 && (r < 0.0) != (x < 0.0)) q -= s;
  else if (abs(r) >= abs(y)) q += s;
  return q;
}`,
);

/** x^n by squaring, exact while every product that is used stays below 2^24; n < 0 gives trunc(1/x^|n|). */
const intPow = helper(
  "lt_ipow",
  [intCheck],
  `
float lt_ipow(float x, float n) {
  if (!(x == x) || !(n == n)) return ${NAN};
  if (n < 0.0) return x == 1.0 ? 1.0 : x == -1.0 ? (mod(n, 2.0) == 1.0 ? -1.0 : 1.0) : 0.0;
  float r = 1.0;
  float b = x;
  for (int k = 0; k < 25; k++) {
    if (mod(n, 2.0) == 1.0) r = lt_ichk(r * b);
    n = floor(n * 0.5);
    if (n == 0.0) break;
    b = lt_ichk(b * b);
  }
  return r;
}`,
);

/**
 * Bitwise and/or/xor (op 0/1/2) of two's-complement integers |x| < 2^24. A negative x is
 * ~m with m = −x − 1 >= 0, so its low 24 bits are those of m inverted and all higher bits
 * are 1. The low bits combine bit by bit; the high bits give the result's sign, and a
 * negative result is returned as ~(its inverted low bits). Everything stays below 2^24.
 */
const bitwise = helper(
  "lt_bitwise",
  [],
  `
float lt_bitwise(float x, float y, float op) {
  if (!(x == x) || !(y == y)) return ${NAN};
  bool nx = x < 0.0;
  bool ny = y < 0.0;
  float a = nx ? -x - 1.0 : x;
  float b = ny ? -y - 1.0 : y;
  float hx = nx ? 1.0 : 0.0;
  float hy = ny ? 1.0 : 0.0;
  float high = op == 0.0 ? hx * hy : op == 1.0 ? max(hx, hy) : abs(hx - hy);
  float r = 0.0;
  float bit = 1.0;
  for (int k = 0; k < 24; k++) {
    float u = abs(mod(a, 2.0) - hx);
    float v = abs(mod(b, 2.0) - hy);
    float w = op == 0.0 ? u * v : op == 1.0 ? max(u, v) : abs(u - v);
    r += abs(w - high) * bit;
    a = floor(a * 0.5);
    b = floor(b * 0.5);
    bit *= 2.0;
  }
  return high == 1.0 ? -r - 1.0 : r;
}`,
);

export const intOps = {
  neg: unary("lt_ineg", [], "return -x;"),
  abs: unary("lt_iabs", [], "return abs(x);"),
  sign: unary("lt_isign", [], "return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : x;"),
  not: unary("lt_inot", [], "return -x - 1.0;"),
  add: binary("lt_iadd", [intCheck], "return lt_ichk(x + y);"),
  sub: binary("lt_isub", [intCheck], "return lt_ichk(x - y);"),
  // A zero factor makes the product 0 whatever the other (even poison: an unknown integer).
  mul: binary("lt_imul", [intCheck], "if (x == 0.0 || y == 0.0) return 0.0; return lt_ichk(x * y);"),
  div: intDivide,
  rem: binary("lt_irem", [intDivide], "if (y == 0.0 && x == x) return 0.0; return x - lt_idiv(x, y) * y;"),
  pow: intPow,
  max: binary("lt_imax", [], `if (${anyNaN}) return ${NAN}; return max(x, y);`),
  min: binary("lt_imin", [], `if (${anyNaN}) return ${NAN}; return min(x, y);`),
  and: binary("lt_iand", [bitwise], "return lt_bitwise(x, y, 0.0);"),
  or: binary("lt_ior", [bitwise], "return lt_bitwise(x, y, 1.0);"),
  xor: binary("lt_ixor", [bitwise], "return lt_bitwise(x, y, 2.0);"),
} satisfies Record<string, Helper>;

// bool (0/1, NaN = poison from an integer comparison) ------------------------------------

export const boolOps = {
  not: unary("lt_bnot", [], "return 1.0 - x;"),
  and: binary("lt_band", [], "return x * y;"),
  or: binary("lt_bor", [], "return x + y - x * y;"),
  xor: binary("lt_bxor", [], "return abs(x - y);"),
  max: binary("lt_bmax", [], "return x + y - x * y;"),
  min: binary("lt_bmin", [], "return x * y;"),
} satisfies Record<string, Helper>;

// Comparisons: float NaN compares false (ne true); integer poison gives poison. -----------

const compare = (name: string, test: string, nanResult: string) =>
  binary(name, [], `if (${anyNaN}) return ${nanResult}; return ${test} ? 1.0 : 0.0;`);

const COMPARISONS = { eq: "x == y", ne: "x != y", lt: "x < y", le: "x <= y", gt: "x > y", ge: "x >= y" } as const;

export const floatCompare = Object.fromEntries(
  Object.entries(COMPARISONS).map(([op, test]) => [op, compare(`lt_f${op}`, test, op === "ne" ? "1.0" : "0.0")]),
) as Record<keyof typeof COMPARISONS, Helper>;

export const intCompare = Object.fromEntries(
  Object.entries(COMPARISONS).map(([op, test]) => [op, compare(`lt_i${op}`, test, NAN)]),
) as Record<keyof typeof COMPARISONS, Helper>;

// Select and conversions. ----------------------------------------------------------------

export const select = helper("lt_select", [], `float lt_select(float p, float t, float f) { if (!(p == p)) return ${NAN}; return p != 0.0 ? t : f; }`);

export const convert = {
  /** float → int32 truncates; NaN → 0 (as the reference); beyond ±2^24 poison (the reference saturates at ±2^31). */
  floatToInt: unary("lt_f2i", [intCheck], "if (!(x == x)) return 0.0; return lt_ichk(x < 0.0 ? ceil(x) : floor(x));"),
  /** → bool is x != 0 (NaN is true for floats); integer poison stays poison. */
  floatToBool: unary("lt_f2b", [], "return x != 0.0 || !(x == x) ? 1.0 : 0.0;"),
  intToBool: unary("lt_i2b", [], `if (!(x == x)) return ${NAN}; return x != 0.0 ? 1.0 : 0.0;`),
} satisfies Record<string, Helper>;
