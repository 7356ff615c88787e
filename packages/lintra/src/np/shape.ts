/** Shape and movement: reshape, transpose, squeeze, concatenate, stack, broadcast, flip, pad. */
import { type Shape, ShapeError, type Tracer, ValueError, fmtShape, isPermutation, normalizeAxis, shapeSize } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { type ArrayLike, asArray, broadcastArgs, broadcastTo as broadcastToShape, promoteArgs } from "../operands.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const listOf = (v: number | readonly number[]) => (typeof v === "number" ? [v] : [...v]);

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A target shape with at most one -1, inferred from the size of `x`. */
function resolveShape(x: Tracer, shape: readonly number[]): number[] {
  const bad = (why: string) => new ShapeError(`reshape: cannot reshape array of shape ${fmtShape(x.shape)} (size ${x.size}) into shape ${fmtShape(shape)}: ${why}`);
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
  const a = asArray(x, "reshape");
  const s = resolveShape(a, listOf(shape));
  return sameShape(s, a.shape) ? a : lax.reshape(a, s);
}

/** The elements as a 1-D array. */
export function ravel(x: ArrayLike): Tracer {
  return reshape(x, -1);
}

/** Permute axes; reverses them when `axes` is omitted. Negative axes are allowed. */
export function transpose(x: ArrayLike, axes?: readonly number[]): Tracer {
  const a = asArray(x, "transpose");
  const perm = axes ? axes.map((d) => normalizeAxis(d, a.ndim, "transpose")) : range(a.ndim).reverse();
  if (!isPermutation(perm, a.ndim)) {
    throw new ShapeError(`transpose: axes ${JSON.stringify(axes)} are not a permutation of the ${a.ndim} axes of an array of shape ${fmtShape(a.shape)}`);
  }
  return perm.every((p, i) => p === i) ? a : lax.transpose(a, perm);
}

export function swapaxes(x: ArrayLike, axis1: number, axis2: number): Tracer {
  const a = asArray(x, "swapaxes");
  const perm = range(a.ndim);
  const [i, j] = [normalizeAxis(axis1, a.ndim, "swapaxes"), normalizeAxis(axis2, a.ndim, "swapaxes")];
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return transpose(a, perm);
}

/** Move axes `source` to positions `destination`, keeping the others in order. */
export function moveaxis(x: ArrayLike, source: number | readonly number[], destination: number | readonly number[]): Tracer {
  const a = asArray(x, "moveaxis");
  const src = listOf(source).map((d) => normalizeAxis(d, a.ndim, "moveaxis"));
  const dst = listOf(destination).map((d) => normalizeAxis(d, a.ndim, "moveaxis"));
  if (src.length !== dst.length) throw new ShapeError(`moveaxis: ${src.length} source axes but ${dst.length} destinations`);
  const rest = range(a.ndim).filter((d) => !src.includes(d));
  const perm = new Array<number>(a.ndim);
  dst.forEach((d, i) => (perm[d] = src[i]));
  for (let i = 0; i < a.ndim; i++) if (perm[i] === undefined) perm[i] = rest.shift()!;
  return transpose(a, perm);
}

/** Remove size-1 axes: all of them, or the ones named (which must have size 1). */
export function squeeze(x: ArrayLike, axis?: number | readonly number[] | null): Tracer {
  const a = asArray(x, "squeeze");
  const axes = axis === undefined || axis === null ? range(a.ndim).filter((d) => a.shape[d] === 1) : listOf(axis).map((d) => normalizeAxis(d, a.ndim, "squeeze"));
  for (const d of axes) {
    if (a.shape[d] !== 1) throw new ShapeError(`squeeze: axis ${d} of shape ${fmtShape(a.shape)} has size ${a.shape[d]}; expected size 1`);
  }
  return reshape(a, a.shape.filter((_, i) => !axes.includes(i)));
}

