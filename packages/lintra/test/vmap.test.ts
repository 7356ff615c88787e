import { typecheck } from "@lintra/core-ir";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValueError, customJvp, customVjp, grad, hessian, jacfwd, jacrev, jit, jvp, lax, makeProgram, nn, np, setBackend, vmap } from "../src/index.js";

/**
 * vmap against a JS loop over the batch (the independent reference), through every
 * composition with grad, jit and control flow; Jacobians (vmap of jvp / vjp) against
 * finite differences.
 */

let seed = 3;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const randn = (shape: number[]) => np.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rand), { dtype: "float64" }).reshape(shape);
const f64 = (v: unknown) => np.array(v as number[], { dtype: "float64" });
const tight = { rtol: 1e-10, atol: 1e-12 };
/** Apply `f` to each member (row `i` along `axis`) and stack the results along axis 0. */
const loop = (f: (...xs: np.Array[]) => np.Array, xs: np.Array[], axes: (number | null)[], n: number) =>
  np.stack(Array.from({ length: n }, (_, i) => f(...xs.map((x, j) => (axes[j] === null ? x : np.take(x, np.array(i, { dtype: "int32" }), axes[j]!))))), 0);

describe.each(["cpu", "wasm"])("vmap on %s", (backend) => {
  beforeAll(() => setBackend(backend));
  afterAll(() => setBackend("cpu"));

  const f = (x: np.Array, w: np.Array) => np.tanh(np.matmul(w, x)).add(np.sum(np.sin(x)));

  it("equals a loop over the batch, for every placement of the mapped axis", () => {
    const w = randn([2, 3]);
    for (const [axis, shape] of [[0, [4, 3]], [1, [3, 4]]] as const) {
      const xs = randn([...shape]);
      expect(vmap(f, { inAxes: [axis, null] })(xs, w)).toBeAllclose(loop(f, [xs, w], [axis, null], 4), tight);
    }
    const ws = randn([4, 2, 3]);
    const x = randn([3]);
    expect(vmap(f, { inAxes: [null, 0] })(x, ws)).toBeAllclose(loop(f, [x, ws], [null, 0], 4), tight);
    expect(vmap(f, { inAxes: [null, 0], outAxes: 1 })(x, ws)).toBeAllclose(loop(f, [x, ws], [null, 0], 4).T, tight);
  });

  it("takes pytree prefixes for inAxes and nests", () => {
    const params = { w: randn([5, 2, 3]), b: randn([2]) };
    const xs = randn([5, 3]);
    const model = (p: { w: np.Array; b: np.Array }, x: np.Array) => np.matmul(p.w, x).add(p.b);
    const got = vmap(model, { inAxes: [{ w: 0, b: null }, 0] })(params, xs);
    expect(got).toBeAllclose(np.stack([0, 1, 2, 3, 4].map((i) => model({ w: np.take(params.w, i, 0), b: params.b }, np.take(xs, i, 0))), 0), tight);
    const outer = vmap(vmap((a: np.Array, b: np.Array) => a.mul(b).sum()), { inAxes: [0, null] });
    const a = randn([3, 4, 2]);
    const b = randn([4, 2]);
    expect(outer(a, b)).toBeAllclose(np.sum(a.mul(b), 2), tight);
  });

  it("mapped sizes that disagree, and unknown options, are typed errors naming them", () => {
    expect(() => vmap((a: np.Array, b: np.Array) => a.add(b))(randn([3]), randn([4]))).toThrow(ValueError);
    expect(() => vmap((a: np.Array, b: np.Array) => a.add(b))(randn([3]), randn([4]))).toThrow(/different sizes: argument leaf 0 has 3, argument leaf 1 has 4/);
    expect(() => vmap((a: np.Array) => a, { inAxis: 0 } as never)).toThrow(/unknown option 'inAxis'/);
    expect(() => vmap((a: np.Array) => a, { inAxes: "0" } as never)(randn([3]))).toThrow(/"0" is not an axis/);
    expect(() => vmap((a: np.Array) => a, { inAxes: 0.5 })(randn([3]))).toThrow(/axis 0.5 is not an integer; expected an integer/);
    expect(() => vmap((a: np.Array) => a, { inAxes: 2 })(randn([3]))).toThrow(/axis 2 is out of range/);
  });

  it("vmap(grad(f)) gives per-example gradients; grad(vmap(f)) the gradient of the sum", () => {
    const w = randn([3]);
    const xs = randn([6, 3]);
    const loss = (wt: np.Array, x: np.Array) => np.square(np.sum(np.tanh(wt.mul(x))));
    const perExample = vmap(grad(loss), { inAxes: [null, 0] })(w, xs);
    expect(perExample).toBeAllclose(np.stack([0, 1, 2, 3, 4, 5].map((i) => grad(loss)(w, np.take(xs, i, 0))), 0), tight);
    expect(grad((wt: np.Array) => np.sum(vmap(loss, { inAxes: [null, 0] })(wt, xs)))(w)).toBeAllclose(np.sum(perExample, 0), tight);
    expect(jit(vmap(grad(loss), { inAxes: [null, 0] }))(w, xs)).toBeAllclose(perExample, tight);
    expect(vmap(jit(grad(loss)), { inAxes: [null, 0] })(w, xs)).toBeAllclose(perExample, tight);
    typecheck(makeProgram(vmap(grad(loss), { inAxes: [null, 0] }))(w, xs));
  });

  it("batches cond (a batched predicate becomes a select), scan and whileLoop (a batched predicate runs until all are done)", () => {
    const xs = f64([-1.5, 0.5, 2]);
    const branchy = (x: np.Array) => lax.cond(np.greater(x, 0), (a: np.Array) => np.sin(a), (a: np.Array) => a.mul(3), x);
    expect(vmap(branchy)(xs)).toBeAllclose(xs.toArray<number[]>().map((v: number) => (v > 0 ? Math.sin(v) : 3 * v)), tight);
    expect(makeProgram(vmap(branchy))(xs).toString()).toMatch(/select/);
    expect(vmap(grad(branchy))(xs)).toBeAllclose(xs.toArray<number[]>().map((v: number) => (v > 0 ? Math.cos(v) : 3)), tight);
    const cumulative = (x: np.Array) => lax.scan((c: np.Array, xi: np.Array) => [c.mul(0.5).add(xi), c], f64(0).reshape([]), x);
    const seqs = randn([4, 5]);
    const [finals, traces] = vmap(cumulative)(seqs);
    for (let i = 0; i < 4; i++) {
      const [c, ys] = cumulative(np.take(seqs, i, 0));
      expect(np.take(finals, i, 0)).toBeAllclose(c, tight);
      expect(np.take(traces, i, 0)).toBeAllclose(ys, tight);
    }
    const halvings = (x: np.Array) => lax.whileLoop((s: np.Array[]) => np.greater(s[0], 1), (s: np.Array[]) => [s[0].mul(0.5), s[1].add(1)], [x, np.array(0, { dtype: "int32" })]);
    const [ends, counts] = vmap(halvings)(f64([0.5, 3, 40]));
    expect(counts.toArray()).toEqual([0, 2, 6]);
    expect(ends.toArray()).toEqual([0.5, 0.75, 0.625]);
  });
});

