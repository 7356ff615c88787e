/** Reductions over axes: `(x, axis?, { keepdims })`, axis a number or numbers, negatives allowed. */
import { type DType, type Shape, type Tracer, ValueError, fmtShape } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { type ArrayLike, asArray, cast, fullLikeScalar, toInexact, toNumeric } from "../operands.js";
import { type Axis, finiteArg, flagOption, optionalAxisArg, readOptions, reduceAxes } from "./arguments.js";

export type { Axis } from "./arguments.js";

export interface ReduceOptions {
  keepdims?: boolean;
}

function keepdimsOption(op: string, options: ReduceOptions | undefined): boolean {
  return flagOption(op, "keepdims", readOptions(op, options, ["keepdims"]).keepdims, false);
}

/** The reduced shape with the reduced axes kept as size 1. */
const keptShape = (shape: Shape, axes: readonly number[]) => shape.map((d, i) => (axes.includes(i) ? 1 : d));

function reduce(
  op: string,
  x: ArrayLike,
  axis: Axis | undefined,
  keepdims: boolean,
  fn: (x: Tracer, axes: number[]) => Tracer,
  adjust: (d: DType) => DType = (d) => d,
): Tracer {
  const a = asArray(x, op);
  const axes = reduceAxes(op, axis, a.ndim);
  const out = fn(cast(a, adjust(a.dtype)), axes);
  return keepdims ? lax.reshape(out, keptShape(a.shape, axes)) : out;
}

const count = (x: Tracer, axes: readonly number[]) => axes.reduce((n, a) => n * x.shape[a], 1);

/** Sum; booleans count as int32. */
export function sum(x: ArrayLike, axis?: Axis, options?: ReduceOptions): Tracer {
  return reduce("np.sum", x, axis, keepdimsOption("np.sum", options), lax.reduceSum, toNumeric);
}

export function prod(x: ArrayLike, axis?: Axis, options?: ReduceOptions): Tracer {
  return reduce("np.prod", x, axis, keepdimsOption("np.prod", options), lax.reduceProd, toNumeric);
}

/** Arithmetic mean (integers give float32; an empty reduction gives NaN). */
export function mean(x: ArrayLike, axis?: Axis, options?: ReduceOptions): Tracer {
  return reduce("np.mean", x, axis, keepdimsOption("np.mean", options), (a, axes) => {
    const total = lax.reduceSum(a, axes);
    return lax.div(total, fullLikeScalar(total, count(a, axes)));
  }, toInexact);
}

export interface VarOptions extends ReduceOptions {
  /** Delta degrees of freedom: divide by n - ddof. */
  ddof?: number;
}

function varianceOf(op: string, x: ArrayLike, axis: Axis | undefined, options: VarOptions | undefined): Tracer {
  const { keepdims, ddof = 0 } = readOptions(op, options, ["keepdims", "ddof"]);
  finiteArg(op, "ddof", ddof);
  return reduce(op, x, axis, flagOption(op, "keepdims", keepdims, false), (a, axes) => {
    const centered = lax.sub(a, lax.broadcastInDim(mean(a, axes, { keepdims: true }), a.shape, a.shape.map((_, i) => i)));
    const total = lax.reduceSum(lax.mul(centered, centered), axes);
    return lax.div(total, fullLikeScalar(total, count(a, axes) - ddof));
  }, toInexact);
}

/** Variance: mean squared deviation from the mean, divided by n - ddof. */
export function variance(x: ArrayLike, axis?: Axis, options?: VarOptions): Tracer {
  return varianceOf("np.var", x, axis, options);
}

export { variance as var };

export function std(x: ArrayLike, axis?: Axis, options?: VarOptions): Tracer {
  return lax.sqrt(varianceOf("np.std", x, axis, options));
}

function checkNonEmpty(op: string, x: Tracer, axes: readonly number[]): void {
  if (axes.some((a) => x.shape[a] === 0)) {
    throw new ValueError(`${op}: zero-size reduction over axes ${fmtShape(axes)} of shape ${fmtShape(x.shape)}; ${op} has no identity, expected non-empty axes`);
  }
}

/** Maximum; NaN propagates. */
export function max(x: ArrayLike, axis?: Axis, options?: ReduceOptions): Tracer {
  return reduce("np.max", x, axis, keepdimsOption("np.max", options), (a, axes) => (checkNonEmpty("np.max", a, axes), lax.reduceMax(a, axes)));
}

/** Minimum; NaN propagates. */
export function min(x: ArrayLike, axis?: Axis, options?: ReduceOptions): Tracer {
  return reduce("np.min", x, axis, keepdimsOption("np.min", options), (a, axes) => (checkNonEmpty("np.min", a, axes), lax.reduceMin(a, axes)));
}

const asInt = (a: Tracer) => lax.convertElementType(a, "int32");
const asBool = (a: Tracer) => (a.dtype === "bool" ? a : lax.ne(a, fullLikeScalar(a, 0)));

/** True where every element along the axes is nonzero. */
export function all(x: ArrayLike, axis?: Axis, options?: ReduceOptions): Tracer {
  return reduce("np.all", x, axis, keepdimsOption("np.all", options), (a, axes) => {
    const falses = lax.reduceSum(asInt(lax.not(asBool(a))), axes);
    return lax.eq(falses, fullLikeScalar(falses, 0));
  });
}

/** True where some element along the axes is nonzero. */
export function any(x: ArrayLike, axis?: Axis, options?: ReduceOptions): Tracer {
  return reduce("np.any", x, axis, keepdimsOption("np.any", options), (a, axes) => {
    const trues = lax.reduceSum(asInt(asBool(a)), axes);
    return lax.gt(trues, fullLikeScalar(trues, 0));
  });
}

/** One axis, or the flattened array when `axis` is omitted; returns the operand to index. */
function singleAxis(op: string, x: ArrayLike, axis: unknown): [Tracer, number, Tracer] {
  const a = asArray(x, op);
  const ax = optionalAxisArg(op, axis, a.ndim, true);
  return ax === null ? [lax.reshape(a, [a.size]), 0, a] : [a, ax, a];
}

function argReduce(op: "np.argmax" | "np.argmin", x: ArrayLike, axis: number | null | undefined, options: ReduceOptions | undefined): Tracer {
  const keepdims = keepdimsOption(op, options);
  const [a, ax, orig] = singleAxis(op, x, axis);
  if (a.shape[ax] === 0) throw new ValueError(`${op}: attempt to get ${op.slice(3)} of an empty sequence (shape ${fmtShape(orig.shape)}); expected a non-empty axis`);
  const out = op === "np.argmax" ? lax.argmax(a, ax) : lax.argmin(a, ax);
  if (!keepdims) return out;
  return lax.reshape(out, axis === null || axis === undefined ? orig.shape.map(() => 1) : keptShape(a.shape, [ax]));
}

/** Index (int32) of the first maximum; over the flattened array when axis is omitted. */
export function argmax(x: ArrayLike, axis?: number | null, options?: ReduceOptions): Tracer {
  return argReduce("np.argmax", x, axis, options);
}

export function argmin(x: ArrayLike, axis?: number | null, options?: ReduceOptions): Tracer {
  return argReduce("np.argmin", x, axis, options);
}

/** Running sum along an axis (over the flattened array when omitted); booleans count as int32. */
export function cumsum(x: ArrayLike, axis?: number | null): Tracer {
  const [a, ax] = singleAxis("np.cumsum", x, axis);
  return lax.cumsum(cast(a, toNumeric(a.dtype)), ax);
}
