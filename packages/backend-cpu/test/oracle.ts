import { type AnyTypedArray, ConcreteArray, type DType, type Params, type FirstOrderPrim, type Shape, bind1 } from "@lintra/core-ir";
import { expect } from "vitest";

/** An array on the current backend (float64 unless told). */
export const arr = (data: ArrayLike<number>, shape: Shape = [data.length], dtype: DType = "float64"): ConcreteArray =>
  ConcreteArray.fromTyped(data, shape, dtype);

/** Apply a primitive exactly as users do, through `bind`, on concrete arrays. */
export const run = <P extends FirstOrderPrim>(prim: P, inputs: readonly ConcreteArray[], params: Params<P>): ConcreteArray =>
  bind1(prim, inputs, params) as ConcreteArray;

/** run(...) read back, with its shape. */
export function eval_<P extends FirstOrderPrim>(prim: P, inputs: readonly ConcreteArray[], params: Params<P>): { data: AnyTypedArray; shape: Shape } {
  const y = run(prim, inputs, params);
  return { data: y.readSync(), shape: y.shape };
}

// Index arithmetic written independently of the backend's strided views: oracles loop over
// multi-indices and address elements one at a time.

export function unravel(flat: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: Shape): number {
  return idx.reduce((acc, i, d) => acc * shape[d] + i, 0);
}

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** Every multi-index of `shape`, row-major. */
export const multiIndices = (shape: Shape): number[][] => Array.from({ length: sizeOf(shape) }, (_, i) => unravel(i, shape));

/** Deterministic pseudo-random numbers in [lo, hi) (mulberry32). */
export function randoms(n: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo));
  });
}

/** Wherever `expected` holds a zero, `actual` holds a zero of the same sign. */
export function expectSameZeros(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] === 0) expect(Object.is(actual[i], expected[i]), `sign of zero at ${i}: got ${Object.is(actual[i], -0) ? "-0" : actual[i]}`).toBe(true);
  }
}

/** int32 wraparound of an exact integer result (two's complement). */
export const wrap32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
