import { LruCache } from "@lintra/core-ir";
import { erf } from "./erf.js";
import { ModuleBuilder } from "./wasm/encoder.js";

/** pow as IEEE 754 and C define it: pow(1, y) = 1 and pow(-1, ±Inf) = 1 where Math.pow says NaN. */
const powIeee = (x: number, y: number): number => (x === 1 || (x === -1 && Math.abs(y) === Infinity) ? 1 : Math.pow(x, y));

/** Host functions a kernel may import (transcendentals with no wasm instruction). */
export const hostMath: Record<string, (...x: number[]) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
  sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh, exp: Math.exp, expm1: Math.expm1,
  log: Math.log, log1p: Math.log1p, pow: Math.pow, atan2: Math.atan2,
  erf, pow_ieee: powIeee, fmod: (x, y) => x % y,
};

export type KernelFn = (...args: number[]) => number | void;

/** The compiled module behind each cached kernel: worker threads instantiate it again. */
const modules = new WeakMap<KernelFn, WebAssembly.Module>();

/** The module a kernel from a KernelCache was instantiated from. */
export const moduleOf = (fn: KernelFn): WebAssembly.Module | undefined => modules.get(fn);

/**
 * Compile a module built by `build` into its exported `run` function, instantiated
 * against the shared memory. Cached by `key`: one compilation per shape/dtype/params.
 */
/** Compiled kernels a backend keeps; the least recently used one is dropped beyond this. */
export const KERNEL_CACHE_SIZE = 2048;

export class KernelCache {
  private readonly cache: LruCache<string, KernelFn>;
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly host: Record<string, (...x: number[]) => number> = {},
    capacity = KERNEL_CACHE_SIZE,
  ) {
    this.cache = new LruCache(capacity);
    this.shared = typeof SharedArrayBuffer === "function" && memory.buffer instanceof SharedArrayBuffer;
  }

  /** Whether the memory is shared: a module's memory import must say so to link. */
  private readonly shared: boolean;

  get(key: string, build: (m: ModuleBuilder) => void): KernelFn {
    let fn = this.cache.get(key);
    if (!fn) {
      const m = new ModuleBuilder();
      build(m);
      const module = new WebAssembly.Module(m.encode({ sharedMemory: this.shared }) as BufferSource);
      const instance = new WebAssembly.Instance(module, { env: { memory: this.memory }, host: { ...hostMath, ...this.host } });
      fn = instance.exports.run as KernelFn;
      modules.set(fn, module);
      this.cache.set(key, fn);
    }
    return fn;
  }

  get size(): number {
    return this.cache.size;
  }
}