/** Insert size-1 axes at positions `axis` of the result. */
export function expandDims(x: ArrayLike, axis: number | readonly number[]): Tracer {
  const a = asArray(x, "expandDims");
  const ndim = a.ndim + listOf(axis).length;
  const axes = listOf(axis).map((d) => normalizeAxis(d, ndim, "expandDims"));
  if (new Set(axes).size !== axes.length) throw new ShapeError(`expandDims: repeated axis in ${JSON.stringify(axis)}`);
  const rest = [...a.shape];
  return reshape(a, range(ndim).map((d) => (axes.includes(d) ? 1 : rest.shift()!)));
}

function nonEmpty(op: string, arrays: readonly ArrayLike[]): void {
  if (arrays.length === 0) throw new ValueError(`${op}: need at least one array, got an empty list`);
}

/** Join arrays along an existing axis (the flattened arrays when `axis` is null). */
export function concatenate(arrays: readonly ArrayLike[], axis: number | null = 0): Tracer {
  nonEmpty("concatenate", arrays);
  let xs = promoteArgs("concatenate", arrays);
  if (axis === null) xs = xs.map((x) => ravel(x));
  if (xs[0].ndim === 0) throw new ShapeError("concatenate: zero-dimensional arrays cannot be concatenated; use stack");
  const ax = normalizeAxis(axis ?? 0, xs[0].ndim, "concatenate");
  return xs.length === 1 ? xs[0] : lax.concatenate(xs, ax);
}

/** Join same-shaped arrays along a new axis. */
export function stack(arrays: readonly ArrayLike[], axis = 0): Tracer {
  nonEmpty("stack", arrays);
  const xs = promoteArgs("stack", arrays);
  if (xs.some((x) => !sameShape(x.shape, xs[0].shape))) {
    throw new ShapeError(`stack: all input arrays must have the same shape, got ${xs.map((x) => fmtShape(x.shape)).join(", ")}`);
  }
  const ax = normalizeAxis(axis, xs[0].ndim + 1, "stack");
  const parts = xs.map((x) => expandDims(x, ax));
  return parts.length === 1 ? parts[0] : lax.concatenate(parts, ax);
}

/** `x` broadcast to `shape` by NumPy's rules. */
export function broadcastTo(x: ArrayLike, shape: number | readonly number[]): Tracer {
  return broadcastToShape(asArray(x, "broadcastTo"), listOf(shape), "broadcastTo");
}

/** The arrays broadcast against each other. */
export function broadcastArrays(...arrays: ArrayLike[]): Tracer[] {
  return broadcastArgs("broadcastArrays", arrays.map((x) => asArray(x, "broadcastArrays")));
}

/** Reverse the order of elements along the axes (all axes when omitted). */
export function flip(x: ArrayLike, axis?: number | readonly number[] | null): Tracer {
  const a = asArray(x, "flip");
  const axes = axis === undefined || axis === null ? range(a.ndim) : listOf(axis).map((d) => normalizeAxis(d, a.ndim, "flip"));
  return axes.length ? lax.rev(a, axes) : a;
}

type PadWidth = number | readonly [number, number] | readonly (readonly [number, number])[];

function padConfig(a: Tracer, width: PadWidth): [number, number, number][] {
  const pairs: (readonly [number, number])[] =
    typeof width === "number" ? a.shape.map(() => [width, width]) : typeof width[0] === "number" ? a.shape.map(() => width as [number, number]) : [...(width as (readonly [number, number])[])];
  if (pairs.length !== a.ndim || pairs.some((p) => p.some((w) => !Number.isInteger(w) || w < 0))) {
    throw new ShapeError(`pad: padWidth ${JSON.stringify(width)} does not fit shape ${fmtShape(a.shape)}; expected non-negative integers, one [before, after] pair per axis`);
  }
  return pairs.map(([lo, hi]) => [lo, hi, 0]);
}

/** Pad with a constant: `padWidth` is n, [before, after], or one [before, after] per axis. */
export function pad(x: ArrayLike, padWidth: PadWidth, { constantValues = 0 }: { constantValues?: number } = {}): Tracer {
  const [a, v] = promoteArgs("pad", [x, constantValues]);
  return lax.pad(a, v, padConfig(a, padWidth));
}
