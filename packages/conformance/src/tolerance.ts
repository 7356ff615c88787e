import { type DType, isFloat } from "@lintra/core-ir";
import { TINY_NORMAL } from "./host-data.js";
import { flushSubnormal } from "./numerics.js";

/** A second reference for a backend that flushes subnormals: the reference on flushed operands, and the output dtype. */
export interface FlushedReference {
  readonly expected: ArrayLike<number>;
  readonly dtype: DType;
}

/**
 * How a primitive's float results may differ between two correct backends.
 * - `exact`: bit for bit, −0 included. Movement, indexing, select, comparisons, neg/abs/sign,
 *   floor/ceil/round, max/min, conversions: IEEE defines one answer and copying keeps it.
 * - `rounded`: add/sub/mul/div/rem/sqrt/rsqrt. IEEE rounds these correctly, so a backend
 *   computing in the dtype and one computing in float64 and rounding once agree to an ulp.
 * - `transcendental`: exp, log, sin, pow, erf, …: libraries differ by a few ulps, and near a
 *   zero of the function (sin near kπ, log near 1) only in absolute terms.
 * - `accumulated`: sums and products of many terms (reductions, cumsum, dot_general,
 *   scatter_add), whose rounding depends on the order of summation: the error is bounded
 *   relative to the same operation on |inputs| (Σ|x| for a sum), growing like √terms.
 * Integer and bool results are always exact.
 */
export type ToleranceClass = "exact" | "rounded" | "transcendental" | "accumulated";

export type Tolerance =
  | { readonly kind: "exact" }
  /** |actual − expected| ≤ atol + rtol·|expected|; `zeroSign`: +0 and −0 differ. */
  | { readonly kind: "close"; readonly rtol: number; readonly atol: number; readonly zeroSign: boolean }
  /** |actual − expected| ≤ atol + rtol·scale, scale = the operation on |inputs|. */
  | { readonly kind: "accumulated"; readonly rtol: number; readonly atol: number };

/** Unit roundoff: half an ulp of 1. */
const UNIT = { float32: 2 ** -24, float64: 2 ** -53 };

const CLOSE = {
  rounded: { float32: { rtol: 2e-6 }, float64: { rtol: 1e-12 } },
  // Absolute slack for results near a zero of the function (sin(π) in float32 is −8.7e-8).
  transcendental: { float32: { rtol: 1e-5, atol: 1e-6 }, float64: { rtol: 1e-12, atol: 1e-15 } },
} as const;

/**
 * The tolerance for results of `dtype`; `terms` is how many values an accumulated result
 * sums or multiplies. Below the smallest normal number a backend may flush to zero.
 */
export function toleranceFor(cls: ToleranceClass, dtype: DType, terms = 1): Tolerance {
  if (!isFloat(dtype) || cls === "exact") return { kind: "exact" };
  const d = dtype as "float32" | "float64";
  const tiny = TINY_NORMAL[d];
  if (cls === "accumulated") return { kind: "accumulated", rtol: 4 * UNIT[d] * (2 + Math.sqrt(terms)), atol: tiny };
  const { rtol, atol = 0 } = CLOSE[cls][d] as { rtol: number; atol?: number };
  return { kind: "close", rtol, atol: Math.max(atol, tiny), zeroSign: true };
}

export const fmt = (v: number): string => (Object.is(v, -0) ? "-0" : String(v));

/** Whether actual `a` and expected `e` differ under `tol` (`scale`: the accumulated bound's magnitude). */
function differs(a: number, e: number, tol: Tolerance, scale: number): boolean {
  if (e !== e || a !== a) return !(e !== e && a !== a);
  if (tol.kind === "exact") return !Object.is(a, e);
  if (!Number.isFinite(e) || !Number.isFinite(a)) return a !== e;
  if (tol.kind === "close" && tol.zeroSign && a === 0 && e === 0) return !Object.is(a, e);
  const bound = tol.atol + tol.rtol * (tol.kind === "close" ? Math.abs(e) : scale);
  return !(Math.abs(a - e) <= bound);
}

const MAX_REPORTED = 6;

/**
 * Compare a backend's result with the reference's, element by element. Returns one line
 * per differing element (the first few) and a count; empty when they agree.
 * `scale` (accumulated tolerances) holds the reference operation applied to |inputs|.
 * With `flushed`, an element also agrees when, its subnormals read as signed zeros, it
 * matches the flushed reference's element read the same way.
 */
export function compareValues(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, scale?: ArrayLike<number>, flushed?: FlushedReference): string[] {
  if (actual.length !== expected.length) return [`got ${actual.length} elements; expected ${expected.length}`];
  if (flushed && flushed.expected.length !== expected.length) return [`the flushed reference has ${flushed.expected.length} elements; expected ${expected.length}`];
  const out: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const s = scale ? Math.abs(scale[i]) : 0;
    if (!differs(actual[i], expected[i], tol, s)) continue;
    if (flushed && !differs(flushSubnormal(actual[i], flushed.dtype), flushSubnormal(flushed.expected[i], flushed.dtype), tol, s)) continue;
    const or = flushed ? ` (or ${fmt(flushed.expected[i])} with subnormals flushed)` : "";
    if (count++ < MAX_REPORTED) out.push(`at ${i}: got ${fmt(actual[i])}, expected ${fmt(expected[i])}${or}`);
  }
  if (count > MAX_REPORTED) out.push(`… ${count} of ${expected.length} elements differ`);
  if (count > 0 && tol.kind !== "exact") out.push(`(tolerance ${describeTolerance(tol)})`);
  return out;
}

export function describeTolerance(tol: Tolerance): string {
  if (tol.kind === "exact") return "exact";
  const rel = tol.kind === "close" ? "|expected|" : "(the operation on |inputs|)";
  return `atol ${tol.atol.toExponential(2)} + rtol ${tol.rtol.toExponential(2)}·${rel}`;
}
