import { Program, TypecheckError, Var, typecheck } from "@lintra/core-ir";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TransformError,
  customJvp,
  customVjp,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jit,
  jvp,
  linearTranspose,
  linearize,
  makeProgram,
  np,
  setBackend,
  valueAndGrad,
  vjp,
} from "../src/index.js";

/**
 * customJvp and customVjp, following JAX's custom_jvp / custom_vjp: the user's rule is what
 * every transformation differentiates with (checked by rules that differ from the true
 * derivative), through jit in both orders and to second order; values are checked against
 * closed forms and, in float64, against finite differences of the plain function.
 */

const f64 = (v: number | number[]) => np.array(v, { dtype: "float64" });
const flat = (x: np.Array) => Array.from(x.dataSync());
const logistic = (v: number) => 1 / (1 + Math.exp(-v));
const tight = { rtol: 1e-10, atol: 1e-12 };
const fd = (f: (x: np.Array) => np.Array, x: np.Array, i: number, eps = 1e-6) => {
  const e = np.array(flat(x).map((_, j) => (j === i ? eps : 0)), { dtype: x.dtype }).reshape(x.shape);
  return (f(x.add(e)).item() - f(x.sub(e)).item()) / (2 * eps);
};

/** JAX's example: log(1 + exp(x)) overflows in its derivative at large x; the rule does not. */
function log1pexp(x: np.Array) {
  return np.log(np.exp(x).add(1));
}
/** The rule JAX gives, scaled by `k` (k = 1 is the true derivative; k = 2 tells it apart from differentiating fn). */
function withRule(k: number) {
  const g = customJvp(log1pexp);
  g.defjvp(function log1pexpJvp([x]: np.Array[], [t]: np.Array[]) {
    return [g(x), t.mul(np.reciprocal(np.exp(x).add(1)).neg().add(1)).mul(k)];
  });
  return g;
}

/** JAX's clip_gradient: the identity, whose cotangent is clipped to [lo, hi]. */
function clipGradient() {
  const clip = customVjp(function clipGradient(lo: np.Array, hi: np.Array, x: np.Array) {
    return x;
  });
  clip.defvjp(
    function clipFwd(lo: np.Array, hi: np.Array, x: np.Array) {
      return [x, [lo, hi]];
    },
    function clipBwd([lo, hi]: np.Array[], ct: np.Array) {
      return [null, null, np.clip(ct, lo, hi)];
    },
  );
  return clip;
}

