import { heldConstants } from "@lintra/core-ir";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type Program, ValueError, checkpoint, grad, jit, lax, linearize, np, rad, random, setBackend } from "../src/index.js";

/**
 * Randomized AD: the gradient through `checkpoint(f, { policy: rad({ keep, key }) })` is an
 * unbiased estimate of the exact one (the mean of many independent estimates lies within a
 * confidence interval of it, entry by entry), its variance falls as `keep` rises, and the
 * residuals `vjp` holds shrink to about `keep` of the exact ones.
 */

setBackend("cpu");
let seed = 11;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const randn = (shape: number[]) => np.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rand), { dtype: "float64" }).reshape(shape);

const x = randn([6, 5]);
const v = randn([7, 3]);
/** A two-layer net's loss as a function of its first weight. */
const mlp = (w: np.Array) => np.sum(np.tanh(np.tanh(x.matmul(w)).matmul(v)));
/** A two-layer net's loss as a function of its second weight: its gradient reads the first layer's activations. */
const u = randn([5, 5]);
const mlp2 = (w: np.Array) => np.sum(np.tanh(np.tanh(x.matmul(u)).matmul(w)));
/** A residual read three times on one path: a = tanh(x·w); loss = Σ a·a·a. */
const cube = (w: np.Array) => {
  const a = np.tanh(x.matmul(w));
  return np.sum(a.mul(a).mul(a));
};
const w0 = randn([5, 7]);

/** Per-entry mean and variance of `trials` estimates, each with its own key (one staged program, the key an argument). */
function estimates(f: (w: np.Array) => np.Array, keep: number, trials: number, residuals: "matmul" | "all" = "all") {
  const keyed = checkpoint((_key: np.Array, w: np.Array) => f(w), { policy: rad({ keep, keyArgnum: 0, residuals }) });
  const estimate = jit(grad(keyed, { argnums: 1 }));
  const keys = random.split(random.key(2024), trials);
  const n = w0.size;
  const s1 = new Float64Array(n);
  const s2 = new Float64Array(n);
  for (let t = 0; t < trials; t++) {
    const g = estimate(keys.slice(t), w0).dataSync();
    for (let i = 0; i < n; i++) {
      s1[i] += g[i];
      s2[i] += g[i] * g[i];
    }
  }
  const mean = Array.from(s1, (s) => s / trials);
  const variance = Array.from(s2, (s, i) => s / trials - mean[i] ** 2);
  return { mean, variance };
}

