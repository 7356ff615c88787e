/** Shape and movement: reshape, transpose, squeeze, concatenate, stack, broadcast, flip, pad. */
import { type Shape, ShapeError, type Tracer, fmtShape, fmtValue, isPermutation, shapeSize } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { type ArrayLike, asArray, broadcastArgs, broadcastTo as broadcastToShape, promoteArgs } from "../operands.js";
import { arrayListArg, axesArg, axisArg, readOptions, shapeArg, sizesArg } from "./arguments.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A target shape with at most one -1, inferred from the size of `x`. */
function resolveShape(x: Tracer, shape: readonly number[]): number[] {
  const bad = (why: string) => new ShapeError(`np.reshape: cannot reshape array of shape ${fmtShape(x.shape)} (size ${x.size}) into shape ${fmtShape(shape)}: ${why}`);
  if (shape.some((d) => !Number.isInteger(d) || d < -1)) throw bad("expected non-negative integers and at most one -1");
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw bad("only one dimension can be -1");
  const known = shapeSize(shape.filter((d) => d !== -1));
  if (unknown === 0) {
    if (known !== x.size) throw bad(`sizes differ (${x.size} vs ${known})`);
    return [...shape];
  }
  if (known === 0 || x.size % known !== 0) throw bad(`${x.size} elements do not divide into dimensions of size ${known}`);
  return shape.map((d) => (d === -1 ? x.size / known : d));
}

/** Same elements in row-major order, new shape; one dimension may be -1. */
export function reshape(x: ArrayLike, shape: number | readonly number[]): Tracer {
  const a = asArray(x, "np.reshape");
  const s = resolveShape(a, sizesArg("np.reshape", shape));
  return sameShape(s, a.shape) ? a : lax.reshape(a, s);
}

/** The elements as a 1-D array. */
export function ravel(x: ArrayLike): Tracer {
  return reshape(x, -1);
}

/** Permute axes; reverses them when `axes` is omitted. Negative axes are allowed. */
export function transpose(x: ArrayLike, axes?: readonly number[]): Tracer {
  const a = asArray(x, "np.transpose");
  const perm = axes === undefined || axes === null ? range(a.ndim).reverse() : permutationAxes(a, axes);
  if (!isPermutation(perm, a.ndim)) {
    throw new ShapeError(`np.transpose: axes ${fmtValue(axes)} are not a permutation of the ${a.ndim} axes of an array of shape ${fmtShape(a.shape)}`);
  }
  return perm.every((p, i) => p === i) ? a : lax.transpose(a, perm);
}

/** The axes of a permutation, each checked; that they form one is checked by the caller. */
function permutationAxes(a: Tracer, axes: unknown): number[] {
  if (!Array.isArray(axes)) throw new ShapeError(`np.transpose: axes ${fmtValue(axes)} is not an array; expected a permutation of the ${a.ndim} axes, e.g. [1, 0]`);
  return axes.map((d) => axisArg("np.transpose", d, a.ndim));
}

export function swapaxes(x: ArrayLike, axis1: number, axis2: number): Tracer {
  const a = asArray(x, "np.swapaxes");
  const perm = range(a.ndim);
  const [i, j] = [axisArg("np.swapaxes", axis1, a.ndim), axisArg("np.swapaxes", axis2, a.ndim)];
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return transpose(a, perm);
}

/** Move axes `source` to positions `destination`, keeping the others in order. */
export function moveaxis(x: ArrayLike, source: number | readonly number[], destination: number | readonly number[]): Tracer {
  const op = "np.moveaxis";
  const a = asArray(x, op);
  const src = axesArg(op, source, a.ndim);
  const dst = axesArg(op, destination, a.ndim);
  if (src === null || dst === null) throw new ShapeError(`${op}: source and destination are required; expected an axis or a list of axes each`);
  if (src.length !== dst.length) throw new ShapeError(`${op}: ${src.length} source axes but ${dst.length} destinations; expected as many of each`);
  const rest = range(a.ndim).filter((d) => !src.includes(d));
  const perm = new Array<number>(a.ndim);
  dst.forEach((d, i) => (perm[d] = src[i]));
  for (let i = 0; i < a.ndim; i++) if (perm[i] === undefined) perm[i] = rest.shift()!;
  return transpose(a, perm);
}

/** Remove size-1 axes: all of them, or the ones named (which must have size 1). */
export function squeeze(x: ArrayLike, axis?: number | readonly number[] | null): Tracer {
  const a = asArray(x, "np.squeeze");
  const axes = axesArg("np.squeeze", axis, a.ndim) ?? range(a.ndim).filter((d) => a.shape[d] === 1);
  for (const d of axes) {
    if (a.shape[d] !== 1) throw new ShapeError(`np.squeeze: axis ${d} of shape ${fmtShape(a.shape)} has size ${a.shape[d]}; expected size 1`);
  }
  return reshape(a, a.shape.filter((_, i) => !axes.includes(i)));
}

