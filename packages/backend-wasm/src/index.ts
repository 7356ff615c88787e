import { type AnyTypedArray, type Backend, DTYPES, type Program, type ShapedArray, defineBackend, singleOutputKernels } from "@lintra/core-ir";
import { compileProgram } from "./executable.js";
import { wasmKernels } from "./kernel-table.js";
import type { WasmBuffer } from "./memory.js";
import { allocFor, runtime } from "./runtime.js";

export type { WasmBuffer } from "./memory.js";
export { sizeClass } from "./memory.js";
export { ModuleBuilder, Code } from "./wasm/encoder.js";
export { wasmKernel } from "./kernel.js";
export { setWasmThreads, wasmThreads } from "./thread-pool.js";
/**
 * Testing hook of the worker threads: `dispatches` counts the split calls handed to
 * workers (so a test can tell that work was really shared), `failure` says why a pool
 * turned itself off. Used by the browser test of the threads; not a stable API.
 */
export { threadPoolTesting } from "./thread-pool.js";
/** How many products ran with a fused epilogue (for tests that check one was planned). */
export { gemmEpilogueTesting } from "./dot-general.js";

/** Whether this JS engine runs WebAssembly with fixed-width SIMD. */
export function wasmSimdSupported(): boolean {
  try {
    // (module (func (result v128) i32.const 0 i32x4.splat))
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 17, 11]);
    return typeof WebAssembly === "object" && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/**
 * The WebAssembly backend: every buffer lives in one linear memory; every kernel is a
 * module whose bytes are emitted at run time, specialised by shape, dtype and params,
 * and cached. Importing this module allocates nothing.
 */
export const wasmBackend: Backend<WasmBuffer> = defineBackend<WasmBuffer>({
  name: "wasm",
  dtypes: DTYPES,
  fromTyped(data: AnyTypedArray, aval: ShapedArray): WasmBuffer {
    const buf = allocFor(aval);
    runtime().mem.write(buf, aval.dtype, data);
    return buf;
  },
  read(buf: WasmBuffer, aval: ShapedArray): AnyTypedArray {
    return runtime().mem.view(buf, aval.dtype, aval.size);
  },
  release(buf: WasmBuffer): void {
    runtime().mem.release(buf);
  },
  externalBytes: (buf: WasmBuffer) => buf.bytes,
  kernels: singleOutputKernels(wasmKernels),
  /** `jit`'s programs: fused elementwise loops, an arena for intermediates (see executable.ts). */
  compile: (program: Program) => compileProgram(program, wasmBackend),
});

/**
 * Start the worker threads (as many as setWasmThreads asks for) and resolve, with the
 * threads large kernels are split over, once they all run. A browser starts a worker
 * only while the thread that created it is back in its event loop: in a Web Worker,
 * await this after setWasmThreads, before a long synchronous stretch of work; until the
 * workers run, their shares run on the threads already running. Node's start on their own.
 */
export function wasmThreadsReady(): Promise<number> {
  return runtime().threads.whenStarted();
}

/** Bytes of linear memory in use by live arrays, and the memory's total size. */
export function wasmMemoryStats(): { liveBytes: number; memoryBytes: number; compiledKernels: number } {
  const { mem, kernels: cache } = runtime();
  return { liveBytes: mem.liveBytes, memoryBytes: mem.byteLength, compiledKernels: cache.size };
}
