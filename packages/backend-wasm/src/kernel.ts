import type { FirstOrderPrim, Params, ShapedArray } from "@lintra/core-ir";
import type { WasmBuffer } from "./memory.js";
import { allocFor, kernelKey, runtime } from "./runtime.js";
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
    if (out.size > 0) fn(buf.ptr, ...inputs.map((b) => b.ptr));
    return buf;
  };
}

/** The `run` signature for a kernel with `nInputs` inputs: (out, in0, …) -> (). */
export const runParams = (nInputs: number): ValType[] => Array.from({ length: nInputs + 1 }, (): ValType => I32);
