import { type AnyTypedArray, type Backend, BackendError, DTypeError, type DType, type SingleKernelTable, type ShapedArray, defineBackend, singleOutputKernels } from "@lintra/core-ir";
import { dotGeneralKernels } from "./dot-general.js";
import { elementwiseKernels } from "./elementwise.js";
import { indexingKernels } from "./indexing.js";
import { movementKernels } from "./movement.js";
import { reduceKernels } from "./reduce.js";
import { INT_LIMIT } from "./glsl-ops.js";
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
  /** Kernels compiled so far (one per primitive, dtype class, shape and params). */
  readonly compiledKernels: number;
}

const DTYPES: readonly DType[] = ["float32", "int32", "bool"];

/** int32 data enters only if every value is exact in float32 arithmetic; anything else is refused by name. */
function toStored(data: AnyTypedArray, aval: ShapedArray): Float32Array {
  if (!DTYPES.includes(aval.dtype)) {
    throw new DTypeError(`backend 'gpujs' stores float32, int32 and bool only; got an array of dtype ${aval.dtype} (${aval})`);
  }
  if (aval.dtype === "int32") {
    const bad = data.findIndex((v) => !(Math.abs(v) < INT_LIMIT));
    if (bad >= 0) {
      throw new DTypeError(
        `backend 'gpujs' computes int32 in float32, exactly only for |x| < 2^24 = ${INT_LIMIT}; element ${bad} of ${aval} is ${data[bad]}`,
      );
    }
  }
  return Float32Array.from(data);
}

/** The stored float32 values as the dtype's typed array; int32/bool poison (NaN) is an error, not a number. */
function fromStored(values: Float32Array, aval: ShapedArray): AnyTypedArray {
  if (aval.dtype === "float32") return values;
  const bad = values.findIndex((v) => v !== v);
  if (bad >= 0) {
    throw new DTypeError(
      `backend 'gpujs': element ${bad} of the ${aval} result left the exact int32 range |x| < 2^24 = ${INT_LIMIT} ` +
        "(gpu.js computes in float32); the backend refuses to return a rounded value",
    );
  }
  return aval.dtype === "int32" ? Int32Array.from(values) : Uint8Array.from(values);
}

/**
 * A gpu.js backend. Nothing happens until the first array is made: then the GL context
 * starts (or a BackendError says why it cannot). Kernels are compiled per shape and cached;
 * results stay on the GPU as textures and are read back only when read.
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
  const backend = defineBackend<GpujsBuffer>({
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
  });
  return Object.defineProperties(backend, {
    mode: { get: () => rt().mode, enumerable: true },
    compiledKernels: { get: () => runtime?.compiledKernels ?? 0, enumerable: true },
  }) as GpujsBackend;
}

/** The default gpu.js backend: headless GL in Node, WebGL2 in browsers. Importing it starts nothing. */
export const gpujsBackend: GpujsBackend = createGpujsBackend();
