import type { DType } from "./dtype.js";
import { ConcreteArray } from "./eval.js";
import { broadcastInDim, convertElementType, reduceSum as reduceSumPrim } from "./lax.js";
import type { Shape } from "./shape.js";
import type { Tracer } from "./trace.js";

/*
 * What the rule tables (JVP, transpose) build with: every primitive's wrapper from `lax`
 * (the one layer over `bind`), plus the few composites rules keep needing.
 */
export * from "./lax.js";

/** `x` as `newDtype`, without an equation when it already is. */
export const convert = (x: Tracer, newDtype: DType) => (x.dtype === newDtype ? x : convertElementType(x, newDtype));
/** Sum over `axes`, without an equation when there are none. */
export const reduceSum = (x: Tracer, axes: readonly number[]) => (axes.length ? reduceSumPrim(x, axes) : x);

/** An array of `shape` filled with `value`: a scalar literal broadcast (staged as one equation). */
export function full(shape: Shape, value: number, dtype: DType): Tracer {
  const scalar = ConcreteArray.scopedScalar(value, dtype, "internal");
  return shape.length === 0 ? scalar : broadcastInDim(scalar, shape, []);
}

/** `value` with the shape and dtype of `x`. */
export const fullLike = (x: { shape: Shape; dtype: DType }, value: number) => full(x.shape, value, x.dtype);
export const zerosLike = (x: { shape: Shape; dtype: DType }) => fullLike(x, 0);

/** Broadcast `y` (the result of reducing over `axes`) back to `shape`. */
export function expandReduced(y: Tracer, shape: Shape, axes: readonly number[]): Tracer {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  return broadcastInDim(y, shape, kept);
}
