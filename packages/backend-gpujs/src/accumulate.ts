import type { DType } from "@lintra/core-ir";
import { type Helper, INF, NAN, ONE, helper } from "./glsl.js";
import { boolOps, floatOps, intCheck, intOps } from "./glsl-ops.js";

/*
 * Accumulators for the loops of reductions, dot_general and scatter_add, as source text:
 * the variables they declare, one step per term, and the result.
 *
 * A loop may not run long: Mesa's llvmpipe stops any fragment shader loop after 65535
 * iterations in all, silently. So each kernel runs at most CHUNK steps per output, and
 * longer reductions are split into chunks whose partial results another pass combines.
 */
export const CHUNK = 4096;

/**
 * One step of Neumaier's compensated sum: s carries the sum, c the rounding errors lost
 * so far (error about 2u Σ|terms| whatever their number). NaN, ±Inf and overflow go to
 * `special` instead, where IEEE arithmetic gives the answer (Inf − Inf = NaN) and where
 * they cannot turn the compensation into NaN.
 */
const sumStep = helper(
  "lt_sum_step",
  [],
  `
float lt_sum_step(float s, inout float c, inout float special, float v) {
  if (!(abs(v) < ${INF})) {
    special += v;
    return s;
  }
  float t = (s + v) * ${ONE};
  if (!(abs(t) < ${INF})) {
    special += t;
    return s;
  }
  c += abs(s) >= abs(v) ? (s - t) * ${ONE} + v : (v - t) * ${ONE} + s;
  return t;
}`,
);

const sumEnd = helper("lt_sum_end", [], `float lt_sum_end(float s, float c, float special) { return special + (s + c); }`);

/** An accumulator: declarations, the statements adding one term, the result, the helpers it calls. */
export interface Accumulator {
  readonly declare: readonly string[];
  readonly step: (term: string) => string[];
  readonly result: string;
  readonly helpers: readonly Helper[];
  /** Steps per kernel (at most CHUNK). */
  readonly chunk: number;
}

const fold = (init: string, h: Helper, chunk = CHUNK, finish?: Helper): Accumulator => ({
  declare: [`let acc = ${init};`],
  step: (term) => [`acc = ${h.name}(acc, ${term});`],
  result: finish ? `${finish.name}(acc)` : "acc",
  helpers: finish ? [h, finish] : [h],
  chunk,
});

/** Compensated float sum, starting from the uniform zero (a literal 0 + −0 could be folded to −0). */
export const floatSum: Accumulator = {
  declare: ["let s = zero;", "let c = zero;", "let sp = zero;"],
  step: (term) => [`s = lt_sum_step(s, c, sp, ${term});`],
  result: "lt_sum_end(s, c, sp)",
  helpers: [sumStep, sumEnd],
  chunk: CHUNK,
};

/**
 * Fast2Sum on integers: the rounding error of each addition is an integer, so s + c is the
 * exact sum while |c| < 2^24. Partial sums may pass 2^24 and come back (a sum whose result
 * fits is exact); when c itself could round, or a term is poison, the result is poison.
 */
const intSumStep = helper(
  "lt_isum_step",
  [],
  `
float lt_isum_step(float s, inout float c, inout float bad, float v) {
  float t = (s + v) * ${ONE};
  c += abs(s) >= abs(v) ? (s - t) * ${ONE} + v : (v - t) * ${ONE} + s;
  if (!(abs(c) < 16777216.0) || !(abs(t) < 1.0e30)) bad = 1.0;
  return t;
}`,
);

/** The integer sum, or poison. */
const intSumEnd = helper("lt_isum_end", [intCheck], `float lt_isum_end(float s, float c, float bad) { return bad > 0.0 ? ${NAN} : lt_ichk(s + c); }`);

/** int32 sum: exact whenever the result fits, poison otherwise. */
export const intSum: Accumulator = {
  declare: ["let s = zero;", "let c = zero;", "let sp = zero;"],
  step: (term) => [`s = lt_isum_step(s, c, sp, ${term});`],
  result: "lt_isum_end(s, c, sp)",
  helpers: [intSumStep, intSumEnd],
  chunk: CHUNK,
};

