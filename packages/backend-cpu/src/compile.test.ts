import { type Backend, ConcreteArray, type Tracer, jit, lax, setBackend } from "@lintra/core-ir";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { cpuBackend } from "./index.js";

let previous: Backend<any> | null = null;
beforeAll(() => {
  previous = setBackend(cpuBackend);
});
afterAll(() => {
  if (previous) setBackend(previous);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const ramp = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 2 - 1.3 * (i % 3));
const full = (v: number, like: Tracer) => lax.broadcastInDim(ConcreteArray.scalar(v, like.aval.dtype), like.aval.shape, []);
const read = (x: Tracer) => Array.from((x as ConcreteArray).readSync());

/** A chain with a bias broadcast along rows, a compare and a select, and a matmul between. */
function model(x: Tracer, b: Tracer, w: Tracer): Tracer[] {
  const h = lax.tanh(lax.add(lax.mul(x, full(1.5, x)), lax.broadcastInDim(b, x.aval.shape, [1])));
  const d = lax.dotGeneral(h, w, { lhsContracting: [1], rhsContracting: [0] });
  return [lax.select(lax.gt(d, full(0, d)), d, lax.mul(d, full(0.01, d))), h];
}

describe("cpu compile", () => {
  const arrays = () =>
    [ConcreteArray.fromTyped(ramp(12), [4, 3], "float32"), ConcreteArray.fromTyped(ramp(3), [3], "float32"), ConcreteArray.fromTyped(ramp(6), [3, 2], "float32")] as const;

  it("runs jit's programs as generated code, equal to the kernels bit for bit", () => {
    const [x, b, w] = arrays();
    const spy = vi.spyOn(cpuBackend, "compile");
    const f = jit(model);
    const compiled = f(x, b, w).map(read);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(compiled).toEqual(model(x, b, w).map(read));
    spy.mockRestore();
  });

  it("runs kernel by kernel where the page forbids compiling code", () => {
    const [x, b, w] = arrays();
    const refused = vi.fn(() => {
      throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not allowed");
    });
    vi.stubGlobal("Function", refused);
    const f = jit((x: Tracer, b: Tracer, w: Tracer) => model(lax.neg(x), b, w)); // a new program: compiled now
    expect(f(x, b, w).map(read)).toEqual(model(lax.neg(x), b, w).map(read));
    expect(refused).toHaveBeenCalledTimes(1);
  });
});
