import v8 from "node:v8";
import vm from "node:vm";
import { cpuBackend } from "@lintra/backend-cpu";
import { type AnyTypedArray, type Backend, type ConcreteArray, ReleasedArrayError, type Tracer, bind1, defineBackend, setBackend } from "@lintra/core-ir";
import { jvp, linearize } from "@lintra/jvp";
import { afterAll, describe, expect, it } from "vitest";
import { grad, valueAndGrad, vjp } from "../src/index.js";
import { arr } from "./check-grads.js";

/** cpu kernels, but every buffer is tracked so the test sees what is still allocated. */
const live = new Set<AnyTypedArray>();
const tracking = defineBackend<AnyTypedArray>({
  ...cpuBackend,
  name: "tracking",
  // its buffers are given back by `release` (counted here), not by the collector
  garbageCollected: false,
  fromTyped: (d, a) => {
    const b = cpuBackend.fromTyped(d, a);
    live.add(b);
    return b;
  },
  release: (b) => {
    if (!live.delete(b)) throw new Error("released twice or never allocated");
  },
  kernels: Object.fromEntries(
    Object.entries(cpuBackend.kernels).map(([name, k]) => [
      name,
      (...a: unknown[]) => {
        const outs = (k as (...b: unknown[]) => AnyTypedArray[])(...a);
        for (const out of outs) live.add(out);
        return outs;
      },
    ]),
  ),
} as Backend<AnyTypedArray>);

const sin = (x: Tracer) => bind1("sin", [x], {});
const mul = (x: Tracer, y: Tracer) => bind1("mul", [x, y], {});
const sum = (x: Tracer) => bind1("reduce_sum", [x], { axes: [0] });
const loss = (x: Tracer) => sum(mul(sin(mul(x, x)), x));

describe("eager transformations release their intermediates", () => {
  setBackend(tracking);
  afterAll(() => setBackend(cpuBackend));
  const x = arr([0.1, 0.2, 0.3], [3]);

  it("valueAndGrad keeps only its results allocated", () => {
    const before = new Set(live);
    const [value, g] = valueAndGrad(loss)(x) as ConcreteArray[];
    const added = [...live].filter((b) => !before.has(b));
    // exactly the value and the gradient: residuals, cotangents and the 1.0 seed are gone
    expect(new Set(added)).toEqual(new Set([value.buffer, g.buffer]));
  });

  it("vjp keeps its residuals until fVjp is gone, and fVjp releases its own intermediates", async () => {
    const [ct1, ct2] = [arr([1], []), arr([2], [])];
    const before = new Set(live);
    let fVjp: ((ct: unknown) => unknown[]) | null = vjp(loss, x)[1];
    const residuals = [...live].filter((b) => !before.has(b));
    expect(residuals.length).toBeGreaterThan(1); // the output and the residuals (cos, sin, …)
    const [g1] = fVjp(ct1) as ConcreteArray[];
    const [g2] = fVjp(ct2) as ConcreteArray[];
    expect(read(g2)).toEqual(read(g1).map((v) => 2 * v));
    const added = [...live].filter((b) => !before.has(b) && !residuals.includes(b));
    expect(new Set(added)).toEqual(new Set([g1.buffer, g2.buffer]));
    // Dropping fVjp lets the collector give its residuals back.
    fVjp = null;
    expect(await collected(() => residuals.every((b) => !live.has(b)))).toBe(true);
    expect(fVjp).toBeNull();
  });

  it("linearize and jvp give correct results after releasing", () => {
    const [, fLin] = linearize(loss, x);
    const [, t] = jvp(loss, [x], [arr([1, 1, 1], [3])]);
    expect(read(fLin(arr([1, 1, 1], [3])))).toEqual(read(t));
  });

  it("nested transformations release only at the outermost call, and stay correct", () => {
    const h = grad((z: Tracer) => sum(grad(loss)(z) as Tracer))(x) as ConcreteArray;
    const second = (v: number) => 6 * v * Math.cos(v * v) - 4 * v ** 3 * Math.sin(v * v);
    expect(h).toBeAllclose([0.1, 0.2, 0.3].map(second), { rtol: 1e-12 });
  });

  it("an intermediate smuggled out of the function is released, and using it is a clear error", () => {
    let smuggled: ConcreteArray | null = null;
    const c = arr([1, 2, 3], [3]);
    grad((z: Tracer) => {
      const w = mul(z, z);
      // a concrete value computed inside a rule's work is reachable only through a tracer;
      // the one way to get one out is to keep the primal of a JVP tracer
      smuggled = (w as unknown as { primal: ConcreteArray }).primal;
      return sum(mul(w, c));
    })(x);
    expect(() => read(smuggled!)).toThrow(ReleasedArrayError);
  });
});

const gc = (() => {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
})();

/** Collect garbage until `done()` (finalizers run between tasks), giving up after a while. */
async function collected(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 50 && !done(); i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  return done();
}

function read(x: unknown): number[] {
  return Array.from((x as ConcreteArray).readSync());
}