/**
 * Part k (0–3) of the exact product of two integers |a|, |b| < 2^24: with 12-bit halves,
 * a·b = ah·bh·2^24 + ah·bl·2^12 + al·bh·2^12 + al·bl, each part exact in float32.
 */
export const intProductPart = helper(
  "lt_iprod_part",
  [],
  `
float lt_iprod_part(float a, float b, float k) {
  float sg = (a < 0.0) == (b < 0.0) ? 1.0 : -1.0;
  float x = abs(a);
  float y = abs(b);
  float xh = floor(x * ${1 / 4096});
  float yh = floor(y * ${1 / 4096});
  float xl = x - xh * 4096.0;
  float yl = y - yh * 4096.0;
  if (k == 0.0) return sg * xh * yh * 16777216.0;
  if (k == 1.0) return sg * xh * yl * 4096.0;
  if (k == 2.0) return sg * xl * yh * 4096.0;
  return sg * xl * yl;
}`,
);

/** Dekker's TwoProduct: the rounding error of p = a·b, exactly, from 12-bit halves of a and b. */
const twoProductError = helper(
  "lt_two_prod_err",
  [],
  `
float lt_two_prod_err(float a, float b, float p) {
  float ca = a * 4097.0;
  float ah = ca - (ca - a) * ${ONE};
  float al = a - ah;
  float cb = b * 4097.0;
  float bh = cb - (cb - b) * ${ONE};
  float bl = b - bh;
  return (((ah * bh - p) * ${ONE} + ah * bl) * ${ONE} + al * bh) * ${ONE} + al * bl;
}`,
);

/**
 * One step of a compensated product (Graillat): p carries the product, e the rounding
 * errors carried along (e·v + the error of p·v), so p + e is good to about an ulp. Where
 * TwoProduct is not exact (huge or tiny magnitudes, NaN, Inf), e is dropped.
 */
const prodStep = helper(
  "lt_prod_step",
  [twoProductError],
  `
float lt_prod_step(float p, inout float e, float v) {
  float q = (p * v) * ${ONE};
  if (!(abs(q) < 1.0e30 && abs(q) > 1.0e-30 && abs(p) < 1.0e30 && abs(v) < 1.0e30)) {
    e = 0.0;
    return q;
  }
  e = e * v + lt_two_prod_err(p, v, q);
  return q;
}`,
);

/** p + e, keeping the sign of a zero product. */
const prodEnd = helper("lt_prod_end", [], `float lt_prod_end(float p, float e) { return e == 0.0 ? p : p + e; }`);

const floatProd: Accumulator = {
  declare: ["let p = one;", "let e = zero;"],
  step: (term) => [`p = lt_prod_step(p, e, ${term});`],
  result: "lt_prod_end(p, e)",
  helpers: [prodStep, prodEnd],
  chunk: CHUNK,
};

export type Monoid = "sum" | "prod" | "max" | "min";

/**
 * The accumulator of a reduction for operands of `dtype`. Empty reductions give the
 * identities: 0, 1, ∓Inf (int32: ∓2^31, which this backend cannot hold, so poison;
 * bool: false/true).
 */
export function accumulator(monoid: Monoid, dtype: DType): Accumulator {
  const int = dtype === "int32";
  const bool = dtype === "bool";
  switch (monoid) {
    case "sum":
      return int ? intSum : floatSum;
    case "prod":
      return int ? fold("one", intOps.mul) : floatProd;
    case "max":
      return bool ? fold("zero", boolOps.max) : int ? fold("-inf", intOps.max, CHUNK, intCheck) : fold("-inf", floatOps.max);
    case "min":
      return bool ? fold("one", boolOps.min) : int ? fold("inf", intOps.min, CHUNK, intCheck) : fold("inf", floatOps.min);
  }
}