describe.each(["cpu", "wasm"])("customJvp on %s", (backend) => {
  beforeAll(() => setBackend(backend));
  afterAll(() => setBackend("cpu"));

  it("JAX's log1pexp: the float32 gradient at 100 is NaN without the rule and 1.0 with it", () => {
    expect(Number.isNaN(grad(log1pexp)(np.array(100)).item())).toBe(true);
    const g = withRule(1);
    expect(g(np.array(100)).item()).toBe(Infinity); // the function itself is unchanged: exp(100) overflows
    expect(grad(g)(np.array(100)).item()).toBe(1);
    expect(jit(grad(g))(np.array(100)).item()).toBe(1);
  });

  const points = [-3, -0.5, 0, 0.7, 4];
  const sumG = (g: (x: np.Array) => np.Array) => (x: np.Array) => np.sum(g(x));

  it("grad, jvp, linearize and its transpose, vjp, jit(grad), grad(jit) equal the logistic function", () => {
    const g = withRule(1);
    const x = f64(points);
    const expected = points.map(logistic);
    expect(g(x)).toBeAllclose(flat(log1pexp(x)), tight);
    expect(grad(sumG(g))(x)).toBeAllclose(expected, tight);
    expect(jit(grad(sumG(g)))(x)).toBeAllclose(expected, tight);
    expect(grad(jit(sumG(g)))(x)).toBeAllclose(expected, tight);
    const t = f64([1, 2, 3, 4, 5]);
    const [y, yDot] = jvp(g, [x], [t]);
    expect(y).toBeAllclose(flat(log1pexp(x)), tight);
    expect(yDot).toBeAllclose(expected.map((e, i) => e * (i + 1)), tight);
    const [, fLin] = linearize(g, x);
    typecheck(fLin.program);
    expect(fLin.program.toString()).not.toMatch(/\b(exp|log|div)\b/); // the primal work ran in linearize
    expect(fLin(t)).toBeAllclose(flat(yDot), tight);
    expect(linearTranspose(fLin)(t)[0]).toBeAllclose(flat(yDot), tight);
    const [, fVjp] = vjp(g, x);
    expect(fVjp(t)[0]).toBeAllclose(flat(yDot), tight);
  });

  it("the gradient matches central finite differences of the plain function (float64)", () => {
    const g = withRule(1);
    const x = f64([-1.3, 0.2, 2.5]);
    const gr = flat(grad(sumG(g))(x));
    gr.forEach((v, i) => expect(v).toBeAllclose(fd(sumG(log1pexp), x, i), { rtol: 1e-7, atol: 1e-9 }));
  });

  it("the rule is what is differentiated: a rule giving twice the derivative gives twice, to second order", () => {
    const g = withRule(2);
    const x = f64(points);
    const twice = points.map((p) => 2 * logistic(p));
    expect(grad(sumG(g))(x)).toBeAllclose(twice, tight);
    expect(jvp(g, [x], [f64([1, 1, 1, 1, 1])])[1]).toBeAllclose(twice, tight);
    expect(jacfwd(sumG(g))(x)).toBeAllclose(twice, tight);
    expect(jacrev(sumG(g))(x)).toBeAllclose(twice, tight);
    // The rule itself is differentiated for the second derivative: 2·σ(x)(1 − σ(x)).
    const second = points.map((p) => 2 * logistic(p) * (1 - logistic(p)));
    const diag = second.map((v, i) => second.map((_, j) => (i === j ? v : 0)));
    expect(hessian(sumG(g))(x)).toBeAllclose(diag, tight);
    expect(jit(hessian(sumG(g)))(x)).toBeAllclose(diag, tight);
    expect(grad((s: np.Array) => np.sum(grad(sumG(g))(x.mul(s))))(f64(1).reshape([]))).toBeAllclose(
      second.reduce((a, v, i) => a + v * points[i], 0),
      tight,
    );
  });

  it("takes and returns pytrees; integer arguments get zero tangents of their own type", () => {
    const seen: string[] = [];
    // n's tangent enters the rule's output: were it not zero, the gradient would be off.
    const h = customJvp((p: { a: np.Array; b: np.Array }, n: np.Array) => [p.a.mul(p.b).mul(n.astype("float64")), np.sin(p.a)]);
    h.defjvp(([p, n], [dp, dn]) => {
      seen.push(`${dn.dtype}[${dn.shape}]`);
      const k = n.astype("float64");
      return [h(p, n), [dp.a.mul(p.b).add(p.a.mul(dp.b)).mul(k).add(dn.astype("float64").mul(1000)), np.cos(p.a).mul(dp.a)]];
    });
    const p = { a: f64([0.5, 1.5]), b: f64([2, -1]) };
    const n = np.array([3, 3], { dtype: "int32" });
    const loss = (q: typeof p) => {
      const [u, v] = h(q, n);
      return np.sum(u).add(np.sum(v));
    };
    const [value, gr] = valueAndGrad(loss)(p);
    expect(value.item()).toBeAllclose(3 * (1 - 1.5) + Math.sin(0.5) + Math.sin(1.5), tight);
    expect(gr.a).toBeAllclose([3 * 2 + Math.cos(0.5), 3 * -1 + Math.cos(1.5)], tight);
    expect(gr.b).toBeAllclose([3 * 0.5, 3 * 1.5], tight);
    expect(seen).toEqual(["int32[2]"]);
  });

  it("a custom function applied to a tangent inside a rule: linearize splits it as a jit (JAX drops its rule there)", () => {
    const mulc = customJvp(function mulc(a: np.Array, b: np.Array) {
      return a.mul(b);
    });
    mulc.defjvp(([a, b], [da, db]) => [mulc(a, b), da.mul(b).add(a.mul(db))]);
    const sq = customJvp(function sq(z: np.Array) {
      return z.mul(z);
    });
    sq.defjvp(([z], [t]) => [sq(z), mulc(z.mul(3), t)]); // 3z: this rule's, not 2z
    const v = f64([0.5, -2]);
    const loss = (z: np.Array) => np.sum(sq(z));
    expect(grad(loss)(v)).toBeAllclose([1.5, -6], tight);
    expect(jvp(sq, [v], [f64([1, 1])])[1]).toBeAllclose([1.5, -6], tight);
    const [, fLin] = linearize(sq, v);
    expect(fLin.program.toString()).toMatch(/jit\[name=mulc\]/);
    expect(hessian(loss)(v)).toBeAllclose([[3, 0], [0, 3]], tight);
  });

  it("runs fn and stages the rule once per signature", () => {
    let fnRuns = 0;
    let ruleRuns = 0;
    const g = customJvp((x: np.Array) => (fnRuns++, np.sin(x)));
    g.defjvp(([x], [t]) => (ruleRuns++, [np.sin(x), np.cos(x).mul(t)]));
    for (let i = 0; i < 3; i++) grad((x: np.Array) => np.sum(g(x)))(f64([i, 1]));
    expect([fnRuns, ruleRuns]).toEqual([1, 1]);
    g(f64([1, 2, 3]));
    expect(fnRuns).toBe(2);
  });

  it("typed errors: no rule yet, a rule whose output types differ (naming both), a closed-over tracer", () => {
    const bare = customJvp(function bare(x: np.Array) {
      return x;
    });
    expect(() => bare(f64([1]))).toThrow(TransformError);
    expect(() => bare(f64([1]))).toThrow(/'bare' has no JVP rule.*defjvp/);
    const wrong = customJvp(function sq(x: np.Array) {
      return x.mul(x);
    });
    wrong.defjvp(function sqJvp([x], [t]) {
      return [x.mul(x), np.sum(t)];
    });
    expect(() => grad((x: np.Array) => np.sum(wrong(x)))(f64([1, 2]))).toThrow(TransformError);
    expect(() => grad((x: np.Array) => np.sum(wrong(x)))(f64([1, 2]))).toThrow(/sqJvp.*tangent output \* of \(f64\[\]\); expected \* of \(f64\[2\]\), what 'sq' returns/);
    const closing = (y: np.Array) => {
      const g = customJvp((x: np.Array) => x.mul(y));
      g.defjvp(([x], [t]) => [x.mul(y), t.mul(y)]);
      return np.sum(g(f64([1, 2])));
    };
    expect(() => grad(closing)(f64(3).reshape([]))).toThrow(TransformError);
    expect(() => grad(closing)(f64(3).reshape([]))).toThrow(/closes over a traced array.*as an argument/);
  });
});

