import { type Backend, BackendError, type SingleKernelTable, defineBackend, singleOutputKernels } from "@lintra/core-ir";
import { compileProgram } from "./compile.js";
import { dotGeneralKernels } from "./dot-general.js";
import { elementwiseKernels } from "./elementwise.js";
import { indexingKernels } from "./indexing.js";
import { movementKernels } from "./movement.js";
import { reduceKernels } from "./reduce.js";
import { INT_LIMIT } from "./glsl-ops.js";
import { DTYPES, fromStored, toStored } from "./stored.js";
import { type GpujsBuffer, type GpujsMode, Runtime, empty } from "./runtime.js";

export type { GpujsBuffer, GpujsMode } from "./runtime.js";
export { INT_LIMIT } from "./glsl-ops.js";

/**
 * How this backend's numbers depart from IEEE, as `@lintra/conformance` reads them
 * (`describeBackend(gpujsBackend, { numerics: GPU_NUMERICS })`): GL flushes float32
 * subnormals to zero, and int32 is computed in float32, so exactly only below 2^24 (beyond,
 * a DTypeError naming the backend).
 */
export const GPU_NUMERICS = { flushesSubnormals: true, int32Bound: INT_LIMIT } as const;

export interface GpujsOptions {
  /**
   * The GL context gpu.js runs in. Default: `headlessgl` in Node, `webgl2` (else `webgl`)
   * in a browser. When it is not available, the first operation throws a BackendError.
   */
  readonly mode?: GpujsMode;
}

/** A gpu.js backend, with the mode it actually runs in. */
export interface GpujsBackend extends Backend<GpujsBuffer> {
  /** The GL mode kernels run in (starts the GL context; throws BackendError when it is unavailable). */
  readonly mode: GpujsMode;
  /** Kernels compiled and held (one per primitive, dtype class, shape and params, and one per fused kernel source). */
  readonly compiledKernels: number;
}

/**
 * A gpu.js backend. Nothing happens until the first array is made: then the GL context
 * starts (or a BackendError says why it cannot). Kernels are compiled per shape and cached;
 * results stay on the GPU as textures and are read back only when read. A jitted program
 * runs each chain of elementwise operations (with its broadcasts) as one kernel.
 */
export function createGpujsBackend(options: GpujsOptions = {}): GpujsBackend {
  let runtime: Runtime | null = null;
  const rt = (): Runtime => (runtime ??= new Runtime(options.mode));
  const kernels: SingleKernelTable<GpujsBuffer> = {
    ...elementwiseKernels(rt),
    ...movementKernels(rt),
    ...reduceKernels(rt),
    ...dotGeneralKernels(rt),
    ...indexingKernels(rt),
  };
  const backend: Backend<GpujsBuffer> = defineBackend<GpujsBuffer>({
    name: "gpujs",
    dtypes: DTYPES,
    fromTyped: (data, aval) => {
      const stored = toStored(data, aval);
      return stored.length === 0 ? empty() : rt().upload(stored);
    },
    read: (buf, aval) => {
      if (buf.size === 0) return fromStored(new Float32Array(0), aval);
      if (!runtime) throw new BackendError("backend 'gpujs': read of a buffer from no GL context");
      return fromStored(runtime.download(buf), aval);
    },
    release: (buf) => runtime?.release(buf),
    kernels: singleOutputKernels(kernels),
    // What jit hands over: fused elementwise chains as one kernel each, the rest kernel by kernel.
    compile: (program) => compileProgram(program, backend, rt),
  });
  return Object.defineProperties(backend, {
    mode: { get: () => rt().mode, enumerable: true },
    compiledKernels: { get: () => runtime?.compiledKernels ?? 0, enumerable: true },
  }) as GpujsBackend;
}

/** The default gpu.js backend: headless GL in Node, WebGL2 in browsers. Importing it starts nothing. */
export const gpujsBackend: GpujsBackend = createGpujsBackend();