/** Insert size-1 axes at positions `axis` of the result. */
export function expandDims(x: ArrayLike, axis: number | readonly number[]): Tracer {
  const op = "np.expandDims";
  const a = asArray(x, op);
  const count = typeof axis === "number" ? 1 : Array.isArray(axis) ? axis.length : 0;
  const axes = axesArg(op, axis, a.ndim + count);
  if (axes === null) throw new ShapeError(`${op}: axis is required; expected an integer or an array of integers`);
  const ndim = a.ndim + axes.length;
  const rest = [...a.shape];
  return reshape(a, range(ndim).map((d) => (axes.includes(d) ? 1 : rest.shift()!)));
}

/** Join arrays along an existing axis (the flattened arrays when `axis` is null). */
export function concatenate(arrays: readonly ArrayLike[], axis: number | null = 0): Tracer {
  const op = "np.concatenate";
  let xs = promoteArgs(op, arrayListArg<ArrayLike>(op, arrays));
  if (axis === null) xs = xs.map((x) => ravel(x));
  if (xs[0].ndim === 0) throw new ShapeError(`${op}: zero-dimensional arrays cannot be concatenated; expected arrays of rank >= 1 (use np.stack)`);
  const ax = axisArg(op, axis ?? 0, xs[0].ndim);
  const mismatch = xs.find((x) => x.ndim !== xs[0].ndim || x.shape.some((d, i) => i !== ax && d !== xs[0].shape[i]));
  if (mismatch) {
    throw new ShapeError(`${op}: shapes ${xs.map((x) => fmtShape(x.shape)).join(", ")} do not fit along axis ${ax}; expected the same rank and equal sizes except on axis ${ax}`);
  }
  return xs.length === 1 ? xs[0] : lax.concatenate(xs, ax);
}

/** Join same-shaped arrays along a new axis. */
export function stack(arrays: readonly ArrayLike[], axis = 0): Tracer {
  const op = "np.stack";
  const xs = promoteArgs(op, arrayListArg<ArrayLike>(op, arrays));
  if (xs.some((x) => !sameShape(x.shape, xs[0].shape))) {
    throw new ShapeError(`${op}: all input arrays must have the same shape, got ${xs.map((x) => fmtShape(x.shape)).join(", ")}`);
  }
  const ax = axisArg(op, axis, xs[0].ndim + 1);
  const parts = xs.map((x) => lax.reshape(x, [...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)]));
  return parts.length === 1 ? parts[0] : lax.concatenate(parts, ax);
}

/** `x` broadcast to `shape` by NumPy's rules. */
export function broadcastTo(x: ArrayLike, shape: number | readonly number[]): Tracer {
  return broadcastToShape(asArray(x, "np.broadcastTo"), shapeArg("np.broadcastTo", shape), "np.broadcastTo");
}

/** The arrays broadcast against each other. */
export function broadcastArrays(...arrays: ArrayLike[]): Tracer[] {
  return broadcastArgs("np.broadcastArrays", arrays.map((x) => asArray(x, "np.broadcastArrays")));
}

/** Reverse the order of elements along the axes (all axes when omitted). */
export function flip(x: ArrayLike, axis?: number | readonly number[] | null): Tracer {
  const a = asArray(x, "np.flip");
  const axes = axesArg("np.flip", axis, a.ndim) ?? range(a.ndim);
  return axes.length ? lax.rev(a, axes) : a;
}

type PadWidth = number | readonly [number, number] | readonly (readonly [number, number])[];

/** One [before, after] pair per axis from n, [before, after] or the pairs themselves. */
function padPairs(a: Tracer, width: unknown): unknown[] {
  if (typeof width === "number") return a.shape.map(() => [width, width]);
  if (Array.isArray(width) && typeof width[0] === "number") return a.shape.map(() => width);
  return Array.isArray(width) ? width : [];
}

function padConfig(a: Tracer, width: PadWidth): [number, number, number][] {
  const pairs = padPairs(a, width);
  const fits = (p: unknown): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((w) => typeof w === "number" && Number.isInteger(w) && w >= 0);
  if (pairs.length !== a.ndim || !pairs.every(fits)) {
    throw new ShapeError(`np.pad: padWidth ${fmtValue(width)} does not fit shape ${fmtShape(a.shape)}; expected non-negative integers, one [before, after] pair per axis`);
  }
  return pairs.map(([lo, hi]) => [lo, hi, 0]);
}

/** Pad with a constant: `padWidth` is n, [before, after], or one [before, after] per axis. */
export function pad(x: ArrayLike, padWidth: PadWidth, options?: { constantValues?: number }): Tracer {
  const { constantValues = 0 } = readOptions("np.pad", options, ["constantValues"]);
  const [a, v] = promoteArgs("np.pad", [x, constantValues]);
  if (v.ndim !== 0) throw new ShapeError(`np.pad: constantValues has shape ${fmtShape(v.shape)}; expected a scalar`);
  return lax.pad(a, v, padConfig(a, padWidth));
}

/** `x.flatten()` as a function: the same as `ravel`. */
export { ravel as flatten };
