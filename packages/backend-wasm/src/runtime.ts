import { type ShapedArray, paramsKey } from "@lintra/core-ir";
import { KernelCache } from "./compile.js";
import { BYTES, LinearMemory, type WasmBuffer } from "./memory.js";

/** The backend's state: one linear memory and the compiled kernels. Created on first use. */
export interface Runtime {
  readonly mem: LinearMemory;
  readonly kernels: KernelCache;
}

let rt: Runtime | null = null;

export function runtime(): Runtime {
  if (!rt) {
    const mem = new LinearMemory();
    rt = { mem, kernels: new KernelCache(mem.memory) };
  }
  return rt;
}

/** Allocate the output buffer of a kernel. */
export function allocFor(aval: ShapedArray): WasmBuffer {
  return runtime().mem.alloc(aval.size * BYTES[aval.dtype]);
}

/** A cache key from the primitive, its avals and params. */
export function kernelKey(prim: string, avals: readonly ShapedArray[], params: unknown, out: ShapedArray): string {
  return `${prim}|${avals.map(String).join(";")}|${paramsKey(params)}|${out}`;
}
