import { type SingleKernelTable, type Params, type ShapedArray, stridesOf } from "@lintra/core-ir";
import { wasmKernel } from "./kernel.js";
import { BYTES, type WasmBuffer } from "./memory.js";
import { emitStridedCopy, pointerParams } from "./strided-copy.js";
import { type Code, I32, type ModuleBuilder } from "./wasm/encoder.js";
import { Op } from "./wasm/opcodes.js";

// Index values live in memory, so these kernels read them inside the generated code and
// clamp there; the strided copies around them are the same generator as movement's.
// Kernel params: run(out, in0, in1, …).

const OUT = 0;
const IN = 1;

/** local(v) = clamp(int32 at local(ptr), 0, hi), with two selects. */
function loadClamped(c: Code, ptr: number, v: number, hi: number): void {
  c.get(ptr).mem(Op.i32_load, 2).tee(v);
  c.i32(0).get(v).i32(0).op(Op.i32_gt_s).op(Op.select).tee(v); // max(v, 0)
  c.i32(hi).get(v).i32(hi).op(Op.i32_lt_s).op(Op.select).set(v); // min(v, hi)
}

/** local(to) = local(from) + Σ_j clamp(index j, 0, hi_j) · byteStride_j, the index j read at local(ptrs[j]). */
function emitClampedAddress(c: Code, from: number, to: number, ptrs: readonly number[], his: readonly number[], byteStrides: readonly number[]): void {
  const v = c.local(I32);
  c.get(from).set(to);
  ptrs.forEach((ptr, j) => {
    loadClamped(c, ptr, v, his[j]);
    c.get(to).get(v).i32(byteStrides[j]).op(Op.i32_mul).op(Op.i32_add).set(to);
  });
}

/** `count` iterations of `body` (count >= 1). */
function emitRepeat(c: Code, count: number, body: () => void): void {
  const k = c.local(I32);
  c.i32(count).set(k);
  c.loop(() => {
    body();
    c.get(k).i32(1).op(Op.i32_sub).tee(k).op(Op.br_if).idx(0);
  });
}

function advance(c: Code, local: number, bytes: number): void {
  c.get(local).i32(bytes).op(Op.i32_add).set(local);
}

/**
 * The addressing gather and scatter_add share: position b of the index arrays picks the
 * slice of x at Σ_j clamp(i_j[b]) · stride(axes[j]); the slice spans the other dims.
 */
function gatherLayout(x: ShapedArray, index: ShapedArray, axes: readonly number[]) {
  const w = BYTES[x.dtype];
  const strides = stridesOf(x.shape);
  const restDims = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const restShape = restDims.map((d) => x.shape[d]);
  return {
    count: index.size,
    restShape,
    restStrides: restDims.map((d) => strides[d]),
    restBytes: restShape.reduce((a, b) => a * b, 1) * w,
    his: axes.map((a) => x.shape[a] - 1),
    byteStrides: axes.map((a) => strides[a] * w),
  };
}

/** out[b…, r…] = x[clamped indices at `axes`, r… at the other dims], one slice copy per index position. */
function buildGather(m: ModuleBuilder, [x, index]: ShapedArray[], { axes }: Params<"gather">, out: ShapedArray): void {
  const { code: c } = m.func(pointerParams(1 + axes.length), [], "run");
  if (out.size === 0) return;
  const g = gatherLayout(x, index, axes);
  const ptrs = axes.map((_, j) => IN + 1 + j); // params are locals: advanced in place
  const base = c.local(I32);
  emitRepeat(c, g.count, () => {
    emitClampedAddress(c, IN, base, ptrs, g.his, g.byteStrides);
    for (const p of ptrs) advance(c, p, 4);
    emitStridedCopy(c, g.restShape, out.dtype, { ptr: base, offset: 0, strides: g.restStrides }, { ptr: OUT, offset: 0, strides: stridesOf(g.restShape) });
    advance(c, OUT, g.restBytes);
  });
}

/**
 * out = x, then updates[b…, r…] added where gather would read, in the reference order
 * (index positions in row-major order, one after another) so duplicate sums round alike.
 */
function buildScatterAdd(m: ModuleBuilder, [x, updates, index]: ShapedArray[], { axes }: Params<"scatter_add">, out: ShapedArray): void {
  const { code: c } = m.func(pointerParams(2 + axes.length), [], "run");
  emitStridedCopy(c, [x.size], x.dtype, { ptr: IN, offset: 0, strides: [1] }, { ptr: OUT, offset: 0, strides: [1] });
  if (updates.size === 0) return;
  const g = gatherLayout(x, index, axes);
  const upd = IN + 1;
  const ptrs = axes.map((_, j) => IN + 2 + j);
  const base = c.local(I32);
  emitRepeat(c, g.count, () => {
    emitClampedAddress(c, OUT, base, ptrs, g.his, g.byteStrides);
    for (const p of ptrs) advance(c, p, 4);
    emitStridedCopy(c, g.restShape, out.dtype, { ptr: upd, offset: 0, strides: stridesOf(g.restShape) }, { ptr: base, offset: 0, strides: g.restStrides }, "add");
    advance(c, upd, g.restBytes);
  });
}

/** local(to) = local(from) + the byte offset of the window of `sizes` at the clamped scalar starts. */
function emitWindowAddress(c: Code, x: ShapedArray, sizes: readonly number[], firstStart: number, from: number, to: number): void {
  const w = BYTES[x.dtype];
  const strides = stridesOf(x.shape);
  const ptrs = x.shape.map((_, d) => firstStart + d);
  emitClampedAddress(
    c,
    from,
    to,
    ptrs,
    x.shape.map((n, d) => n - sizes[d]),
    strides.map((s) => s * w),
  );
}

function buildDynamicSlice(m: ModuleBuilder, [x]: ShapedArray[], _params: Params<"dynamic_slice">, out: ShapedArray): void {
  const { code: c } = m.func(pointerParams(1 + x.ndim), [], "run");
  const base = c.local(I32);
  emitWindowAddress(c, x, out.shape, IN + 1, IN, base);
  emitStridedCopy(c, out.shape, out.dtype, { ptr: base, offset: 0, strides: stridesOf(x.shape) }, { ptr: OUT, offset: 0, strides: stridesOf(out.shape) });
}

function buildDynamicUpdateSlice(m: ModuleBuilder, [x, update]: ShapedArray[], _params: Params<"dynamic_update_slice">, out: ShapedArray): void {
  const { code: c } = m.func(pointerParams(2 + x.ndim), [], "run");
  emitStridedCopy(c, [x.size], x.dtype, { ptr: IN, offset: 0, strides: [1] }, { ptr: OUT, offset: 0, strides: [1] });
  if (update.size === 0) return;
  const base = c.local(I32);
  emitWindowAddress(c, x, update.shape, IN + 2, OUT, base);
  emitStridedCopy(c, update.shape, out.dtype, { ptr: IN + 1, offset: 0, strides: stridesOf(update.shape) }, { ptr: base, offset: 0, strides: stridesOf(x.shape) });
}

export const indexingKernels: SingleKernelTable<WasmBuffer> = {
  gather: wasmKernel("gather", buildGather),
  scatter_add: wasmKernel("scatter_add", buildScatterAdd),
  dynamic_slice: wasmKernel("dynamic_slice", buildDynamicSlice),
  dynamic_update_slice: wasmKernel("dynamic_update_slice", buildDynamicUpdateSlice),
};
