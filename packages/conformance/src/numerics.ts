import { type AnyTypedArray, type Backend, DTypeError, type DType } from "@lintra/core-ir";
import { TINY_NORMAL } from "./host-data.js";

/**
 * How a backend's arithmetic departs from IEEE in ways its hardware imposes (GPUs), declared
 * to the suite as two rules that apply to every case alike; no case is singled out.
 * Without `numerics` (the default) every element is compared with the reference as usual.
 */
export interface Numerics {
  /**
   * The backend treats subnormal float inputs as zeros of their sign and flushes subnormal
   * results. An element then also agrees when, read with subnormals as signed zeros, it
   * matches the reference run on operands whose subnormals are flushed the same way.
   * A normal result the reference computes from normal inputs must still match.
   */
  readonly flushesSubnormals?: boolean;
  /**
   * int32 values are exact only below this magnitude (2^24 for float32 arithmetic). An
   * int32 case in which an int32 operand, or the exact result, reaches it may throw a
   * DTypeError whose message names the backend (`backend 'name'`) instead of agreeing; any
   * other case must agree, and a rounded value instead of the error is a mismatch.
   */
  readonly int32Bound?: number;
}

/** `v` with subnormals of `dtype` read as zeros of their sign. */
export function flushSubnormal(v: number, dtype: DType): number {
  if (dtype !== "float32" && dtype !== "float64") return v;
  return v !== 0 && Math.abs(v) < TINY_NORMAL[dtype] ? (v < 0 ? -0 : 0) : v;
}

/** A copy of `x` (of `dtype`) with its subnormals flushed; other dtypes unchanged. */
export function flushAll(x: AnyTypedArray, dtype: DType): AnyTypedArray {
  return dtype === "float32" || dtype === "float64" ? x.map((v) => flushSubnormal(v, dtype)) : x;
}

/** Whether `e` is the DTypeError a backend owes for int32 data beyond its bound: typed, and naming it. */
export function isNamedDTypeError(e: unknown, backend: Backend<any>): boolean {
  return e instanceof DTypeError && e.message.includes(`backend '${backend.name}'`);
}

/** Whether some value's magnitude reaches `bound` (NaN never does). */
export const reaches = (x: ArrayLike<number>, bound: number): boolean => Array.prototype.some.call(x, (v: number) => Math.abs(v) >= bound);
