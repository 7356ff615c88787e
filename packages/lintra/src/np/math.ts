/** Elementwise transcendental functions: integer and bool inputs are promoted to float32. */
import type { Tracer } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { type ArrayLike, elementwise, fullLikeScalar, toInexact } from "../operands.js";

const inexact =
  (op: string, fn: (x: Tracer) => Tracer) =>
  (x: ArrayLike): Tracer =>
    elementwise(op, [x], fn, toInexact);

export const exp = inexact("exp", lax.exp);
export const log = inexact("log", lax.log);
/** log(1 + x), accurate near 0. */
export const log1p = inexact("log1p", lax.log1p);
/** e^x - 1, accurate near 0. */
export const expm1 = inexact("expm1", lax.expm1);
export const sqrt = inexact("sqrt", lax.sqrt);
export const sin = inexact("sin", lax.sin);
export const cos = inexact("cos", lax.cos);
export const tan = inexact("tan", lax.tan);
export const arcsin = inexact("arcsin", lax.asin);
export const arccos = inexact("arccos", lax.acos);
export const arctan = inexact("arctan", lax.atan);
export const sinh = inexact("sinh", lax.sinh);
export const cosh = inexact("cosh", lax.cosh);
export const tanh = inexact("tanh", lax.tanh);

export const log2 = inexact("log2", (x) => lax.div(lax.log(x), fullLikeScalar(x, Math.LN2)));
export const log10 = inexact("log10", (x) => lax.div(lax.log(x), fullLikeScalar(x, Math.LN10)));
export const exp2 = inexact("exp2", (x) => lax.pow(fullLikeScalar(x, 2), x));

/** The angle of the point (x2, x1): arctan(x1 / x2) in the right quadrant. */
export function arctan2(x1: ArrayLike, x2: ArrayLike): Tracer {
  return elementwise("arctan2", [x1, x2], lax.atan2, toInexact);
}

/** The identity, with a zero derivative. */
export function stopGradient(x: ArrayLike): Tracer {
  return elementwise("stopGradient", [x], lax.stopGradient);
}
