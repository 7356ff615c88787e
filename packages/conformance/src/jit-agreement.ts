import { type AnyTypedArray, type Backend, ConcreteArray, type DType, type Tracer, jit, lax } from "@lintra/core-ir";
import { expect } from "vitest";

/**
 * Helpers of a compiling backend's own tests: arrays on `backend`, and `expectSame(f, …)`,
 * which runs `f` eagerly and under `jit` on the same arrays and requires the same values
 * element for element (where both paths round each op the same way, they agree bit for bit).
 */
export function jitAgreement(backend: Backend<any>) {
  const arr = (data: number[] | AnyTypedArray, shape: number[], dtype: DType = "float32") => ConcreteArray.fromTyped(data, shape, dtype, backend);
  const read = (x: Tracer) => Array.from((x as ConcreteArray).readSync());
  /** `v` broadcast to `like`'s shape (lax takes arrays only). */
  const full = (v: number, like: Tracer) => lax.broadcastInDim(ConcreteArray.scalar(v, like.aval.dtype, backend), like.aval.shape, []);
  const ramp = (n: number, scale = 0.37, shift = -1.3) => Array.from({ length: n }, (_, i) => Math.sin(i * scale) * 2 + shift * (i % 3));
  function expectSame(f: (...xs: Tracer[]) => Tracer | Tracer[], ...args: ConcreteArray[]): void {
    const list = (r: Tracer | Tracer[]) => (Array.isArray(r) ? r : [r]);
    const eager = list(f(...args)).map(read);
    const compiled = list(jit(f)(...args)).map(read);
    expect(compiled).toEqual(eager);
  }
  return { arr, read, full, ramp, expectSame };
}
