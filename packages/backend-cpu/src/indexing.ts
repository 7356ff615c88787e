import { type AnyTypedArray, type SingleKernelTable, type ShapedArray, allocTyped, stridesOf } from "@lintra/core-ir";
import { contiguous, copyStrided, viewOffsets } from "./strided.js";

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * The addressing shared by gather and scatter_add. Position b of the index arrays picks
 * the slice of x that starts at `base(b)` (each index clamped into [0, dim - 1]); element r
 * of that slice (over the dims not in `axes`, row-major) is at `base(b) + rest[r]`.
 */
function gatherAddressing(xAval: ShapedArray, indices: AnyTypedArray[], axes: readonly number[]) {
  const strides = stridesOf(xAval.shape);
  const restDims = xAval.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const rest = viewOffsets(
    restDims.map((d) => xAval.shape[d]),
    { offset: 0, strides: restDims.map((d) => strides[d]) },
  );
  const base = (b: number): number => {
    let at = 0;
    axes.forEach((axis, j) => {
      at += clamp(indices[j][b], 0, xAval.shape[axis] - 1) * strides[axis];
    });
    return at;
  };
  const count = indices[0].length;
  return { rest, base, count };
}

/** out[b…, r…] = x[indices at `axes`, r… elsewhere]. */
function gather(x: AnyTypedArray, indices: AnyTypedArray[], xAval: ShapedArray, axes: readonly number[], out: ShapedArray): AnyTypedArray {
  const { rest, base, count } = gatherAddressing(xAval, indices, axes);
  const y = allocTyped(out.dtype, out.size);
  for (let b = 0; b < count; b++) {
    const from = base(b);
    const to = b * rest.length;
    for (let r = 0; r < rest.length; r++) y[to + r] = x[from + rest[r]];
  }
  return y;
}

/** A copy of x with updates[b…, r…] added where gather would read them; duplicates accumulate. */
function scatterAdd(x: AnyTypedArray, updates: AnyTypedArray, indices: AnyTypedArray[], xAval: ShapedArray, axes: readonly number[]): AnyTypedArray {
  const { rest, base, count } = gatherAddressing(xAval, indices, axes);
  const y = x.slice();
  for (let b = 0; b < count; b++) {
    const to = base(b);
    const from = b * rest.length;
    for (let r = 0; r < rest.length; r++) y[to + rest[r]] += updates[from + r];
  }
  return y;
}

/** The window at scalar `starts`, each clamped to [0, dim - size] so the window fits. */
function windowAt(xAval: ShapedArray, starts: AnyTypedArray[], sizes: readonly number[]) {
  const strides = stridesOf(xAval.shape);
  const offset = starts.reduce((acc, s, d) => acc + clamp(s[0], 0, xAval.shape[d] - sizes[d]) * strides[d], 0);
  return { offset, strides };
}

function dynamicSlice(x: AnyTypedArray, starts: AnyTypedArray[], xAval: ShapedArray, out: ShapedArray): AnyTypedArray {
  const y = allocTyped(out.dtype, out.size);
  copyStrided(out.shape, x, windowAt(xAval, starts, out.shape), y, contiguous(out.shape));
  return y;
}

function dynamicUpdateSlice(x: AnyTypedArray, update: AnyTypedArray, starts: AnyTypedArray[], xAval: ShapedArray, updateAval: ShapedArray): AnyTypedArray {
  const y = x.slice();
  copyStrided(updateAval.shape, update, contiguous(updateAval.shape), y, windowAt(xAval, starts, updateAval.shape));
  return y;
}

export const indexingKernels = {
  gather: ([x, ...indices], [xAval], { axes }, out) => gather(x, indices, xAval, axes, out),
  scatter_add: ([x, updates, ...indices], [xAval], { axes }) => scatterAdd(x, updates, indices, xAval, axes),
  dynamic_slice: ([x, ...starts], [xAval], _params, out) => dynamicSlice(x, starts, xAval, out),
  dynamic_update_slice: ([x, update, ...starts], [xAval, updateAval]) => dynamicUpdateSlice(x, update, starts, xAval, updateAval),
} satisfies SingleKernelTable<AnyTypedArray>;
