import { ConcreteArray, type DType, type Shape, type Tracer, setBackend, shapeSize } from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import { jvp } from "@lintra/jvp";
import { expect } from "vitest";
import { vjp } from "../src/index.js";

setBackend(cpuBackend);

/** A small deterministic generator (mulberry32), so failures reproduce. */
/**
 * A seed of its own for each named case (FNV-1a of the name, mixed with `salt`): inserting
 * a row into a table does not change the random inputs of the rows after it.
 */
export function seedOf(name: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform: (lo: number, hi: number) => lo + (hi - lo) * next(),
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo)),
  };
}
export type Rng = ReturnType<typeof rng>;

export const arr = (data: ArrayLike<number>, shape: Shape, dtype: DType = "float64") => ConcreteArray.fromTyped(data, shape, dtype);
export const read = (x: unknown) => Array.from((x as ConcreteArray).readSync());

export function randArray(r: Rng, shape: Shape, lo = -2, hi = 2, dtype: DType = "float64"): ConcreteArray {
  return arr(Array.from({ length: shapeSize(shape) }, () => r.uniform(lo, hi)), shape, dtype);
}
export function randNormal(r: Rng, like: { shape: Shape; dtype: DType }): ConcreteArray {
  return arr(Array.from({ length: shapeSize(like.shape) }, () => r.normal()), like.shape, like.dtype);
}

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const axpy = (x: ConcreteArray, t: ConcreteArray, eps: number) =>
  arr(read(x).map((v, i) => v + eps * read(t)[i]), x.shape, x.dtype);

/**
 * JAX-style check_grads for f: float64 arrays -> one float64 array.
 * - JVP against central finite differences along a random direction;
 * - VJP against the JVP by the adjoint identity <ct, J t> = <Jᵀ ct, t>.
 */
export function checkGrads(f: (...xs: Tracer[]) => Tracer, xs: ConcreteArray[], r: Rng, { rtol = 1e-6, atol = 1e-7, eps = 1e-6, adjoint = 1e-9 } = {}): void {
  const ts = xs.map((x) => randNormal(r, x));
  const [, tOut] = jvp(f, xs, ts) as [Tracer, Tracer];
  const plus = f(...xs.map((x, i) => axpy(x, ts[i], eps)));
  const minus = f(...xs.map((x, i) => axpy(x, ts[i], -eps)));
  const fd = read(plus).map((v, i) => (v - read(minus)[i]) / (2 * eps));
  expect(read(tOut)).toBeAllclose(fd, { rtol, atol });

  const [y, fVjp] = vjp(f, ...xs);
  const ct = randNormal(r, y as Tracer);
  const cts = fVjp(ct) as ConcreteArray[];
  const lhs = dot(read(ct), read(tOut));
  const rhs = cts.reduce((s, c, i) => s + dot(read(c), read(ts[i])), 0);
  expect(lhs).toBeAllclose(rhs, { rtol: adjoint, atol: adjoint });
}

/** Second order: check_grads on x -> <ct, J(x) t>, i.e. forward-over-forward and reverse-over-forward. */
export function checkGrads2(f: (...xs: Tracer[]) => Tracer, xs: ConcreteArray[], r: Rng, tol = {}): void {
  const ts = xs.map((x) => randNormal(r, x));
  const y = f(...xs);
  const ct = randNormal(r, y);
  const g = (...zs: Tracer[]) => {
    const [, tOut] = jvp(f, zs, ts) as [Tracer, Tracer];
    return sumAll(mulArrays(tOut, ct));
  };
  checkGrads(g, xs, r, { rtol: 1e-5, atol: 1e-6, ...tol });
}

import { bind1 } from "@lintra/core-ir";
export const mulArrays = (a: Tracer, b: Tracer) => bind1("mul", [a, b], {});
export const sumAll = (a: Tracer) => bind1("reduce_sum", [a], { axes: a.shape.map((_, i) => i) });