describe.each(["cpu", "wasm"] as const)("rad on %s: unbiased gradients", (backend) => {
  beforeEach(() => setBackend(backend));
  afterAll(() => setBackend("cpu"));

  it.each([
    ["an MLP, matmul operands sampled", mlp2, "matmul"],
    ["an MLP, every residual sampled", mlp, "all"],
    ["a residual used three times on one path", cube, "all"],
  ] as const)("%s: every entry's mean lies within 5 standard errors of the exact gradient", (_, f, residuals) => {
    const trials = 600;
    const exact = Array.from(grad(f)(w0).dataSync());
    const { mean, variance } = estimates(f, 0.3, trials, residuals);
    mean.forEach((m, i) => {
      const se = Math.sqrt(variance[i] / trials);
      expect(Math.abs(m - exact[i]), `entry ${i}: mean ${m}, exact ${exact[i]}, se ${se}`).toBeLessThanOrEqual(5 * se + 1e-12);
    });
    // The estimates do vary (the check above is not met by a constant).
    expect(variance.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it("the variance falls as keep rises; keep = 1 is exact", () => {
    const total = (keep: number) => estimates(mlp, keep, 150).variance.reduce((a, b) => a + b, 0);
    const v1 = total(0.1);
    const v5 = total(0.5);
    expect(v5).toBeLessThan(v1);
    const key = random.key(1);
    expect(grad(checkpoint(mlp, { policy: rad({ keep: 1, key }) }))(w0)).toBeAllclose(grad(mlp)(w0), { rtol: 1e-12, atol: 1e-14 });
  });
});

/** Bytes (8 per element) of the arrays a program holds beyond `given` (its constants and its sub-programs'), once each. */
const heldBytes = (program: Program, given: ReadonlySet<unknown>): number =>
  [...heldConstants(program)].filter((c) => !given.has(c)).reduce((bytes, c) => bytes + c.size * 8, 0);

describe("rad: memory", () => {
  it("with every residual sampled, the bytes held beyond the inputs are about keep × the exact ones", () => {
    const xb = randn([64, 48]);
    const vb = randn([96, 10]);
    const wb = randn([48, 96]);
    const big = (w: np.Array) => np.sum(np.tanh(np.tanh(xb.matmul(w)).matmul(vb)));
    const given = new Set<unknown>([xb, vb, wb]);
    const exact = heldBytes(linearize(big, wb)[1].program, given);
    for (const keep of [0.5, 0.1]) {
      const held = heldBytes(linearize(checkpoint(big, { policy: rad({ keep, key: random.key(3), residuals: "all" }) }), wb)[1].program, given);
      expect(held / exact).toBeGreaterThan(keep * 0.8);
      expect(held / exact).toBeLessThan(keep * 1.3 + 0.02);
    }
  });
});

describe("rad: composition and errors", () => {
  it("in a scan body, the weights the cell reads are not stacked per step", () => {
    const w1 = randn([8, 32]);
    const w2 = randn([32, 8]);
    const xs = randn([40, 8]);
    const cell = checkpoint((h: np.Array, xi: np.Array, a: np.Array, b: np.Array): [np.Array, np.Array] => {
      const next = np.tanh(np.tanh(h.add(xi).matmul(a)).matmul(b));
      return [next, np.sum(next)];
    }, { policy: rad({ keep: 0.5, key: random.key(4) }) });
    const loss = (a: np.Array) => np.sum(lax.scan((h: np.Array, xi: np.Array) => cell(h, xi, a, w2), np.zeros([8], { dtype: "float64" }), xs)[1]);
    const [, fLin] = linearize(loss, w1);
    const held = heldBytes(fLin.program, new Set<unknown>([w1, w2, xs]));
    expect(held).toBeLessThan(40 * w1.size * 8); // far below one copy of the weights per step
  });

  it("under jit the same key gives the same estimate", () => {
    const key = random.key(9);
    const f = checkpoint(mlp, { policy: rad({ keep: 0.2, key }) });
    expect(jit(grad(f))(w0)).toBeAllclose(grad(f)(w0), { rtol: 1e-12, atol: 1e-14 });
  });

  it("a key argument: fresh draws per call without restaging, and a traced key under jit", () => {
    const f = checkpoint((key: np.Array, w: np.Array) => mlp2(w), { policy: rad({ keep: 0.2, keyArgnum: 0 }) });
    const g = grad(f, { argnums: 1 });
    const [k1, k2] = [random.key(5), random.key(6)];
    const a = g(k1, w0);
    expect(g(k1, w0)).toBeAllclose(a, { rtol: 0, atol: 0 });
    expect(Array.from(g(k2, w0).dataSync())).not.toEqual(Array.from(a.dataSync()));
    expect(jit(g)(k1, w0)).toBeAllclose(a, { rtol: 1e-12, atol: 1e-14 });
    expect(jit(g)(k2, w0)).toBeAllclose(g(k2, w0), { rtol: 1e-12, atol: 1e-14 });
  });

  it("bad options are typed errors", () => {
    expect(() => rad({ keep: 0, key: random.key(0) })).toThrow(ValueError);
    expect(() => rad({ keep: 1.5, key: random.key(0) })).toThrow(/keep is 1.5; expected a fraction in \(0, 1\]/);
    expect(() => rad({ keep: 0.5, key: np.array([1, 2, 3]) })).toThrow(/rad: key/);
    expect(() => rad({ keep: 0.5 })).toThrow(/exactly one of key .* and keyArgnum/);
    expect(() => rad({ keep: 0.5, keyArgnum: 1.5 })).toThrow(ValueError);
    const f = checkpoint((w: np.Array, key: np.Array) => mlp(w), { policy: rad({ keep: 0.5, keyArgnum: 1 }) });
    expect(() => grad(f)(w0, np.array([1, 2, 3], { dtype: "int32" }))).toThrow(/argument 1 is the policy's key; expected one int32\[2\] key array/);
  });
});
