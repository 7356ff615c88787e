import { type ConcreteArray, type Tracer, bind1, evalProgram, getPrimitive, primitives, stageProgram, typecheck } from "@lintra/core-ir";
import { linearizeFlat } from "@lintra/jvp";
import { describe, expect, it } from "vitest";
import { transpose, transposeRules } from "../src/index.js";
import { randArray, randNormal, read, rng, seedOf } from "./check-grads.js";
import { type GradSpec, gradSpecs } from "./grad-specs.js";

const linearPrims = () => primitives().filter((p) => p.linearity !== "none").map((p) => p.name);

/** Cases where the spec's function is linear in all its inputs, plus each side of the bilinear ones. */
function linearCases(): { name: string; spec: GradSpec; f: (...xs: Tracer[]) => Tracer; pick: (xs: ConcreteArray[]) => { fixed: ConcreteArray[]; lin: ConcreteArray[] }; tol: number }[] {
  const all = (xs: ConcreteArray[]) => ({ fixed: [] as ConcreteArray[], lin: xs });
  const cases = gradSpecs
    .filter((s) => getPrimitive(s.prim).linearity === "linear" && s.prim !== "div")
    .map((spec) => ({ name: spec.name, spec, f: spec.f, pick: all, tol: spec.tol ? 1e-6 : 1e-12 }));
  for (const spec of gradSpecs.filter((s) => getPrimitive(s.prim).linearity === "bilinear" || s.prim === "div")) {
    cases.push({ name: `${spec.name} (in x)`, spec, f: spec.f, pick: ([x, y]) => ({ fixed: [y], lin: [x] }), tol: 1e-12 });
    if (spec.prim !== "div") cases.push({ name: `${spec.name} (in y)`, spec, f: spec.f, pick: ([x, y]) => ({ fixed: [x], lin: [y] }), tol: 1e-12 });
  }
  return cases;
}

const inner = (a: Tracer, b: Tracer) => read(a).reduce((s, v, i) => s + v * read(b)[i], 0);

describe("transpose rules", () => {
  it("exist for exactly the primitives the registry marks linear", () => {
    expect(Object.keys(transposeRules).sort()).toEqual(linearPrims().sort());
  });

  it.each(linearCases().map((c, i) => [c.name, c, i] as const))("%s satisfies <ct, L t> = <Lᵀ ct, t>", (_n, c, i) => {
    const r = rng(9000 + i);
    const xs = c.spec.inputs(r);
    const { fixed, lin } = c.pick(xs);
    const L = (...ts: Tracer[]) => {
      const args = xs.map((x) => (lin.includes(x) ? ts[lin.indexOf(x)] : fixed[fixed.indexOf(x)]));
      return c.f(...args);
    };
    const program = stageProgram((...ts) => [L(...ts)], lin.map((x) => x.aval));
    typecheck(program);
    const transposed = transpose(program);
    typecheck(transposed);
    const ts = lin.map((x) => randArray(r, x.shape));
    const [y] = evalProgram(program, ts);
    const ct = randNormal(r, y);
    const cts = evalProgram(transposed, [ct]);
    const lhs = inner(ct, y);
    const rhs = cts.reduce((s, c2, j) => s + inner(c2, ts[j]), 0);
    expect(lhs).toBeAllclose(rhs, { rtol: c.tol, atol: c.tol });
  });
});

/** Primitives applied to a value that depends on a linear input of `program`. */
function primsOnLinear(program: ReturnType<typeof stageProgram>): Set<string> {
  const linear = new Set(program.inBinders);
  const seen = new Set<string>();
  for (const e of program.eqns) {
    if (e.inputs.some((a) => linear.has(a as never))) {
      seen.add(e.prim);
      e.outs.forEach((v) => linear.add(v));
    }
  }
  return seen;
}

describe("linear programs", () => {
  it("apply to linear variables exactly the primitives that have a transpose rule", () => {
    const seen = new Set<string>();
    gradSpecs.forEach((spec) => {
      const xs = spec.inputs(rng(seedOf(spec.name)));
      const { program } = linearizeFlat((...a) => [spec.f(...a)], xs);
      typecheck(program);
      primsOnLinear(program).forEach((p) => seen.add(p));
      const transposed = transpose(program);
      typecheck(transposed);
      for (const p of primsOnLinear(transposed)) expect(Object.keys(transposeRules)).toContain(p);
    });
    // The first-order rules; a higher-order primitive appears only where a program uses it.
    const firstOrder = Object.keys(transposeRules).filter((p) => !getPrimitive(p as never).higherOrder);
    expect([...seen].sort()).toEqual(firstOrder.sort());
  });

  it("of a linear primitive with a non-linear use are rejected by name", () => {
    const x = randArray(rng(1), [3]);
    const squared = stageProgram((t) => [bind1("mul", [t, t], {})], [x.aval]);
    expect(() => transpose(squared)).toThrow(/mul.*multiplies two linear variables/);
    const sine = stageProgram((t) => [bind1("sin", [t], {})], [x.aval]);
    expect(() => transpose(sine)).toThrow(/'f64\[3\] = sin f64\[3\]' uses a linear variable non-linearly/);
  });
});
