import { type Backend, type ConcreteArray, EscapedTracerError, type Tracer, TransformError, ValueError, bind1, defineBackend, evalProgram, setBackend, stageProgram, typecheck } from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import { linearize } from "@lintra/jvp";
import { describe, expect, it } from "vitest";
import { grad, transpose, valueAndGrad, vjp } from "../src/index.js";
import { arr, randArray, read, rng } from "./check-grads.js";
import { gradSpecs } from "./grad-specs.js";

const sin = (x: Tracer) => bind1("sin", [x], {});
const mul = (x: Tracer, y: Tracer) => bind1("mul", [x, y], {});
const sum = (x: Tracer) => bind1("reduce_sum", [x], { axes: x.shape.map((_, i) => i) });

describe("linearize and transpose (golden programs)", () => {
  it("x => sin(x) * x: primal, linear program over residuals, transpose", () => {
    const f = (x: Tracer) => mul(sin(x), x);
    const x = arr([1, 2, 3], [3], "float32");
    const primal = stageProgram((a) => [f(a)], [x.aval]);
    const [, fLin] = linearize(f, x);
    const transposed = transpose(fLin.program);
    [primal, fLin.program, transposed].forEach(typecheck);
    expect(primal.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[3] .
        let b:f32[3] = sin a
            c:f32[3] = mul b a
        in ( c ) }"
    `);
    expect(fLin.program.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[3] b:f32[3] c:f32[3] ; d:f32[3] .
        let e:f32[3] = mul d a
            f:f32[3] = mul e b
            g:f32[3] = mul c d
            h:f32[3] = add f g
        in ( h ) }"
    `);
    expect(transposed.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[3] b:f32[3] c:f32[3] ; d:f32[3] .
        let e:f32[3] = mul a d
            f:f32[3] = mul d b
            g:f32[3] = mul f c
            h:f32[3] = add e g
        in ( h ) }"
    `);
  });

  it("x => sum(exp(x) * 2): a symbolic zero and a broadcast in the transpose", () => {
    const f = (x: Tracer) => sum(mul(bind1("exp", [x], {}), bind1("broadcast_in_dim", [arr([2], [], "float32")], { shape: [2], broadcastDimensions: [] })));
    const [, fLin] = linearize(f, arr([0, 1], [2], "float32"));
    const transposed = transpose(fLin.program);
    typecheck(fLin.program);
    typecheck(transposed);
    expect(fLin.program.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[2] b:f32[2] ; c:f32[2] .
        let d:f32[2] = mul c a
            e:f32[2] = mul d b
            f:f32[] = reduce_sum[axes=[0]] e
        in ( f ) }"
    `);
    expect(transposed.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[2] b:f32[2] ; c:f32[] .
        let d:f32[2] = broadcast_in_dim[shape=[2] broadcastDimensions=[]] c
            e:f32[2] = mul d a
            f:f32[2] = mul e b
        in ( f ) }"
    `);
  });
});

describe("work preservation (linearize and transpose grow programs by a constant factor)", () => {
  it("holds for every primitive's row and for a composite function", () => {
    const rows: [string, number, number, number][] = [];
    const composite = (x: Tracer, w: Tracer) => {
      const h = bind1("tanh", [bind1("dot_general", [x, w], { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] })], {});
      return sum(mul(h, bind1("logistic", [h], {})));
    };
    const cases = [
      ...gradSpecs.map((s) => [s.name, s.f, s.inputs(rng(7))] as const),
      ["tanh MLP layer", composite, [randArray(rng(1), [4, 3]), randArray(rng(2), [3, 5])]] as const,
    ];
    for (const [name, f, xs] of cases) {
      const fn = f as (...a: Tracer[]) => Tracer;
      const primal = stageProgram((...a) => [fn(...a)], xs.map((x) => x.aval));
      const [, fLin] = linearize(fn, ...xs);
      const transposed = transpose(fLin.program);
      rows.push([name, primal.eqns.length, fLin.program.eqns.length, transposed.eqns.length]);
    }
    console.log(
      "equations: primal / linear / transposed\n" +
        rows.map(([n, p, l, t]) => `  ${n.padEnd(32)} ${p} / ${l} / ${t}   (linear/primal ${(l / p).toFixed(2)}, transposed/linear ${(t / Math.max(l, 1)).toFixed(2)})`).join("\n"),
    );
    for (const [name, p, l, t] of rows) {
      expect(l, `${name}: linear program`).toBeLessThanOrEqual(4 * p);
      expect(t, `${name}: transposed program`).toBeLessThanOrEqual(3 * l + 2);
    }
  });
});

describe("fLin", () => {
  it("evaluates only the linear program: no primal kernel runs again", () => {
    const calls: string[] = [];
    const kernels = Object.fromEntries(
      Object.entries(cpuBackend.kernels).map(([name, k]) => [name, (...a: unknown[]) => (calls.push(name), (k as (...b: unknown[]) => unknown)(...a))]),
    );
    const counting = defineBackend({ ...cpuBackend, name: "counting", kernels } as Backend<unknown>);
    setBackend(counting);
    try {
      const f = (x: Tracer) => sum(mul(bind1("exp", [sin(x)], {}), bind1("cos", [x], {})));
      const x = arr([0.1, 0.2, 0.3], [3]);
      const [, fLin] = linearize(f, x);
      expect(calls).toContain("exp");
      calls.length = 0;
      fLin(arr([1, 0, 0], [3]));
      expect(calls.filter((c) => ["sin", "cos", "exp"].includes(c))).toEqual([]);
      expect(calls.length).toBe(fLin.program.eqns.length);
    } finally {
      setBackend(cpuBackend);
    }
  });
});

describe("errors", () => {
  const x = arr([1, 2, 3], [3]);
  it("grad of a non-scalar output", () => {
    expect(() => grad(sin)(x)).toThrow(TransformError);
    expect(() => grad(sin)(x)).toThrow(/scalar float \(shape \[\]\), got f64\[3\]/);
  });
  it("grad with respect to an integer input", () => {
    const n = arr([1, 2], [2], "int32");
    expect(() => grad((a: Tracer) => sum(a))(n)).toThrow(/dtype int32/);
  });
  it("argnums out of range", () => {
    expect(() => grad((a: Tracer) => sum(a), { argnums: 2 })(x)).toThrow(ValueError);
    expect(() => valueAndGrad((a: Tracer) => sum(a), { argnums: [0, 1] })(x)).toThrow(/valueAndGrad: argnums includes 1, but the call has 1 positional argument/);
  });
  it("a tracer that escapes its transformation", () => {
    let leaked: Tracer | null = null;
    grad((a: Tracer) => {
      leaked = sin(a);
      return sum(a);
    })(x);
    expect(() => sin(leaked!)).toThrow(EscapedTracerError);
  });
  it("a cotangent of the wrong type", () => {
    const [, fVjp] = vjp(sin, x);
    expect(() => fVjp(arr([1, 2], [2]))).toThrow(/cotangent 0 has type f64\[2\]; expected f64\[3\]/);
  });
});

describe("grad options", () => {
  const x = arr([1, 2, 3], [3]);
  const y = arr([4, 5, 6], [3]);
  const f = (a: Tracer, b: Tracer) => sum(mul(mul(a, a), b));
  it("argnums picks one or several arguments", () => {
    expect(grad(f, { argnums: 1 })(x, y)).toBeAllclose([1, 4, 9]);
    const [ga, gb] = grad(f, { argnums: [0, 1] })(x, y) as ConcreteArray[];
    expect(ga).toBeAllclose([8, 20, 36]);
    expect(gb).toBeAllclose([1, 4, 9]);
  });
  it("hasAux returns [[value, aux], grad] and passes aux through", () => {
    const [[value, aux], g] = valueAndGrad((a: Tracer) => [sum(mul(a, a)), sin(a)], { hasAux: true })(x) as [[Tracer, Tracer], Tracer];
    expect(read(value)).toBeAllclose([14]);
    expect(aux).toBeAllclose([1, 2, 3].map(Math.sin));
    expect(g).toBeAllclose([2, 4, 6]);
  });
  it("pytree arguments give pytree gradients of the same structure", () => {
    const params = { w: arr([1, 2], [2]), b: [arr([3], [])] };
    const loss = (p: { w: Tracer; b: Tracer[] }) => sum(mul(mul(p.w, p.w), bind1("broadcast_in_dim", [p.b[0]], { shape: [2], broadcastDimensions: [] })));
    const g = grad(loss)(params) as { w: Tracer; b: Tracer[] };
    expect(g.w).toBeAllclose([6, 12]);
    expect(g.b[0]).toBeAllclose(5);
  });
});

describe("transpose(program, linearInputs)", () => {
  it("keeps non-linear inputs as values: y = a·x transposes to ct ↦ a·ct", () => {
    const a = arr([2, 3], [2]);
    const p = stageProgram((aa, x) => [mul(aa, x)], [a.aval, a.aval]);
    const t = transpose(p, [false, true]);
    typecheck(t);
    expect(t.inAvals.map(String)).toEqual(["f64[2]", "f64[2]"]);
    const [ctX] = evalProgram(t, [a, arr([10, 100], [2])]);
    expect(ctX).toBeAllclose([20, 300]);
    expect(() => transpose(p)).toThrow(/multiplies two linear variables/);
  });
});
