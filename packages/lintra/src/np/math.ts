/** Elementwise transcendental functions: integer and bool inputs are promoted to float32. */
import type { Tracer } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { type ArrayLike, elementwise, fullLikeScalar, toInexact } from "../operands.js";

const inexact =
  (op: string, fn: (x: Tracer) => Tracer) =>
  (x: ArrayLike): Tracer =>
    elementwise(op, [x], fn, toInexact);

export const exp = inexact("np.exp", lax.exp);
export const log = inexact("np.log", lax.log);
/** log(1 + x), accurate near 0. */
export const log1p = inexact("np.log1p", lax.log1p);
/** e^x - 1, accurate near 0. */
export const expm1 = inexact("np.expm1", lax.expm1);
export const sqrt = inexact("np.sqrt", lax.sqrt);
export const sin = inexact("np.sin", lax.sin);
export const cos = inexact("np.cos", lax.cos);
export const tan = inexact("np.tan", lax.tan);
export const arcsin = inexact("np.arcsin", lax.asin);
export const arccos = inexact("np.arccos", lax.acos);
export const arctan = inexact("np.arctan", lax.atan);
export const sinh = inexact("np.sinh", lax.sinh);
export const cosh = inexact("np.cosh", lax.cosh);
export const tanh = inexact("np.tanh", lax.tanh);

export const log2 = inexact("np.log2", (x) => lax.div(lax.log(x), fullLikeScalar(x, Math.LN2)));
export const log10 = inexact("np.log10", (x) => lax.div(lax.log(x), fullLikeScalar(x, Math.LN10)));
export const exp2 = inexact("np.exp2", (x) => lax.pow(fullLikeScalar(x, 2), x));

/** The angle of the point (x2, x1): arctan(x1 / x2) in the right quadrant. */
export function arctan2(x1: ArrayLike, x2: ArrayLike): Tracer {
  return elementwise("np.arctan2", [x1, x2], lax.atan2, toInexact);
}

/** The identity, with a zero derivative. */
export function stopGradient(x: ArrayLike): Tracer {
  return elementwise("np.stopGradient", [x], lax.stopGradient);
}