describe.each(["cpu", "wasm"])("customVjp on %s", (backend) => {
  beforeAll(() => setBackend(backend));
  afterAll(() => setBackend("cpu"));

  const lo = () => f64(-0.75).reshape([]);
  const hi = () => f64(0.75).reshape([]);
  const x = f64([0.3, -1.2, 2.0]);
  const w = f64([0.5, 2, -3]);
  /** Cotangents w reach the clip; clipped to [-0.75, 0.75], then through sin. */
  const expected = flat(x).map((v, i) => Math.min(Math.max(flat(w)[i], -0.75), 0.75) * Math.cos(v));

  it("JAX's clip_gradient: grad, vjp, jit(grad), grad(jit) clip the cotangent; null is a zero cotangent", () => {
    const clip = clipGradient();
    const loss = (a: np.Array, b: np.Array, z: np.Array) => np.sum(clip(a, b, np.sin(z)).mul(w));
    expect(clip(lo(), hi(), x)).toBeAllclose(flat(x), tight);
    expect(grad(loss, { argnums: 2 })(lo(), hi(), x)).toBeAllclose(expected, tight);
    expect(jit(grad(loss, { argnums: 2 }))(lo(), hi(), x)).toBeAllclose(expected, tight);
    expect(grad(jit(loss), { argnums: 2 })(lo(), hi(), x)).toBeAllclose(expected, tight);
    expect(grad(loss, { argnums: [0, 1] })(lo(), hi(), x)).toBeAllclose([0, 0]);
    const [y, fVjp] = vjp((a: np.Array, b: np.Array, z: np.Array) => clip(a, b, z), lo(), hi(), x);
    expect(y).toBeAllclose(flat(x), tight);
    const [dlo, dhi, dx] = fVjp(w) as np.Array[];
    expect([dlo.item(), dhi.item()]).toEqual([0, 0]);
    expect(dx).toBeAllclose([0.5, 0.75, -0.75], tight);
    expect(jacrev((z: np.Array) => clip(lo(), hi(), z))(x)).toBeAllclose(np.eye(3).mul(0.75), tight);
  });

  it("the gradient agrees with finite differences where nothing is clipped (float64)", () => {
    const clip = clipGradient();
    const small = f64([0.1, -0.2, 0.3]);
    const loss = (z: np.Array) => np.sum(np.square(clip(lo(), hi(), np.sin(z))).mul(small));
    const gr = flat(grad(loss)(x));
    gr.forEach((v, i) => expect(v).toBeAllclose(fd(loss, x, i), { rtol: 1e-7, atol: 1e-9 }));
  });

  it("takes and returns pytrees; a dropped output reaches bwd as a zero cotangent", () => {
    const layer = customVjp(function layer(p: { w: np.Array; b: np.Array }, z: np.Array) {
      return { y: p.w.mul(z).add(p.b), unused: np.sin(z) };
    });
    layer.defvjp(
      (p: { w: np.Array; b: np.Array }, z: np.Array) => [layer(p, z), { w: p.w, z }],
      (res: { w: np.Array; z: np.Array }, ct: { y: np.Array; unused: np.Array }) => [{ w: ct.y.mul(res.z).mul(10), b: null }, ct.y.mul(res.w).add(ct.unused)],
    );
    const p = { w: f64([1, 2]), b: f64([0.5, 0.5]) };
    const z = f64([3, 4]);
    const [value, gr] = valueAndGrad((q: typeof p, v: np.Array) => np.sum(layer(q, v).y), { argnums: [0, 1] })(p, z);
    expect(value.item()).toBeAllclose(12);
    expect(gr[0].w).toBeAllclose([30, 40], tight); // bwd's 10×: its rule, not fn's derivative
    expect(gr[0].b).toBeAllclose([0, 0], tight);
    expect(gr[1]).toBeAllclose([1, 2], tight);
  });

  it("second order: grad of grad, jacrev of jacrev and hessian differentiate fwd and bwd", () => {
    const cubeWith = (fwdCallsCube: boolean) => {
      const cube = customVjp(function cube(z: np.Array) {
        return z.mul(z).mul(z);
      });
      cube.defvjp(
        (z: np.Array) => [fwdCallsCube ? cube(z) : z.mul(z).mul(z), z],
        (z: np.Array, ct: np.Array) => [ct.mul(z).mul(z).mul(3)],
      );
      return (z: np.Array) => np.sum(cube(z));
    };
    const v = f64([0.5, -2]);
    for (const fwdCallsCube of [false, true]) {
      const loss = cubeWith(fwdCallsCube);
      expect(grad(loss)(v)).toBeAllclose([0.75, 12], tight);
      expect(grad((z: np.Array) => np.sum(grad(loss)(z)))(v)).toBeAllclose([3, -12], tight);
      expect(jacrev(jacrev(loss))(v)).toBeAllclose([[3, 0], [0, -12]], tight);
    }
    expect(hessian(cubeWith(false))(v)).toBeAllclose([[3, 0], [0, -12]], tight);
    // As in JAX: forward-over-reverse meets the function again inside fwd, in forward mode.
    expect(() => hessian(cubeWith(true))(v)).toThrow(/'cube'.*forward mode/);
  });

  it("typed errors: forward mode names the function and vjp/grad; bwd of the wrong structure names both; no defvjp yet", () => {
    const clip = clipGradient();
    const f = (z: np.Array) => clip(lo(), hi(), z);
    expect(() => jvp(f, [x], [x])).toThrow(TransformError);
    expect(() => jvp(f, [x], [x])).toThrow(/customVjp function 'clipGradient'.*forward mode.*use vjp, grad/);
    expect(() => jacfwd(f)(x)).toThrow(/'clipGradient'.*forward mode/);
    const [, fLin] = linearize(f, x);
    typecheck(fLin.program);
    expect(fLin.program.toString()).toMatch(/custom_lin\[name=clipGradient bwd=clipBwd numResiduals=2\] -0\.75 0\.75 0\.0 0\.0 \w+/);
    expect(() => fLin(x)).toThrow(/'clipGradient'.*forward mode/);
    expect(linearTranspose(fLin)(w)[0]).toBeAllclose([0.5, 0.75, -0.75], tight);
    const bad = customVjp(function ident(z: np.Array) {
      return z;
    });
    bad.defvjp(
      (z: np.Array) => [z, null],
      function identBwd(_res: null, ct: np.Array) {
        return ct as never; // one argument still needs a list: [ct]
      },
    );
    expect(() => grad((z: np.Array) => np.sum(bad(z)))(x)).toThrow(TransformError);
    expect(() => grad((z: np.Array) => np.sum(bad(z)))(x)).toThrow(/identBwd' returned \* of \(f64\[3\]\); expected \[\*\] of \(f64\[3\]\)/);
    const closing = (y: np.Array) => {
      const scaled = customVjp((z: np.Array) => z.mul(y));
      scaled.defvjp((z: np.Array) => [z.mul(y), null], (_: null, ct: np.Array) => [ct.mul(y)]);
      return np.sum(scaled(x));
    };
    expect(() => grad(closing)(f64(2).reshape([]))).toThrow(/closes over a traced array.*as an argument/);
    const none = customVjp((z: np.Array) => z);
    expect(() => none(x)).toThrow(/has no VJP: call \.defvjp/);
  });
});

describe("custom functions in programs", () => {
  it("print nested in makeProgram, typecheck, and catch an ill-typed call", () => {
    const g = withRule(1);
    const program = makeProgram(g)(np.array([1, 2, 3]));
    expect(program.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[3] .
        let g:f32[3] = custom_jvp_call[name=log1pexp jvp=log1pexpJvp] { lambda b:f32[3] .
                let c:f32[3] = exp b
                    d:f32[3] = broadcast_in_dim[shape=[3] broadcastDimensions=[]] 1.0
                    e:f32[3] = add c d
                    f:f32[3] = log e
                in ( f ) } a
        in ( g ) }"
    `);
    typecheck(program);
    typecheck(makeProgram(grad(sumOf(g)))(np.array([1, 2, 3])));
    const clip = clipGradient();
    expect(makeProgram(clip)(np.array(-1), np.array(1), np.array([1, 2])).toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[] b:f32[] c:f32[2] .
        let g:f32[2] = custom_vjp_call[name=clipGradient fwd=clipFwd bwd=clipBwd] { lambda d:f32[] e:f32[] f:f32[2] .
                in ( f ) } a b c
        in ( g ) }"
    `);
    typecheck(makeProgram(grad((z: np.Array) => np.sum(clip(np.array(-1), np.array(1), z))))(np.array([1, 2])));
    const eqn = program.eqns[0];
    const wrongInput = new Var(program.inAvals[0].withDType("float64"));
    const illTyped = new Program([], [], [wrongInput], [{ ...eqn, inputs: [wrongInput] }], eqn.outs);
    expect(() => typecheck(illTyped)).toThrow(TypecheckError);
    expect(() => typecheck(illTyped)).toThrow(/custom_jvp_call\[name=log1pexp\]: called with \(f64\[3\]\)/);
  });

  it("toSource: a program with custom_jvp_call, and a customVjp grad program, give the numbers lintra gives", () => {
    const run = (program: Program, ...inputs: Float64Array[]) => (new Function(`return ${program.toSource()}`)() as (...a: Float64Array[]) => Float64Array[])(...inputs);
    const g = withRule(1);
    const x = f64([-2, 0.5, 3]);
    expect(run(makeProgram(g)(x), x.dataSync() as Float64Array)[0]).toBeAllclose(flat(g(x)), tight);
    const gradProgram = makeProgram(grad(sumOf(g)))(x);
    expect(run(gradProgram, x.dataSync() as Float64Array)[0]).toBeAllclose(flat(grad(sumOf(g))(x)), tight);
    const clip = clipGradient();
    const loss = (z: np.Array) => np.sum(clip(f64(-0.75).reshape([]), f64(0.75).reshape([]), np.sin(z)).mul(f64([0.5, 2, -3])));
    expect(run(makeProgram(grad(loss))(x), x.dataSync() as Float64Array)[0]).toBeAllclose(flat(grad(loss)(x)), tight);
    const [, fLin] = linearize((z: np.Array) => clip(f64(-1).reshape([]), f64(1).reshape([]), z), x);
    expect(() => fLin.program.toSource()).toThrow(/custom_lin.*'clipGradient'.*no source form/);
  });
});

const sumOf = (g: (x: np.Array) => np.Array) => (x: np.Array) => np.sum(g(x));
