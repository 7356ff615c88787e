import { BackendError, DTypeError } from "./errors.js";

/** Element types. `float32` is the default; `bool` is stored one byte per element. */
export type DType = "float32" | "float64" | "int32" | "bool";

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

export type TypedArrayFor<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "float64"
    ? Float64Array
    : D extends "int32"
      ? Int32Array
      : Uint8Array;

export type AnyTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const isFloat = (d: DType): boolean => d === "float32" || d === "float64";
export const isInt = (d: DType): boolean => d === "int32";
export const isBool = (d: DType): boolean => d === "bool";

export function isDType(d: unknown): d is DType {
  return typeof d === "string" && (DTYPES as readonly string[]).includes(d);
}

/** Short name used by the pretty-printer: f32, f64, i32, bool. */
export function shortDType(d: DType): string {
  return { float32: "f32", float64: "f64", int32: "i32", bool: "bool" }[d];
}

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/**
 * The largest array a backend holding typed arrays allocates: 4 GiB, WebAssembly's ceiling
 * too. Beyond it the engine would try (and page in) the memory before failing, or kill the process.
 */
export const MAX_ARRAY_BYTES = 2 ** 32;

/** A fresh zeroed typed array; a size beyond `MAX_ARRAY_BYTES` or one the engine refuses is a BackendError. */
export function allocTyped(dtype: DType, size: number): AnyTypedArray {
  const bytes = size * DTYPE_BYTES[dtype];
  if (bytes > MAX_ARRAY_BYTES) {
    throw new BackendError(`cannot allocate an array of ${size} ${dtype} elements (${formatBytes(bytes)}): larger than the ${formatBytes(MAX_ARRAY_BYTES)} an array may hold`);
  }
  try {
    return newTyped(dtype, size);
  } catch (e) {
    if (e instanceof RangeError) throw new BackendError(`cannot allocate an array of ${size} ${dtype} elements (${formatBytes(bytes)}): ${e.message}`);
    throw e;
  }
}

/** `1.5 GiB`, `300 MiB`, `12 bytes`. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : Number(v.toPrecision(3))} ${units[u]}`;
}

function newTyped(dtype: DType, size: number): AnyTypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
    case "bool":
      return new Uint8Array(size);
  }
}

/** Copy numbers into a typed array of `dtype` (bool: nonzero, NaN included, -> 1; int32: truncation). */
export function toTyped(dtype: DType, values: ArrayLike<number>): AnyTypedArray {
  const out = allocTyped(dtype, values.length);
  if (dtype === "bool") for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  else out.set(values);
  return out;
}

export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

/**
 * Whether the JS number `value` converts to `dtype` as it is meant: int32 truncates toward
 * zero and holds [-2^31, 2^31 - 1], and NaN and ±Infinity have no int32 value (JAX refuses
 * these rather than wrap). Every number converts to the float dtypes and to bool.
 */
export function fitsDType(value: number, dtype: DType): boolean {
  if (dtype !== "int32") return true;
  const t = Math.trunc(value);
  return t >= INT32_MIN && t <= INT32_MAX;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/**
 * Type promotion in the spirit of JAX for the types we have: bool < int32 < float32 < float64.
 * (JS numbers are weakly typed; that is handled where numbers meet arrays, in `lintra`.)
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The dtype a weakly typed JS number takes when it meets an array of dtype `d`. */
export function weakDType(value: number, d: DType): DType {
  if (isFloat(d)) return d;
  if (Number.isInteger(value)) return d === "bool" ? "int32" : d;
  return "float32";
}

export function assertDType(d: unknown, where: string): DType {
  if (!isDType(d)) throw new DTypeError(`${where}: unknown dtype ${String(d)}; expected one of ${DTYPES.join(", ")}`);
  return d;
}
