/** Indexing with integer arrays: take, takeAlongAxis. */
import { DTypeError, ShapeError, Tracer, fmtShape } from "@lintra/core-ir";
import { indicesFromHost } from "../host-data.js";
import * as lax from "../lax.js";
import { type ArrayLike, asArray, broadcastShapes, broadcastTo, fullLikeScalar } from "../operands.js";
import { axisArg, optionalAxisArg } from "./arguments.js";
import { ravel, transpose } from "./shape.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Index arrays are int32; JS data must hold integers, read as int32. */
function indexArray(op: string, indices: ArrayLike): Tracer {
  if (typeof indices === "number" && !Number.isInteger(indices)) throw new DTypeError(`${op}: index ${indices} is not an integer; expected integer indices`);
  if (!(indices instanceof Tracer)) return indicesFromHost(indices, op);
  if (indices.dtype !== "int32") throw new DTypeError(`${op}: indices have dtype ${indices.dtype} (${indices.aval}); expected int32`);
  return indices;
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
  let a = asArray(x, "np.take");
  let ax = optionalAxisArg("np.take", axis, a.ndim);
  if (ax === null) [a, ax] = [ravel(a), 0];
  const idx = wrapNegative(indexArray("np.take", indices), a.shape[ax]);
  if (a.shape[ax] === 0 && idx.size > 0) throw new ShapeError(`np.take: cannot take from axis ${ax} of size 0 (shape ${fmtShape(a.shape)}); expected a non-empty axis`);
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
  const op = "np.takeAlongAxis";
  let a = asArray(x, op);
  let idx = indexArray(op, indices);
  if (axis === null) [a, idx, axis] = [ravel(a), ravel(idx), 0];
  if (idx.ndim !== a.ndim) {
    throw new ShapeError(`${op}: indices of shape ${fmtShape(idx.shape)} and x of shape ${fmtShape(a.shape)} must have the same rank`);
  }
  const ax = axisArg(op, axis, a.ndim);
  if (a.shape[ax] === 0 && idx.size > 0) throw new ShapeError(`${op}: cannot take from axis ${ax} of size 0 (shape ${fmtShape(a.shape)}); expected a non-empty axis`);
  const withAxis = (s: readonly number[], n: number) => s.map((d, i) => (i === ax ? n : d));
  const common = broadcastShapes(op, [withAxis(a.shape, 1), withAxis(idx.shape, 1)]);
  a = broadcastTo(a, withAxis(common, a.shape[ax]), op);
  idx = wrapNegative(broadcastTo(idx, withAxis(common, idx.shape[ax]), op), a.shape[ax]);
  const perAxis = range(a.ndim).map((d) => (d === ax ? idx : lax.iota("int32", idx.shape, d)));
  return lax.gather(a, perAxis, range(a.ndim));
}

/** `x.slice(...specs)` as a function: basic indexing (an integer, null, or [start, stop, step?] per axis). */
export { sliceArray as slice } from "../slicing.js";
