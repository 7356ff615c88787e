/** Indexing with integer arrays: take, takeAlongAxis. */
import { DTypeError, ShapeError, Tracer, fmtShape, normalizeAxis } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { type ArrayLike, asArray, broadcastShapes, broadcastTo, fullLikeScalar } from "../operands.js";
import { ravel, transpose } from "./shape.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Index arrays are int32; JS data is read as int32. */
function indexArray(op: string, indices: ArrayLike): Tracer {
  if (typeof indices === "number" && !Number.isInteger(indices)) throw new DTypeError(`${op}: index ${indices} is not an integer`);
  const idx = asArray(indices, op, indices instanceof Tracer ? undefined : "int32");
  if (idx.dtype !== "int32") throw new DTypeError(`${op}: indices have dtype ${idx.dtype} (${idx.aval}); expected int32`);
  return idx;
}

/** Negative indices count from the end (the primitive would clamp them to 0). */
function wrapNegative(idx: Tracer, size: number): Tracer {
  const zero = fullLikeScalar(idx, 0);
  return lax.select(lax.lt(idx, zero), lax.add(idx, fullLikeScalar(idx, size)), idx);
}

/**
 * Elements of x at `indices` along `axis` (of the flattened array when omitted). The result
 * has x's shape with that axis replaced by the indices' shape. Negative indices wrap;
 * out-of-range indices are clamped.
 */
export function take(x: ArrayLike, indices: ArrayLike, axis?: number | null): Tracer {
  let a = asArray(x, "take");
  if (axis === undefined || axis === null) [a, axis] = [ravel(a), 0];
  const ax = normalizeAxis(axis, a.ndim, "take");
  const idx = wrapNegative(indexArray("take", indices), a.shape[ax]);
  const gathered = lax.gather(a, [idx], [ax]);
  // gather puts the index dims first: [idx..., before..., after...] -> [before..., idx..., after...]
  const ni = idx.ndim;
  const perm = [...range(ax).map((d) => ni + d), ...range(ni), ...range(a.ndim - 1 - ax).map((d) => ni + ax + d)];
  return transpose(gathered, perm);
}

/**
 * out[..., j, ...] = x[..., indices[..., j, ...], ...] along `axis`: indices have x's rank and
 * broadcast against x on the other axes (NumPy's take_along_axis).
 */
export function takeAlongAxis(x: ArrayLike, indices: ArrayLike, axis: number | null): Tracer {
  let a = asArray(x, "takeAlongAxis");
  let idx = indexArray("takeAlongAxis", indices);
  if (axis === null) [a, idx, axis] = [ravel(a), ravel(idx), 0];
  if (idx.ndim !== a.ndim) {
    throw new ShapeError(`takeAlongAxis: indices of shape ${fmtShape(idx.shape)} and x of shape ${fmtShape(a.shape)} must have the same rank`);
  }
  const ax = normalizeAxis(axis, a.ndim, "takeAlongAxis");
  const withAxis = (s: readonly number[], n: number) => s.map((d, i) => (i === ax ? n : d));
  const common = broadcastShapes("takeAlongAxis", [withAxis(a.shape, 1), withAxis(idx.shape, 1)]);
  a = broadcastTo(a, withAxis(common, a.shape[ax]), "takeAlongAxis");
  idx = wrapNegative(broadcastTo(idx, withAxis(common, idx.shape[ax]), "takeAlongAxis"), a.shape[ax]);
  const perAxis = range(a.ndim).map((d) => (d === ax ? idx : lax.iota("int32", idx.shape, d)));
  return lax.gather(a, perAxis, range(a.ndim));
}
