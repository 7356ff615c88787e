import { cpuBackend } from "@lintra/backend-cpu";
import { rng } from "@lintra/conformance";
import { type AnyTypedArray, type Backend, ConcreteArray, type DType, type Params, type Prim, type Shape, bind1, setBackend } from "@lintra/core-ir";
import { expect } from "vitest";
import { wasmBackend } from "../src/index.js";

/** An operand given as plain data, materialised on each backend in turn. */
export interface Operand {
  readonly data: ArrayLike<number>;
  readonly shape: Shape;
  readonly dtype: DType;
}

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

export const op = (data: ArrayLike<number>, shape: Shape, dtype: DType): Operand => ({ data, shape, dtype });

/** Deterministic pseudo-random numbers in [0, 1) (the conformance suite's generator). */
export function uniform(n: number, seed: number): number[] {
  const next = rng(seed);
  return Array.from({ length: n }, next);
}

const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 1e-40, -3e38, 5e-324, 1e300];

/**
 * Distinct-looking data of a dtype: random values with edge values (NaN, ±Inf, −0,
 * subnormals, huge magnitudes) sprinkled in for floats, full-range values for int32.
 */
export function sample(shape: Shape, dtype: DType, seed = 1): Operand {
  const n = sizeOf(shape);
  const u = uniform(n, seed);
  const data = u.map((r, i) => {
    if (dtype === "bool") return r < 0.5 ? 0 : 1;
    if (dtype === "int32") return Math.floor(r * 2 ** 32) - 2 ** 31;
    return i % 7 === 3 ? SPECIAL[(i >> 3) % SPECIAL.length] : (r - 0.5) * 2 ** ((i % 13) - 4);
  });
  return op(data, shape, dtype);
}

function runOn(backend: Backend<any>, prim: Prim, operands: readonly Operand[], params: unknown): { data: AnyTypedArray; shape: Shape; dtype: DType } {
  setBackend(backend);
  const args = operands.map((o) => ConcreteArray.fromTyped(o.data, o.shape, o.dtype));
  const y = bind1(prim, args, params as Params<Prim>) as ConcreteArray;
  return { data: y.readSync(), shape: y.shape, dtype: y.dtype };
}

/** Elements equal as values and as bits of sign: NaN matches NaN, −0 does not match +0. */
function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < b.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Run `prim` on backend-cpu and on backend-wasm with the same operands; results must be identical. */
export function expectSameAsCpu<P extends Prim>(prim: P, operands: readonly Operand[], params: Params<P>): AnyTypedArray {
  const want = runOn(cpuBackend, prim, operands, params);
  const got = runOn(wasmBackend, prim, operands, params);
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  expect(got.data.length).toBe(want.data.length);
  const at = firstMismatch(got.data, want.data);
  expect(at, at < 0 ? "" : `first mismatch at flat index ${at}: wasm ${got.data[at]}, cpu ${want.data[at]}`).toBe(-1);
  return got.data;
}

export const ALL_DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];
