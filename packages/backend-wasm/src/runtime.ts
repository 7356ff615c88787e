import { type ShapedArray, paramsKey } from "@lintra/core-ir";
import { KernelCache } from "./compile.js";
import { BYTES, LinearMemory, type WasmBuffer } from "./memory.js";
import { ThreadPool, threadSupport } from "./thread-pool.js";

/** The backend's state: one linear memory, the compiled kernels, the worker threads. Created on first use. */
export interface Runtime {
  readonly mem: LinearMemory;
  readonly kernels: KernelCache;
  readonly threads: ThreadPool;
}

let rt: Runtime | null = null;

export function runtime(): Runtime {
  if (!rt) {
    const mem = newMemory();
    rt = { mem, kernels: new KernelCache(mem.memory), threads: new ThreadPool(mem) };
  }
  return rt;
}

/** A shared memory where worker threads can run (whether or not they are used yet), else a plain one. */
function newMemory(): LinearMemory {
  if (threadSupport() === null) {
    try {
      return new LinearMemory(undefined, { shared: true });
    } catch {
      // an engine may refuse to reserve a shared memory's maximum; the pool then says why it is off
    }
  }
  return new LinearMemory();
}

/** Allocate the output buffer of a kernel. */
export function allocFor(aval: ShapedArray): WasmBuffer {
  return runtime().mem.alloc(aval.size * BYTES[aval.dtype]);
}

/** A cache key from the primitive, its avals and params (formed on every eager call: no temporaries). */
export function kernelKey(prim: string, avals: readonly ShapedArray[], params: unknown, out: ShapedArray): string {
  let key = `${prim}|`;
  for (let i = 0; i < avals.length; i++) key += i === 0 ? avals[i].toString() : `;${avals[i].toString()}`;
  return `${key}|${hasKeys(params) ? paramsKey(params) : "{}"}|${out.toString()}`;
}

function hasKeys(params: unknown): boolean {
  for (const _ in params as object) return true;
  return false;
}
