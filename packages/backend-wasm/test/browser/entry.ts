// The page side of the browser test: every primitive case of @lintra/conformance on the
// wasm backend in Chromium, compared with backend-cpu in the same page. The test in
// src/browser.test.ts bundles this file, serves it and reads the results.
import { cpuBackend } from "@lintra/backend-cpu";
import { casesFor, runCase } from "@lintra/conformance";
import { firstOrderPrimitives } from "@lintra/core-ir";
import { wasmBackend, wasmMemoryStats, wasmSimdSupported } from "../../src/index.js";

export interface PageResult {
  readonly userAgent: string;
  readonly simdSupported: boolean;
  /** Kernel modules compiled while the cases ran, and how many of them use a SIMD instruction. */
  readonly modules: number;
  readonly simdModules: number;
  readonly compiledKernels: number;
  readonly results: Record<string, string[]>;
}

/**
 * Whether a module's code section holds a SIMD instruction: the 0xfd prefix followed by
 * v128.load (0x00), v128.store (0x0b) or a splat (0x0c–0x14), as the kernels' loops emit.
 */
function usesSimd(bytes: Uint8Array): boolean {
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0xfd && (bytes[i + 1] === 0x00 || bytes[i + 1] === 0x0b || (bytes[i + 1] >= 0x0c && bytes[i + 1] <= 0x14))) return true;
  }
  return false;
}

/** Count the modules the backend compiles, and those with SIMD code. */
function watchModules(): { modules: number; simdModules: number } {
  const seen = { modules: 0, simdModules: 0 };
  const Original = WebAssembly.Module;
  const Watched = function (this: unknown, bytes: BufferSource) {
    seen.modules++;
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes instanceof ArrayBuffer ? bytes : (bytes as ArrayBufferView).buffer);
    if (usesSimd(view)) seen.simdModules++;
    return new Original(bytes);
  } as unknown as typeof WebAssembly.Module;
  Object.assign(Watched, Original);
  Watched.prototype = Original.prototype;
  (WebAssembly as { Module: typeof WebAssembly.Module }).Module = Watched;
  return seen;
}

async function run(): Promise<PageResult> {
  const seen = watchModules();
  const results: Record<string, string[]> = {};
  for (const def of firstOrderPrimitives()) {
    for (const c of wasmBackend.dtypes.flatMap((d) => casesFor(def.name, d))) {
      try {
        results[c.name] = runCase(wasmBackend, c, cpuBackend);
      } catch (e) {
        results[c.name] = [`threw ${(e as Error).name}: ${(e as Error).message}`];
      }
      await new Promise((r) => setTimeout(r, 0)); // let the page breathe between cases
    }
  }
  return {
    userAgent: navigator.userAgent,
    simdSupported: wasmSimdSupported(),
    ...seen,
    compiledKernels: wasmMemoryStats().compiledKernels,
    results,
  };
}

(window as unknown as { conformance: () => Promise<PageResult> }).conformance = run;
