import { describe, expect, it } from "vitest";
import { grad, hessian, jacfwd, jacrev, jvp, linearTranspose, linearize, nn, np, valueAndGrad, vjp } from "../src/index.js";

/**
 * The same derivative through every path must agree: grad (linearize + transpose),
 * jvp (forward), jacfwd (one JVP per input), jacrev (one transpose per output), vjp.
 * Float64 throughout; finite differences are the independent reference.
 */

let seed = 1;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const randn = (shape: number[]) => np.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rand), { dtype: "float64" }).reshape(shape);
const f64 = (v: unknown) => np.array(v as number[], { dtype: "float64" });
const flat = (x: np.Array) => Array.from(x.dataSync());
const inner = (a: np.Array, b: np.Array) => flat(a).reduce((s, v, i) => s + v * flat(b)[i], 0);

/** Central finite difference of scalar f along direction t at x. */
function fdDirectional(f: (x: np.Array) => np.Array, x: np.Array, t: np.Array, eps = 1e-6): number {
  return (f(x.add(t.mul(eps))).item() - f(x.sub(t.mul(eps))).item()) / (2 * eps);
}

function checkAgreement(name: string, f: (x: np.Array) => np.Array, x: np.Array) {
  it(name, () => {
    const g = grad(f)(x) as np.Array;
    const t = randn([...x.shape]);
    // jvp and grad: <grad, t> = J t
    const [, tOut] = jvp(f, [x], [t]);
    expect(inner(g, t)).toBeAllclose(tOut.item(), { rtol: 1e-10 });
    // finite differences, independent of every transformation
    expect(tOut.item()).toBeAllclose(fdDirectional(f, x, t), { rtol: 1e-6, atol: 1e-8 });
    // vjp and linearTranspose(linearize)
    const [, fVjp] = vjp(f, x);
    expect(fVjp(f64(1).reshape([]))[0]).toBeAllclose(g, { rtol: 1e-10 });
    const [, fLin] = linearize(f, x);
    expect(fLin(t).item()).toBeAllclose(tOut.item(), { rtol: 1e-10 });
    expect(linearTranspose(fLin)(f64(1).reshape([]))[0]).toBeAllclose(g, { rtol: 1e-10 });
    // jacfwd (forward only) and jacrev (transpose only)
    expect(jacfwd(f)(x)).toBeAllclose(g, { rtol: 1e-10, atol: 1e-12 });
    expect(jacrev(f)(x)).toBeAllclose(g, { rtol: 1e-10, atol: 1e-12 });
  });
}

describe("grad, jvp, vjp, jacfwd and jacrev agree", () => {
  // An MLP with a softmax cross-entropy loss, differentiated with respect to its first layer.
  const x = randn([6, 4]);
  const labels = nn.oneHot(np.array([0, 2, 1, 1, 0, 2], { dtype: "int32" }), 3).astype("float64");
  const b1 = randn([5]);
  const w2 = randn([5, 3]);
  const mlpLoss = (w1: np.Array) => {
    const h = np.tanh(np.matmul(x, w1).add(b1));
    const logits = np.matmul(h, w2);
    return np.mean(np.sum(labels.mul(nn.logSoftmax(logits, -1)), -1)).neg();
  };
  checkAgreement("MLP softmax cross-entropy", mlpLoss, randn([4, 5]));

  // Broadcasting and reductions: mean over an axis, max, logsumexp, keepdims.
  const y = randn([4]);
  const bcast = (v: np.Array) =>
    np.sum(np.square(np.mean(v.mul(y), 0))).add(np.sum(np.max(v, 1))).add(nn.logsumexp(v)).add(np.sum(v.div(np.sum(np.exp(v), 1, { keepdims: true }))));
  checkAgreement("broadcasting and reductions", bcast, randn([3, 4]));

  // Gather/scatter and slicing: take, takeAlongAxis, slices, concatenation.
  const idx = np.array([2, 0, 2, -1], { dtype: "int32" });
  const along = np.array([[1], [0], [3]], { dtype: "int32" });
  const indexing = (v: np.Array) => {
    const picked = np.take(v, idx, 0);
    const alongAxis = np.takeAlongAxis(v, along, 1);
    const window = v.slice([1, 3], [null, null, 2]);
    return np.sum(np.square(picked)).add(np.sum(np.sin(alongAxis))).add(np.sum(np.concatenate([window, window.mul(window)], 0)));
  };
  checkAgreement("gather, scatter-add and slicing", indexing, randn([3, 4]));
});

