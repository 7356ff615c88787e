import { cpuBackend } from "@lintra/backend-cpu";
import { type AnyTypedArray, type Backend, ConcreteArray, type DType, type Params, type Prim, type Shape, bind1, setBackend } from "@lintra/core-ir";
import { wasmBackend } from "../src/index.js";

// Helpers for the reduction and dot_general tests: run a primitive on backend-cpu and on
// backend-wasm with the same inputs and compare.

export interface Input {
  readonly data: ArrayLike<number>;
  readonly shape: Shape;
  readonly dtype: DType;
}

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function uniform(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

/**
 * Random data of a dtype: floats in [-1, 1), int32 over the whole range when `wide` (so
 * products and sums wrap) or small otherwise, bools as 0/1.
 */
export function randomInput(shape: Shape, dtype: DType, seed: number, wide = true): Input {
  const u = uniform(sizeOf(shape), seed);
  const data = u.map((r) => {
    if (dtype === "bool") return r < 0.5 ? 0 : 1;
    if (dtype === "int32") return wide ? Math.floor(r * 2 ** 32) - 2 ** 31 : Math.floor(r * 21) - 10;
    return 2 * r - 1;
  });
  return { data, shape, dtype };
}

/** Put `values` at the given flat positions of a copy of `x`'s data. */
export function withValues(x: Input, at: readonly number[], values: readonly number[]): Input {
  const data = Array.from(x.data);
  at.forEach((i, t) => (data[i] = values[t % values.length]));
  return { ...x, data };
}

export interface Result {
  readonly data: AnyTypedArray;
  readonly shape: Shape;
  readonly dtype: DType;
}

export function runOn<P extends Prim>(backend: Backend<any>, prim: P, inputs: readonly Input[], params: Params<P>): Result {
  setBackend(backend);
  const args = inputs.map((x) => ConcreteArray.fromTyped(x.data, x.shape, x.dtype));
  const y = bind1(prim, args, params) as ConcreteArray;
  return { data: y.readSync(), shape: [...y.shape], dtype: y.dtype };
}

export const onCpu = <P extends Prim>(prim: P, inputs: readonly Input[], params: Params<P>) => runOn(cpuBackend, prim, inputs, params);
export const onWasm = <P extends Prim>(prim: P, inputs: readonly Input[], params: Params<P>) => runOn(wasmBackend, prim, inputs, params);

/**
 * The first flat index where `got` and `want` disagree, or -1. Values agree when equal
 * (NaN with NaN, -0 with -0 unless `signedZero` is off) or, for finite values, when
 * |got - want| <= tol[i] (a per-element bound; omit it for exact comparison).
 */
export function firstMismatch(got: ArrayLike<number>, want: ArrayLike<number>, tol?: ArrayLike<number>, signedZero = true): number {
  if (got.length !== want.length) return 0;
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    if (signedZero ? Object.is(a, b) : a === b || (a !== a && b !== b)) continue;
    if (tol && Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= tol[i]) continue;
    return i;
  }
  return -1;
}

/** A readable description of a mismatch for the assertion message. */
export function describeMismatch(at: number, got: ArrayLike<number>, want: ArrayLike<number>): string {
  return at < 0 ? "" : `first mismatch at flat index ${at}: wasm ${got[at]}, cpu ${want[at]} (of ${want.length})`;
}
