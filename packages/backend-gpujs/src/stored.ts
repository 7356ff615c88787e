import { type AnyTypedArray, DTypeError, type DType, type ShapedArray } from "@lintra/core-ir";
import { INT_LIMIT } from "./glsl-ops.js";

/*
 * Every dtype is stored as float32 (see glsl-ops.ts): what enters and leaves a texture.
 */

export const DTYPES: readonly DType[] = ["float32", "int32", "bool"];

/** int32 data enters only if every value is exact in float32 arithmetic; anything else is refused by name. */
export function toStored(data: AnyTypedArray, aval: ShapedArray): Float32Array {
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
export function fromStored(values: Float32Array, aval: ShapedArray): AnyTypedArray {
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