describe("hessian", () => {
  it("of 0.5 xᵀAx + bᵀx is (A + Aᵀ)/2", () => {
    const A = randn([4, 4]);
    const b = randn([4]);
    const f = (v: np.Array) => np.dot(v, np.matmul(A, v)).mul(0.5).add(np.dot(b, v));
    const expected = A.add(A.T).mul(0.5);
    expect(hessian(f)(randn([4]))).toBeAllclose(expected, { rtol: 1e-10, atol: 1e-12 });
  });
  it("of sum(sin x) is diag(-sin x)", () => {
    const v = randn([3]);
    const s = flat(v).map(Math.sin);
    const expected = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? -s[i] : 0)));
    expect(hessian((z: np.Array) => np.sum(np.sin(z)))(v)).toBeAllclose(expected, { rtol: 1e-12, atol: 1e-14 });
  });
  it("has shape out.shape ++ in.shape ++ in.shape, and jacobians out.shape ++ in.shape", () => {
    const v = randn([2, 3]);
    expect(hessian((z: np.Array) => np.sum(np.exp(z)))(v).shape).toEqual([2, 3, 2, 3]);
    expect(jacrev((z: np.Array) => np.sum(z, 0))(v).shape).toEqual([3, 2, 3]);
    expect(jacfwd((z: np.Array) => np.sum(z, 0))(v).shape).toEqual([3, 2, 3]);
  });
  it("grad of grad and jvp of grad (Hessian-vector product) agree with hessian", () => {
    const f = (z: np.Array) => np.sum(np.tanh(z).mul(z).mul(z));
    const v = randn([3]);
    const t = randn([3]);
    const H = hessian(f)(v);
    const [, hvp] = jvp((z: np.Array) => grad(f)(z), [v], [t]);
    expect(hvp).toBeAllclose(np.matmul(H, t), { rtol: 1e-10, atol: 1e-12 });
    const diagSum = grad((z: np.Array) => np.sum(grad(f)(z)))(v);
    expect(diagSum).toBeAllclose(np.sum(H, 0), { rtol: 1e-10, atol: 1e-12 });
    expect(jacfwd(jacrev(f))(v)).toBeAllclose(jacrev(jacrev(f))(v), { rtol: 1e-10, atol: 1e-12 });
  });
  it("third order: d³/dx³ sin = -cos", () => {
    const d3 = grad(grad(grad((z: np.Array) => np.sin(z))));
    expect(d3(f64(0.7).reshape([]))).toBeAllclose(-Math.cos(0.7), { rtol: 1e-12 });
  });
});

describe("derivatives at the edges follow JAX", () => {
  const g = (f: (x: np.Array) => np.Array, v: number[]) => grad((x: np.Array) => np.sum(f(x)))(f64(v));
  it("relu'(0) = 0", () => expect(g(nn.relu, [-1, 0, 2])).toBeAllclose([0, 0, 1]));
  it("d/dx x² at 0 is 0 (pow's JVP avoids log|x|)", () => {
    expect(g((x) => np.power(x, 2), [0, 3])).toBeAllclose([0, 6]);
    expect(g((x) => np.power(x, 0), [0, 3])).toBeAllclose([0, 0]);
  });
  it("d/dy x^y at x = 0 is 0, not NaN", () => {
    expect(grad((y: np.Array) => np.sum(np.power(f64([0, 2]), y)))(f64([2, 3]))).toBeAllclose([0, 8 * Math.log(2)]);
  });
  it("the gradient of prod is right where inputs are zero", () => {
    expect(g((x) => np.prod(x), [0, 2, 3])).toBeAllclose([6, 0, 0]);
    expect(g((x) => np.prod(x), [0, 0, 3])).toBeAllclose([0, 0, 0]);
    expect(g((x) => np.prod(x), [2, 3, 4])).toBeAllclose([12, 8, 6]);
  });
  it("max and min split the derivative at ties", () => {
    expect(g((x) => np.max(x), [1, 3, 3])).toBeAllclose([0, 0.5, 0.5]);
    expect(g((x) => np.min(x), [2, 2, 2, 5])).toBeAllclose([1 / 3, 1 / 3, 1 / 3, 0]);
    expect(grad((x: np.Array) => np.sum(np.maximum(x, f64([1, 1]))))(f64([1, 2]))).toBeAllclose([0.5, 1]);
  });
  it("abs'(0) = 0 and sign, floor, round have zero derivative", () => {
    expect(g(np.abs, [-2, 0, 2])).toBeAllclose([-1, 0, 1]);
    expect(g((x) => np.floor(x).add(np.round(x)).add(np.sign(x)), [0.3, 1.7])).toBeAllclose([0, 0]);
  });
  it("stopGradient blocks the derivative", () => {
    expect(g((x) => np.stopGradient(x).mul(x), [3])).toBeAllclose([3]);
  });
  it("valueAndGrad with hasAux and pytree params", () => {
    const params = { w: f64([1, 2]), b: f64(0.5).reshape([]) };
    const loss = (p: { w: np.Array; b: np.Array }, xin: np.Array) => {
      const out = np.sum(p.w.mul(xin)).add(p.b);
      return [out.mul(out), out] as const;
    };
    const [[value, aux], gr] = valueAndGrad(loss, { hasAux: true })(params, f64([3, 4]));
    expect(value.item()).toBeAllclose(11.5 ** 2);
    expect(aux.item()).toBeAllclose(11.5);
    expect(gr.w).toBeAllclose([2 * 11.5 * 3, 2 * 11.5 * 4]);
    expect(gr.b).toBeAllclose(2 * 11.5);
  });
});
