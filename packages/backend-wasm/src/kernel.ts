import type { FirstOrderPrim, Params, ShapedArray, SingleKernel } from "@lintra/core-ir";
import type { WasmBuffer } from "./memory.js";
import { allocFor, kernelKey, runtime } from "./runtime.js";
import { I32, type ModuleBuilder } from "./wasm/encoder.js";
import type { ValType } from "./wasm/opcodes.js";

/** Builds the `run` function of a kernel module specialised to these avals and params. */
export type KernelBuilder<P extends FirstOrderPrim> = (m: ModuleBuilder, avals: ShapedArray[], params: Params<P>, out: ShapedArray) => void;

/**
 * A kernel from a module builder. The module exports `run(outPtr, in0Ptr, in1Ptr, …)`
 * (all i32 byte offsets into the shared memory) and is compiled once per
 * (primitive, input avals, params, output aval).
 */
export function wasmKernel<P extends FirstOrderPrim>(prim: P, build: KernelBuilder<P>): SingleKernel<P, WasmBuffer> {
  return (inputs, avals, params, out) => {
    const fn = runtime().kernels.get(kernelKey(prim, avals, params, out), (m) => build(m, avals, params, out));
    const buf = allocFor(out);
    if (out.size > 0) fn(buf.ptr, ...inputs.map((b) => b.ptr));
    return buf;
  };
}

/** The `run` signature for a kernel with `nInputs` inputs: (out, in0, …) -> (). */
export const runParams = (nInputs: number): ValType[] => Array.from({ length: nInputs + 1 }, (): ValType => I32);
