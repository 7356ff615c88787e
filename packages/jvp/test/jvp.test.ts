import { cpuBackend } from "@lintra/backend-cpu";
import { ConcreteArray, type Tracer, bind1, primitives, setBackend, typecheck } from "@lintra/core-ir";
import { describe, expect, it } from "vitest";
import { Zero, jvp, jvpFlat, jvpRules, linearize } from "../src/index.js";

setBackend(cpuBackend);
const fromTyped = ConcreteArray.fromTyped;
const f64 = (v: number[]) => fromTyped(v, [v.length], "float64");
const read = (x: unknown) => Array.from((x as ConcreteArray).readSync());

describe("jvpRules", () => {
  it("has a rule for every primitive in the registry", () => {
    expect(Object.keys(jvpRules).sort()).toEqual(primitives().map((p) => p.name).sort());
  });
});

describe("jvp", () => {
  it("computes J·t (sin: cos x · t)", () => {
    const [y, t] = jvp((x: Tracer) => bind1("sin", [x], {}), [f64([0.5, 1])], [f64([2, 3])]);
    expect(read(y)).toEqual([0.5, 1].map(Math.sin));
    expect(read(t)).toEqual([2 * Math.cos(0.5), 3 * Math.cos(1)]);
  });
  it("keeps tangents of integer values symbolic zeros, never computed with", () => {
    const n = fromTyped([1, 2], [2], "int32");
    const [, [tangent]] = jvpFlat((x: Tracer) => [bind1("mul", [x, x], {})], [n], [fromTyped([5, 5], [2], "int32")]);
    expect(tangent).toBeInstanceOf(Zero);
  });
  it("gives a zero tangent for a function that ignores its input", () => {
    const c = f64([1, 2]);
    const [, [tangent]] = jvpFlat(() => [c], [f64([3, 4])], [f64([1, 1])]);
    expect(tangent).toBeInstanceOf(Zero);
  });
});

describe("linearize", () => {
  it("stages only tangent work: the linear program of exp(sin x) has no sin or exp", () => {
    const [, fLin] = linearize((x: Tracer) => bind1("exp", [bind1("sin", [x], {})], {}), f64([0.1, 0.2]));
    typecheck(fLin.program);
    expect(fLin.program.eqns.map((e) => e.prim)).toEqual(["mul", "mul"]);
    const t = fLin(f64([1, 0])) as ConcreteArray;
    expect(read(t)[0]).toBeCloseTo(Math.exp(Math.sin(0.1)) * Math.cos(0.1), 14);
    expect(read(t)[1]).toBe(0);
  });
  it("rejects a tangent of the wrong type", () => {
    const [, fLin] = linearize((x: Tracer) => bind1("sin", [x], {}), f64([0.1, 0.2]));
    expect(() => fLin(f64([1, 2, 3]))).toThrow(/tangent 0 has type f64\[3\]; expected f64\[2\]/);
  });
});
