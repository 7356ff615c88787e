import { type AnyTypedArray, type SingleKernelTable, type ShapedArray, type Shape, allocTyped, stridesOf } from "@lintra/core-ir";
import { type View, contiguous, copyStrided, permutedView } from "./strided.js";

/** A fresh array of aval `out` holding the view `src` of `x`, in row-major order. */
function materialize(x: AnyTypedArray, src: View, out: ShapedArray): AnyTypedArray {
  const y = allocTyped(out.dtype, out.size);
  copyStrided(out.shape, x, src, y, contiguous(out.shape));
  return y;
}

/** Operand dim i lands on output dim dims[i]; size-1 operand dims and new dims get stride 0. */
function broadcastView(xShape: Shape, outShape: Shape, dims: readonly number[]): View {
  const xStrides = stridesOf(xShape);
  const strides = outShape.map(() => 0);
  dims.forEach((d, i) => {
    if (xShape[i] !== 1) strides[d] = xStrides[i];
  });
  return { offset: 0, strides };
}

/** Reversed dims start at their last element and step backwards. */
function revView(shape: Shape, dimensions: readonly number[]): View {
  const strides = stridesOf(shape);
  let offset = 0;
  for (const d of dimensions) {
    offset += (shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  return { offset, strides };
}

function sliceView(shape: Shape, start: readonly number[], steps: readonly number[] | null): View {
  const strides = stridesOf(shape);
  return {
    offset: start.reduce((acc, s, d) => acc + s * strides[d], 0),
    strides: strides.map((s, d) => s * (steps ? steps[d] : 1)),
  };
}

/**
 * pad: fill with the padding value, then copy the part of the operand that survives
 * cropping. Operand index i on a dim with [lo, hi, interior] lands at lo + i·(interior + 1).
 */
function pad(x: AnyTypedArray, xShape: Shape, value: number, config: readonly (readonly [number, number, number])[], out: ShapedArray): AnyTypedArray {
  const y = allocTyped(out.dtype, out.size).fill(value);
  const xStrides = stridesOf(xShape);
  const yStrides = stridesOf(out.shape);
  const counts: number[] = [];
  const src = { offset: 0, strides: xStrides };
  const dst = { offset: 0, strides: yStrides.map((s, d) => s * (config[d][2] + 1)) };
  xShape.forEach((n, d) => {
    const [lo, , interior] = config[d];
    const step = interior + 1;
    const first = lo >= 0 ? 0 : Math.ceil(-lo / step); // first operand index at output position >= 0
    const end = Math.min(n, Math.floor((out.shape[d] - 1 - lo) / step) + 1); // one past the last inside
    counts.push(Math.max(0, end - first));
    src.offset += first * xStrides[d];
    dst.offset += (lo + first * step) * yStrides[d];
  });
  if (counts.every((c) => c > 0)) copyStrided(counts, x, src, y, dst);
  return y;
}

/** concatenate: each operand is copied into its window of the output along `dimension`. */
function concatenate(xs: AnyTypedArray[], avals: ShapedArray[], dimension: number, out: ShapedArray): AnyTypedArray {
  const y = allocTyped(out.dtype, out.size);
  const strides = stridesOf(out.shape);
  let at = 0;
  xs.forEach((x, i) => {
    const shape = avals[i].shape;
    copyStrided(shape, x, contiguous(shape), y, { offset: at * strides[dimension], strides });
    at += shape[dimension];
  });
  return y;
}

export const movementKernels = {
  broadcast_in_dim: ([x], [aval], { broadcastDimensions }, out) => materialize(x, broadcastView(aval.shape, out.shape, broadcastDimensions), out),
  reshape: ([x]) => x.slice(),
  transpose: ([x], [aval], { permutation }, out) => materialize(x, permutedView(aval.shape, permutation).view, out),
  rev: ([x], [aval], { dimensions }, out) => materialize(x, revView(aval.shape, dimensions), out),
  slice: ([x], [aval], { startIndices, strides }, out) => materialize(x, sliceView(aval.shape, startIndices, strides), out),
  pad: ([x, value], [aval], { paddingConfig }, out) => pad(x, aval.shape, value[0], paddingConfig, out),
  concatenate: (xs, avals, { dimension }, out) => concatenate(xs, avals, dimension, out),
} satisfies SingleKernelTable<AnyTypedArray>;
