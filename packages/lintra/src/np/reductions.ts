/** Reductions over axes: `(x, axis?, { keepdims })`, axis a number or numbers, negatives allowed. */
import { type DType, type Shape, ShapeError, type Tracer, ValueError, fmtShape, normalizeAxis } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { type ArrayLike, asArray, cast, fullLikeScalar, toInexact, toNumeric } from "../operands.js";

export type Axis = number | readonly number[] | null;

export interface ReduceOptions {
  keepdims?: boolean;
}

/** Sorted, non-negative, distinct axes; every axis when `axis` is null or omitted. */
function reductionAxes(op: string, axis: Axis | undefined, ndim: number): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const given = typeof axis === "number" ? [axis] : axis;
  const axes = given.map((a) => normalizeAxis(a, ndim, op));
  if (new Set(axes).size !== axes.length) throw new ShapeError(`${op}: repeated axis in ${JSON.stringify(given)}; expected distinct axes`);
  return axes.sort((a, b) => a - b);
}

/** The reduced shape with the reduced axes kept as size 1. */
const keptShape = (shape: Shape, axes: readonly number[]) => shape.map((d, i) => (axes.includes(i) ? 1 : d));

function reduce(
  op: string,
  x: ArrayLike,
  axis: Axis | undefined,
  { keepdims = false }: ReduceOptions,
  fn: (x: Tracer, axes: number[]) => Tracer,
  adjust: (d: DType) => DType = (d) => d,
): Tracer {
  const a = asArray(x, op);
  const axes = reductionAxes(op, axis, a.ndim);
  const out = fn(cast(a, adjust(a.dtype)), axes);
  return keepdims ? lax.reshape(out, keptShape(a.shape, axes)) : out;
}

const count = (x: Tracer, axes: readonly number[]) => axes.reduce((n, a) => n * x.shape[a], 1);

/** Sum; booleans count as int32. */
export function sum(x: ArrayLike, axis?: Axis, options: ReduceOptions = {}): Tracer {
  return reduce("sum", x, axis, options, lax.reduceSum, toNumeric);
}

export function prod(x: ArrayLike, axis?: Axis, options: ReduceOptions = {}): Tracer {
  return reduce("prod", x, axis, options, lax.reduceProd, toNumeric);
}

/** Arithmetic mean (integers give float32; an empty reduction gives NaN). */
export function mean(x: ArrayLike, axis?: Axis, options: ReduceOptions = {}): Tracer {
  return reduce("mean", x, axis, options, (a, axes) => {
    const total = lax.reduceSum(a, axes);
    return lax.div(total, fullLikeScalar(total, count(a, axes)));
  }, toInexact);
}

export interface VarOptions extends ReduceOptions {
  /** Delta degrees of freedom: divide by n - ddof. */
  ddof?: number;
}

/** Variance: mean squared deviation from the mean, divided by n - ddof. */
export function variance(x: ArrayLike, axis?: Axis, { keepdims = false, ddof = 0 }: VarOptions = {}): Tracer {
  return reduce("var", x, axis, { keepdims }, (a, axes) => {
    const centered = lax.sub(a, lax.broadcastInDim(mean(a, axes, { keepdims: true }), a.shape, a.shape.map((_, i) => i)));
    const total = lax.reduceSum(lax.mul(centered, centered), axes);
    return lax.div(total, fullLikeScalar(total, count(a, axes) - ddof));
  }, toInexact);
}

export { variance as var };

export function std(x: ArrayLike, axis?: Axis, options: VarOptions = {}): Tracer {
  return lax.sqrt(variance(x, axis, options));
}

function checkNonEmpty(op: string, x: Tracer, axes: readonly number[]): void {
  if (axes.some((a) => x.shape[a] === 0)) {
    throw new ValueError(`${op}: zero-size reduction over axes ${JSON.stringify(axes)} of shape ${fmtShape(x.shape)}; ${op} has no identity, expected non-empty axes`);
  }
}

/** Maximum; NaN propagates. */
export function max(x: ArrayLike, axis?: Axis, options: ReduceOptions = {}): Tracer {
  return reduce("max", x, axis, options, (a, axes) => (checkNonEmpty("max", a, axes), lax.reduceMax(a, axes)));
}

/** Minimum; NaN propagates. */
export function min(x: ArrayLike, axis?: Axis, options: ReduceOptions = {}): Tracer {
  return reduce("min", x, axis, options, (a, axes) => (checkNonEmpty("min", a, axes), lax.reduceMin(a, axes)));
}

const asInt = (a: Tracer) => lax.convertElementType(a, "int32");
const asBool = (a: Tracer) => (a.dtype === "bool" ? a : lax.ne(a, fullLikeScalar(a, 0)));

/** True where every element along the axes is nonzero. */
export function all(x: ArrayLike, axis?: Axis, options: ReduceOptions = {}): Tracer {
  return reduce("all", x, axis, options, (a, axes) => {
    const falses = lax.reduceSum(asInt(lax.not(asBool(a))), axes);
    return lax.eq(falses, fullLikeScalar(falses, 0));
  });
}

/** True where some element along the axes is nonzero. */
export function any(x: ArrayLike, axis?: Axis, options: ReduceOptions = {}): Tracer {
  return reduce("any", x, axis, options, (a, axes) => {
    const trues = lax.reduceSum(asInt(asBool(a)), axes);
    return lax.gt(trues, fullLikeScalar(trues, 0));
  });
}

/** One axis, or the flattened array when `axis` is omitted; returns the operand to index. */
function singleAxis(op: string, x: ArrayLike, axis: number | null | undefined): [Tracer, number, Tracer] {
  const a = asArray(x, op);
  if (axis === null || axis === undefined) return [lax.reshape(a, [a.size]), 0, a];
  return [a, normalizeAxis(axis, a.ndim, op), a];
}

function argReduce(op: "argmax" | "argmin", x: ArrayLike, axis: number | null | undefined, { keepdims = false }: ReduceOptions): Tracer {
  const [a, ax, orig] = singleAxis(op, x, axis);
  const out = op === "argmax" ? lax.argmax(a, ax) : lax.argmin(a, ax);
  if (!keepdims) return out;
  return lax.reshape(out, axis === null || axis === undefined ? orig.shape.map(() => 1) : keptShape(a.shape, [ax]));
}

/** Index (int32) of the first maximum; over the flattened array when axis is omitted. */
export function argmax(x: ArrayLike, axis?: number | null, options: ReduceOptions = {}): Tracer {
  return argReduce("argmax", x, axis, options);
}

export function argmin(x: ArrayLike, axis?: number | null, options: ReduceOptions = {}): Tracer {
  return argReduce("argmin", x, axis, options);
}

/** Running sum along an axis (over the flattened array when omitted); booleans count as int32. */
export function cumsum(x: ArrayLike, axis?: number | null): Tracer {
  const [a, ax] = singleAxis("cumsum", x, axis);
  return lax.cumsum(cast(a, toNumeric(a.dtype)), ax);
}
