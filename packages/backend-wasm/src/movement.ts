import { type FirstOrderPrim, type SingleKernelTable, type Params, type ShapedArray, stridesOf } from "@lintra/core-ir";
import { wasmKernel } from "./kernel.js";
import type { WasmBuffer } from "./memory.js";
import { type StridedSide, emitStridedCopy, pointerParams } from "./strided-copy.js";
import type { ModuleBuilder } from "./wasm/encoder.js";

// Every movement primitive is one or a few strided copies. Kernel params: run(out, in0, in1, …),
// so param 0 is the output pointer and param 1 + i the i-th operand's.

const OUT = 0;
const IN = 1;

/** Where the output's element [i…] comes from in the operand: offset + Σ i_d · strides[d]. */
interface SourceView {
  offset: number;
  strides: number[];
}

/** out (row-major) = the view `source` of operand 0. */
function viewKernel<P extends FirstOrderPrim>(prim: P, source: (x: ShapedArray, params: Params<P>, out: ShapedArray) => SourceView) {
  return wasmKernel(prim, (m, avals, params, out) => {
    const { code } = m.func(pointerParams(avals.length), [], "run");
    const src = source(avals[0], params, out);
    emitStridedCopy(code, out.shape, out.dtype, { ptr: IN, ...src }, contiguousAt(OUT, out.shape));
  });
}

const contiguousAt = (ptr: number, shape: readonly number[], offset = 0): StridedSide => ({ ptr, offset, strides: stridesOf(shape) });

/** Operand dim i lands on output dim dims[i]; new dims and size-1 operand dims repeat (stride 0). */
function broadcastView(x: ShapedArray, dims: readonly number[], out: ShapedArray): SourceView {
  const xStrides = stridesOf(x.shape);
  const strides = out.shape.map(() => 0);
  dims.forEach((d, i) => {
    if (x.shape[i] !== 1) strides[d] = xStrides[i];
  });
  return { offset: 0, strides };
}

/** Output dim i walks operand dim perm[i]. */
function transposeView(x: ShapedArray, perm: readonly number[]): SourceView {
  const strides = stridesOf(x.shape);
  return { offset: 0, strides: perm.map((p) => strides[p]) };
}

/** A reversed dim starts at its last element and steps backwards. */
function revView(x: ShapedArray, dimensions: readonly number[]): SourceView {
  const strides = stridesOf(x.shape);
  let offset = 0;
  for (const d of dimensions) {
    offset += (x.shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  return { offset, strides };
}

function sliceView(x: ShapedArray, start: readonly number[], steps: readonly number[] | null): SourceView {
  const strides = stridesOf(x.shape);
  return {
    offset: start.reduce((acc, s, d) => acc + s * strides[d], 0),
    strides: strides.map((s, d) => s * (steps ? steps[d] : 1)),
  };
}

/**
 * pad: fill the output with the scalar operand, then copy the part of the operand that
 * survives cropping. Operand index i on a dim with [lo, hi, interior] lands at
 * lo + i·(interior + 1); negative lo/hi drop the operand elements that land outside.
 */
function buildPad(m: ModuleBuilder, [x]: ShapedArray[], { paddingConfig }: Params<"pad">, out: ShapedArray): void {
  const { code } = m.func(pointerParams(2), [], "run");
  emitStridedCopy(code, [out.size], out.dtype, { ptr: IN + 1, offset: 0, strides: [0] }, contiguousAt(OUT, [out.size]));
  const xStrides = stridesOf(x.shape);
  const outStrides = stridesOf(out.shape);
  const counts: number[] = [];
  const src = { ptr: IN, offset: 0, strides: xStrides };
  const dst = { ptr: OUT, offset: 0, strides: outStrides.map((s, d) => s * (paddingConfig[d][2] + 1)) };
  x.shape.forEach((n, d) => {
    const [lo, , interior] = paddingConfig[d];
    const step = interior + 1;
    const first = lo >= 0 ? 0 : Math.ceil(-lo / step); // first operand index at output position >= 0
    const end = Math.min(n, Math.floor((out.shape[d] - 1 - lo) / step) + 1); // one past the last inside
    counts.push(Math.max(0, end - first));
    src.offset += first * xStrides[d];
    dst.offset += (lo + first * step) * outStrides[d];
  });
  emitStridedCopy(code, counts, out.dtype, src, dst);
}

/** concatenate: operand i is copied into its window of the output along `dimension`. */
function buildConcatenate(m: ModuleBuilder, avals: ShapedArray[], { dimension }: Params<"concatenate">, out: ShapedArray): void {
  const { code } = m.func(pointerParams(avals.length), [], "run");
  const outStrides = stridesOf(out.shape);
  let at = 0;
  avals.forEach((x, i) => {
    emitStridedCopy(code, x.shape, out.dtype, contiguousAt(IN + i, x.shape), { ptr: OUT, offset: at * outStrides[dimension], strides: outStrides });
    at += x.shape[dimension];
  });
}

export const movementKernels: SingleKernelTable<WasmBuffer> = {
  broadcast_in_dim: viewKernel("broadcast_in_dim", (x, { broadcastDimensions }, out) => broadcastView(x, broadcastDimensions, out)),
  // Same elements in the same order: a flat copy.
  reshape: viewKernel("reshape", (_x, _params, out) => ({ offset: 0, strides: stridesOf(out.shape) })),
  transpose: viewKernel("transpose", (x, { permutation }) => transposeView(x, permutation)),
  rev: viewKernel("rev", (x, { dimensions }) => revView(x, dimensions)),
  slice: viewKernel("slice", (x, { startIndices, strides }) => sliceView(x, startIndices, strides)),
  pad: wasmKernel("pad", buildPad),
  concatenate: wasmKernel("concatenate", buildConcatenate),
};
