/** Comparisons, logical functions, floating-point classification and `where`. */
import { type Tracer, isFloat } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { type ArrayLike, asArray, broadcastArgs, elementwise, fullLikeScalar, promoteArgs } from "../operands.js";
import { full } from "./creation.js";

const comparison =
  (op: string, fn: (x: Tracer, y: Tracer) => Tracer) =>
  (x: ArrayLike, y: ArrayLike): Tracer =>
    elementwise(op, [x, y], fn);

export const equal = comparison("np.equal", lax.eq);
export const notEqual = comparison("np.notEqual", lax.ne);
export const less = comparison("np.less", lax.lt);
export const lessEqual = comparison("np.lessEqual", lax.le);
export const greater = comparison("np.greater", lax.gt);
export const greaterEqual = comparison("np.greaterEqual", lax.ge);

/** Truthiness as bool: nonzero is true. */
function toBool(x: Tracer): Tracer {
  return x.dtype === "bool" ? x : lax.ne(x, fullLikeScalar(x, 0));
}

const logical =
  (op: string, fn: (x: Tracer, y: Tracer) => Tracer) =>
  (x: ArrayLike, y: ArrayLike): Tracer => {
    const [a, b] = broadcastArgs(op, [asArray(x, op), asArray(y, op)].map(toBool));
    return fn(a, b);
  };

export const logicalAnd = logical("np.logicalAnd", lax.and);
export const logicalOr = logical("np.logicalOr", lax.or);
export const logicalXor = logical("np.logicalXor", lax.xor);

export function logicalNot(x: ArrayLike): Tracer {
  return lax.not(toBool(asArray(x, "np.logicalNot")));
}

const falseLike = (x: Tracer) => full(x.shape, false);

/** Neither NaN nor ±Inf (always true for integers). */
export function isfinite(x: ArrayLike): Tracer {
  const a = asArray(x, "np.isfinite");
  return isFloat(a.dtype) ? lax.isFinite(a) : lax.not(falseLike(a));
}

/** NaN is the only value not equal to itself. */
export function isnan(x: ArrayLike): Tracer {
  const a = asArray(x, "np.isnan");
  return isFloat(a.dtype) ? lax.ne(a, a) : falseLike(a);
}

export function isinf(x: ArrayLike): Tracer {
  const a = asArray(x, "np.isinf");
  return isFloat(a.dtype) ? lax.and(lax.not(lax.isFinite(a)), lax.eq(a, a)) : falseLike(a);
}

/** `condition ? x : y`, elementwise, with broadcasting; a non-bool condition means nonzero. */
export function where(condition: ArrayLike, x: ArrayLike, y: ArrayLike): Tracer {
  const cond = toBool(asArray(condition, "np.where"));
  const [a, b] = promoteArgs("np.where", [x, y]);
  const [c, ...vals] = broadcastArgs("np.where", [cond, a, b]);
  return lax.select(c, vals[0], vals[1]);
}