describe("vmap of custom rules", () => {
  it("a customJvp rule is batched with its function: grad(vmap(f)) and vmap(grad(f)) both use it", () => {
    const log1pexp = customJvp((x: np.Array) => np.log(np.exp(x).add(1)));
    log1pexp.defjvp(([x]: np.Array[], [t]: np.Array[]) => [log1pexp(x), t.mul(np.subtract(1, np.divide(1, np.exp(x).add(1))))]);
    const xs = np.array([100, 0, -3]);
    const expected = [1, 0.5, 1 / (1 + Math.exp(3))];
    expect(grad((x: np.Array) => np.sum(vmap(log1pexp)(x)))(xs)).toBeAllclose(expected, { rtol: 1e-6 });
    expect(vmap(grad(log1pexp))(xs)).toBeAllclose(expected, { rtol: 1e-6 });
    expect(makeProgram(vmap(log1pexp))(xs).toString()).toMatch(/custom_jvp_call\[name=.* jvp=vmap\(/);
  });

  it("a customVjp fwd and bwd are batched with their function (JAX's clip_gradient)", () => {
    const clip = customVjp((x: np.Array) => x);
    clip.defvjp(
      (x: np.Array) => [x, null],
      (_res: unknown, g: np.Array) => [np.clip(g, -0.5, 0.5)],
    );
    const f = (x: np.Array) => clip(x).mul(x).mul(3); // d/dx = clip(3x)·1 + 3·clip(x) where the rule applies to the first factor's cotangent
    const xs = np.array([0.1, 2, -3]);
    const loop = xs.toArray<number[]>().map((v) => grad(f)(np.array(v)).item());
    expect(grad((x: np.Array) => np.sum(vmap(f)(x)))(xs)).toBeAllclose(loop, { rtol: 1e-6 });
    expect(vmap(grad(f))(xs)).toBeAllclose(loop, { rtol: 1e-6 });
    // The rule really changes the result here: without it the gradient would be 6x.
    expect(loop).not.toEqual(xs.toArray<number[]>().map((v) => 6 * v));
  });
});

describe("jacfwd, jacrev and hessian by vmap", () => {
  const fd = (f: (x: np.Array) => np.Array, x: np.Array, eps = 1e-6) => {
    const n = x.size;
    const cols = Array.from({ length: n }, (_, j) => {
      const e = np.reshape(nn.oneHot(np.array(j, { dtype: "int32" }), n).astype("float64"), x.shape);
      return f(x.add(e.mul(eps))).sub(f(x.sub(e.mul(eps)))).div(2 * eps);
    });
    const stacked = np.stack(cols, -1);
    return stacked.reshape([...stacked.shape.slice(0, -1), ...x.shape]);
  };

  it("agree with finite differences, shape out.shape ++ in.shape", () => {
    const f = (x: np.Array) => np.tanh(x.T).mul(np.sum(np.square(x)));
    const x = randn([2, 3]);
    expect(jacfwd(f)(x).shape).toEqual([3, 2, 2, 3]);
    expect(jacfwd(f)(x)).toBeAllclose(fd(f, x), { rtol: 1e-6, atol: 1e-8 });
    expect(jacrev(f)(x)).toBeAllclose(jacfwd(f)(x), tight);
    const g = (x: np.Array) => np.sum(np.sin(x).mul(x));
    const v = randn([3]);
    expect(hessian(g)(v)).toBeAllclose(fd((z: np.Array) => grad(g)(z), v), { rtol: 1e-6, atol: 1e-8 });
  });

  it("take pytrees and argnums lists, with JAX's output structure", () => {
    const f = (p: { a: np.Array; b: np.Array }, s: np.Array) => ({ y: p.a.mul(s), z: np.sum(p.b.mul(p.b)) });
    const p = { a: randn([2]), b: randn([3]) };
    const s = f64(1.5).reshape([]);
    for (const jac of [jacfwd, jacrev]) {
      const j = jac(f, { argnums: [0, 1] })(p, s);
      expect(j.y[0].a.shape).toEqual([2, 2]);
      expect(j.y[0].a).toBeAllclose(np.eye(2, 2, { dtype: "float64" }).mul(1.5), tight);
      expect(j.y[0].b).toBeAllclose(np.zeros([2, 3], { dtype: "float64" }), tight);
      expect(j.y[1]).toBeAllclose(p.a, tight);
      expect(j.z[0].b).toBeAllclose(p.b.mul(2), tight);
      expect(j.z[1].item()).toBe(0);
      const single = jac(f)(p, s);
      expect(single.z.b).toBeAllclose(p.b.mul(2), tight);
    }
  });

  it("contain no loop over basis vectors: one batched jvp / vjp in the program", () => {
    const f = (x: np.Array) => np.sin(x).mul(x);
    const text = makeProgram(jacfwd(f))(randn([50])).toString();
    expect(text.match(/\bsin\b/g)!.length).toBe(1);
    const [, tangent] = jvp(f, [randn([4])], [randn([4])]);
    expect(tangent.shape).toEqual([4]);
  });
});
