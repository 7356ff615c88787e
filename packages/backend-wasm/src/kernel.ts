import { type FirstOrderPrim, type Params, ShapedArray } from "@lintra/core-ir";
import { BYTES, type WasmBuffer } from "./memory.js";
import { allocFor, kernelKey, runtime } from "./runtime.js";
import { splitRange } from "./thread-pool.js";
import { I32, type ModuleBuilder } from "./wasm/encoder.js";
import type { ValType } from "./wasm/opcodes.js";

/** Builds the `run` function of a kernel module specialised to these avals and params. */
export type KernelBuilder<P extends FirstOrderPrim> = (m: ModuleBuilder, avals: ShapedArray[], params: Params<P>, out: ShapedArray) => void;

/**
 * A kernel that writes into `into` when given one (a compiled program's arena, or a result
 * buffer); one that ignores it returns a buffer of its own, which the caller then uses.
 */
export type IntoKernel<P extends FirstOrderPrim = FirstOrderPrim> = (
  inputs: WasmBuffer[],
  avals: ShapedArray[],
  params: Params<P>,
  out: ShapedArray,
  into?: WasmBuffer,
) => WasmBuffer;

/**
 * A kernel from a module builder. The module exports `run(outPtr, in0Ptr, in1Ptr, …)`
 * (all i32 byte offsets into the shared memory) and is compiled once per
 * (primitive, input avals, params, output aval).
 */
export function wasmKernel<P extends FirstOrderPrim>(prim: P, build: KernelBuilder<P>): IntoKernel<P> {
  return (inputs, avals, params, out, into) => {
    const fn = runtime().kernels.get(kernelKey(prim, avals, params, out), (m) => build(m, avals, params, out));
    const buf = into ?? allocFor(out);
    if (out.size > 0) {
      // (by arity: a spread of a mapped array allocates twice per call)
      if (inputs.length === 1) fn(buf.ptr, inputs[0].ptr);
      else if (inputs.length === 2) fn(buf.ptr, inputs[0].ptr, inputs[1].ptr);
      else fn(buf.ptr, ...inputs.map((b) => b.ptr));
    }
    return buf;
  };
}

/** The `run` signature for a kernel with `nInputs` inputs: (out, in0, …) -> (). */
export const runParams = (nInputs: number): ValType[] => Array.from({ length: nInputs + 1 }, (): ValType => I32);

/** Elements each thread must get before a flat kernel splits: ~1 MB in and out, ~80 µs of streaming. */
export const FLAT_MIN_PER_THREAD = 2 ** 18;
/**
 * Parts start at multiples of this many elements: every part but the last runs whole
 * SIMD iterations, and the last keeps the unsplit kernel's scalar tail, so each element
 * takes the same code path (and gives the same bits) for any thread count.
 */
export const FLAT_ALIGN = 256;

/**
 * A kernel whose module depends only on the dtypes and the element count, with out[i]
 * computed from element i of each input (all of out.size elements), as elementwise ops
 * are. Large ones run in parts on worker threads, each part the same builder's module
 * for fewer elements, at offset pointers.
 */
export function flatWasmKernel<P extends FirstOrderPrim>(prim: P, build: KernelBuilder<P>): IntoKernel<P> {
  const whole = wasmKernel(prim, build);
  return (inputs, avals, params, out, into) => {
    const { threads, kernels } = runtime();
    const flat = out.size >= 2 * FLAT_MIN_PER_THREAD && avals.every((a) => a.size === out.size);
    const ranges = flat ? splitRange(threads, out.size, FLAT_MIN_PER_THREAD, FLAT_ALIGN) : [];
    if (ranges.length < 2) return whole(inputs, avals, params, out, into);
    const buf = into ?? allocFor(out);
    const tasks = ranges.map(([start, end]) => {
      const partAvals = avals.map((a) => new ShapedArray([end - start], a.dtype));
      const partOut = new ShapedArray([end - start], out.dtype);
      const fn = kernels.get(kernelKey(prim, partAvals, params, partOut), (m) => build(m, partAvals, params, partOut));
      return { fn, args: [buf.ptr + start * BYTES[out.dtype], ...inputs.map((b, k) => b.ptr + start * BYTES[avals[k].dtype])] };
    });
    threads.run(tasks);
    return buf;
  };
}
