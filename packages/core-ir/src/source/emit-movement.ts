import { type Shape, stridesOf } from "../shape.js";
import { allocSource, filledSource } from "./literals.js";
import { type View, contiguous, copyStrided } from "./loops.js";
import type { Operand, Output, SourceEmitterTable } from "./types.js";
import type { SourceWriter } from "./writer.js";

/*
 * Movement primitives, as backend-cpu computes them: a strided view of the operand copied
 * out in row-major order. Every shape is static, so the views' offsets and strides are
 * worked out here and appear in the source as plain index arithmetic.
 */

/** `const y = new T(n);` then y[row-major] = x[view]. */
function materialize(w: SourceWriter, x: Operand, view: View, out: Output): void {
  w.line(`const ${out.name} = ${allocSource(out.aval)};`);
  copyStrided(w, out.aval.shape, x, view, out.name, contiguous(out.aval.shape));
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

/** A view of permuted axes: view dim i is operand dim perm[i]. */
const permutedView = (shape: Shape, perm: readonly number[]): View => {
  const strides = stridesOf(shape);
  return { offset: 0, strides: perm.map((p) => strides[p]) };
};

/**
 * pad: fill with the padding value, then copy the part of the operand that survives
 * cropping. Operand index i on a dim with [lo, hi, interior] lands at lo + i·(interior + 1).
 */
function pad(w: SourceWriter, x: Operand, value: Operand, config: readonly (readonly [number, number, number])[], out: Output): void {
  w.line(`const ${out.name} = ${filledSource(out.aval, value.at("0"), value.literal)};`);
  const xShape = x.aval.shape;
  const xStrides = stridesOf(xShape);
  const yStrides = stridesOf(out.aval.shape);
  const counts: number[] = [];
  let srcOffset = 0;
  let dstOffset = 0;
  xShape.forEach((n, d) => {
    const [lo, , interior] = config[d];
    const step = interior + 1;
    const first = lo >= 0 ? 0 : Math.ceil(-lo / step); // first operand index at output position >= 0
    const end = Math.min(n, Math.floor((out.aval.shape[d] - 1 - lo) / step) + 1); // one past the last inside
    counts.push(Math.max(0, end - first));
    srcOffset += first * xStrides[d];
    dstOffset += (lo + first * step) * yStrides[d];
  });
  const dst = { offset: dstOffset, strides: yStrides.map((s, d) => s * (config[d][2] + 1)) };
  copyStrided(w, counts, x, { offset: srcOffset, strides: xStrides }, out.name, dst);
}

/** concatenate: each operand is copied into its window of the output along `dimension`. */
function concatenate(w: SourceWriter, xs: readonly Operand[], dimension: number, out: Output): void {
  w.line(`const ${out.name} = ${allocSource(out.aval)};`);
  const strides = stridesOf(out.aval.shape);
  let at = 0;
  for (const x of xs) {
    const shape = x.aval.shape;
    copyStrided(w, shape, x, contiguous(shape), out.name, { offset: at * strides[dimension], strides });
    at += shape[dimension];
  }
}

export const movementEmitters = {
  broadcast_in_dim: ({ ins: [x], params: { broadcastDimensions }, out, w }) => {
    // One element (a scalar, a literal): a fill reads better than a loop.
    if (x.aval.size === 1) return w.line(`const ${out.name} = ${filledSource(out.aval, x.at("0"), x.literal)};`);
    materialize(w, x, broadcastView(x.aval.shape, out.aval.shape, broadcastDimensions), out);
  },
  reshape: ({ ins: [x], out, w }) => w.line(`const ${out.name} = ${x.copy()};`),
  transpose: ({ ins: [x], params: { permutation }, out, w }) => materialize(w, x, permutedView(x.aval.shape, permutation), out),
  rev: ({ ins: [x], params: { dimensions }, out, w }) => materialize(w, x, revView(x.aval.shape, dimensions), out),
  slice: ({ ins: [x], params: { startIndices, strides }, out, w }) => materialize(w, x, sliceView(x.aval.shape, startIndices, strides), out),
  pad: ({ ins: [x, value], params: { paddingConfig }, out, w }) => pad(w, x, value, paddingConfig, out),
  concatenate: ({ ins, params: { dimension }, out, w }) => concatenate(w, ins, dimension, out),
} satisfies SourceEmitterTable;
