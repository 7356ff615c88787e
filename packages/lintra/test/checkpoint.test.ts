import { heldConstants } from "@lintra/core-ir";
import { describe, expect, it } from "vitest";
import {
  ValueError,
  checkpoint,
  grad,
  hessian,
  jit,
  jvp,
  lax,
  linearize,
  makeProgram,
  nn,
  np,
  checkpointName,
  policies,
  remat,
  saveAnyNamesButThese,
  saveOnlyTheseNames,
  type Program,
  setBackend,
  vjp,
  vmap,
} from "../src/index.js";

/**
 * checkpoint changes what is kept between the forward and the backward pass, never a
 * number: every composition with grad, jvp, vjp, hessian, jit and vmap must give what the
 * function without checkpoint gives (and finite differences), under every policy; and the
 * residuals held must be what the policy allows.
 */

let seed = 3;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const randn = (shape: number[]) => np.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rand), { dtype: "float64" }).reshape(shape);
const flat = (x: np.Array) => Array.from(x.dataSync());
const tight = { rtol: 1e-10, atol: 1e-12 };
const bytesOf = (arrays: readonly np.Array[]) => arrays.reduce((s, a) => s + a.size * (a.dtype === "float64" ? 8 : 4), 0);

/** The arrays a program holds: its constants and those of its sub-programs, each once. */
const heldArrays = (program: Program): Set<np.Array> => heldConstants(program);

type Layer = { w1: np.Array; w2: np.Array };
const mlp = (p: Layer, x: np.Array) => np.sum(np.tanh(np.tanh(x.matmul(p.w1)).matmul(p.w2)));
const params = (): Layer => ({ w1: randn([4, 6]), w2: randn([6, 3]) });

const POLICIES = ["nothing_saveable", "everything_saveable", "dots_saveable", "dots_with_no_batch_dims_saveable"] as const;
const predicate = (prim: string) => prim === "tanh";

describe.each(["cpu", "wasm"] as const)("checkpoint on %s", (backend) => {
  it.each([...POLICIES, predicate])("agrees with the plain function through every transformation (policy %s)", (policy) => {
    setBackend(backend);
    const p = params();
    const x = randn([5, 4]);
    const f = (q: Layer) => mlp(q, x);
    const c = checkpoint(f, { policy });
    const g = grad(f)(p) as Layer;
    const gc = grad(c)(p) as Layer;
    const tol = backend === "cpu" ? tight : { rtol: 1e-9, atol: 1e-11 };
    expect(gc.w1).toBeAllclose(g.w1, tol);
    expect(gc.w2).toBeAllclose(g.w2, tol);
    expect(c(p)).toBeAllclose(f(p), tol);
    expect((grad(jit(c))(p) as Layer).w1).toBeAllclose(g.w1, tol);
    expect((jit(grad(c))(p) as Layer).w2).toBeAllclose(g.w2, tol);
    expect((grad(checkpoint(jit(f), { policy }))(p) as Layer).w1).toBeAllclose(g.w1, tol);
    const t = params();
    expect(jvp(c, [p], [t])[1]).toBeAllclose(jvp(f, [p], [t])[1], tol);
    const [, fVjp] = vjp(c, p);
    expect((fVjp(np.array(1, { dtype: "float64" }).reshape([]))[0] as Layer).w2).toBeAllclose(g.w2, tol);
    // hessian of a function of one array, through the checkpoint
    const h = (w: np.Array) => mlp({ ...p, w2: w }, x);
    expect(hessian(checkpoint(h, { policy }))(p.w2)).toBeAllclose(hessian(h)(p.w2), { rtol: 1e-8, atol: 1e-10 });
  });

  it("per-example gradients: vmap(grad(checkpoint(f))) equals a loop", () => {
    setBackend(backend);
    const p = params();
    const xs = randn([3, 2, 4]);
    const perExample = vmap(grad(checkpoint((q: Layer, x: np.Array) => mlp(q, x), { policy: "dots_saveable" })), { inAxes: [null, 0] })(p, xs) as Layer;
    for (let i = 0; i < 3; i++) {
      const gi = grad((q: Layer) => mlp(q, xs.slice(i)))(p) as Layer;
      expect(perExample.w1.slice(i)).toBeAllclose(gi.w1, { rtol: 1e-9, atol: 1e-11 });
    }
  });
});

describe("checkpoint against finite differences", () => {
  it("grad of a checkpointed sin chain matches central differences", () => {
    setBackend("cpu");
    const f = checkpoint((x: np.Array) => np.sum(np.sin(np.sin(x)).mul(x)));
    const x = randn([5]);
    const g = flat(grad(f)(x));
    const eps = 1e-6;
    g.forEach((gi, i) => {
      const e = np.array(Array.from({ length: 5 }, (_, j) => (j === i ? eps : 0)), { dtype: "float64" });
      const fd = (f(x.add(e)).item() - f(x.sub(e)).item()) / (2 * eps);
      expect(gi).toBeCloseTo(fd, 6);
    });
  });
});

describe("residuals held between the passes", () => {
  setBackend("cpu");
  const p = params();
  const x = randn([5, 4]);
  const residualsOf = (policy: (typeof POLICIES)[number] | null) => {
    const f = (q: Layer) => mlp(q, x);
    const [, fLin] = linearize(policy === null ? f : checkpoint(f, { policy }), p);
    return [...heldArrays(fLin.program)];
  };

  it("nothing_saveable keeps only the inputs; everything_saveable keeps what plain linearize keeps", () => {
    setBackend("cpu");
    const plain = bytesOf(residualsOf(null));
    const nothing = residualsOf("nothing_saveable");
    const everything = bytesOf(residualsOf("everything_saveable"));
    // The inputs the backward pass reads: x (closed over: a constant of the program) and the two weights.
    expect(bytesOf(nothing)).toBeLessThanOrEqual(bytesOf([x, p.w1, p.w2]));
    expect(bytesOf(nothing)).toBeLessThan(plain);
    expect(everything).toBe(plain);
  });

  it("dots_saveable keeps the matmul outputs and recomputes the tanh", () => {
    setBackend("cpu");
    const dots = residualsOf("dots_saveable").map((r) => r.shape.join("x"));
    expect(dots).toContain("5x6"); // x·w1
    expect(dots).toContain("5x3"); // h·w2
    const nothing = residualsOf("nothing_saveable").map((r) => r.shape.join("x"));
    expect(nothing).not.toContain("5x6");
    expect(nothing).not.toContain("5x3");
  });

  it("what is not saved is recomputed in the backward pass (visible in the grad program)", () => {
    setBackend("cpu");
    const f = (v: np.Array) => np.sum(np.sin(np.sin(v)));
    const count = (text: string, prim: string) => text.split(`= ${prim} `).length - 1;
    const v = randn([3]);
    expect(count(makeProgram(grad(f))(v).toString(), "sin")).toBe(2);
    // sin(v) is recomputed for the derivative of the outer sin; sin(sin(v)) itself is not needed again.
    expect(count(makeProgram(grad(checkpoint(f)))(v).toString(), "sin")).toBe(3);
    expect(count(makeProgram(grad(checkpoint(f, { policy: "everything_saveable" })))(v).toString(), "sin")).toBe(2);
  });

  it("a checkpointed scan body keeps O(length · (carry + x)) residuals instead of every step's intermediates", () => {
    setBackend("cpu");
    const w1 = randn([8, 32]).mul(0.3);
    const w2 = randn([32, 8]).mul(0.3);
    const step = (h: np.Array, xi: np.Array): [np.Array, np.Array] => {
      const a = np.tanh(h.add(xi).matmul(w1));
      const b = np.tanh(a.matmul(w2));
      return [b, np.sum(a)];
    };
    const length = 50;
    const xs = randn([length, 8]);
    const loss = (body: typeof step) => (h0: np.Array) => {
      const [h, ys] = lax.scan(body, h0, xs);
      return np.sum(h).add(np.sum(ys));
    };
    const h0 = randn([8]);
    const [, plainLin] = linearize(loss(step), h0);
    const [, ckLin] = linearize(loss(checkpoint(step)), h0);
    const plain = bytesOf([...heldArrays(plainLin.program)]);
    const ck = bytesOf([...heldArrays(ckLin.program)]);
    const perStep = (8 + 8) * 8; // the carry and x_i, float64
    const invariant = bytesOf([w1, w2, xs]);
    expect(ck).toBeLessThanOrEqual(length * perStep + invariant);
    expect(plain).toBeGreaterThanOrEqual(length * 32 * 8); // at least the 32-wide tanh derivative of every step
    expect(grad(loss(checkpoint(step)))(h0)).toBeAllclose(grad(loss(step))(h0), tight);
  });
});

describe("named residuals: checkpointName with saveOnlyTheseNames", () => {
  // h1 and h2 named; the policy saves h1 only: h2 (and everything else) is recomputed.
  const w1 = randn([4, 6]);
  const w2 = randn([6, 5]);
  const x = randn([3, 4]);
  const f = (w: np.Array) => {
    const h1 = checkpointName(np.tanh(x.matmul(w)), "h1");
    const h2 = checkpointName(np.tanh(h1.matmul(w2)), "h2");
    return np.sum(h2.mul(h2));
  };

  it("gives the plain function's gradient under every name policy, eagerly and under jit and vmap", () => {
    setBackend("cpu");
    const exact = grad(f)(w1);
    for (const policy of [saveOnlyTheseNames("h1"), saveOnlyTheseNames(["h1", "h2"]), saveAnyNamesButThese("h2"), saveOnlyTheseNames()]) {
      const c = checkpoint(f, { policy });
      expect(grad(c)(w1)).toBeAllclose(exact, tight);
      expect(jit(grad(c))(w1)).toBeAllclose(exact, tight);
    }
    expect(f(w1)).toBeAllclose(checkpoint(f, { policy: saveOnlyTheseNames("h1") })(w1), tight);
    const ws = np.stack([w1, w1.mul(0.5)]);
    expect(vmap(grad(checkpoint(f, { policy: saveOnlyTheseNames("h1") })))(ws).slice(1)).toBeAllclose(grad(f)(w1.mul(0.5)), tight);
  });

  it("saves exactly the named values the policy lists", () => {
    setBackend("cpu");
    const shapes = (policy: ReturnType<typeof saveOnlyTheseNames>) => {
      const [, fLin] = linearize(checkpoint(f, { policy }), w1);
      return [...heldArrays(fLin.program)].filter((a) => a !== x && a !== w2 && a !== w1).map((a) => a.shape.join("x")).sort();
    };
    expect(shapes(saveOnlyTheseNames("h1"))).toEqual(["3x6"]);
    expect(shapes(saveOnlyTheseNames("h1", "h2"))).toEqual(["3x5", "3x6"]);
    expect(shapes(saveOnlyTheseNames())).toEqual([]);
  });

  it("outside a checkpoint it is the identity; a bad name is a typed error", () => {
    const a = randn([2]);
    const identity = new Function(`return ${makeProgram((v: np.Array) => checkpointName(v, "a"))(a).toSource()}`)();
    const input = a.dataSync();
    const [out] = identity(input) as Float64Array[];
    expect(Array.from(out)).toEqual(Array.from(input));
    expect(out).not.toBe(input);
    expect(checkpointName(a, "a")).toBe(a);
    expect(makeProgram((v: np.Array) => checkpointName(v, "a"))(a).toString()).toMatch(/name\[name=a\]/);
    expect(() => checkpointName(a, "")).toThrow(/checkpointName: name is "".*non-empty string/);
  });
});

describe("checkpoint's interface", () => {
  it("remat is checkpoint; the default policy is nothing_saveable; policies print in programs", () => {
    setBackend("cpu");
    expect(remat).toBe(checkpoint);
    const text = makeProgram(checkpoint((v: np.Array) => np.sin(v)))(randn([2])).toString();
    expect(text).toMatch(/checkpoint\[name=.* policy=nothing_saveable\] \{ lambda/);
    expect(makeProgram(checkpoint((v: np.Array) => nn.relu(v), { policy: policies.dots_saveable }))(randn([2])).toString()).toMatch(/policy=dots_saveable/);
  });

  it("bad policies and options are typed errors naming them", () => {
    expect(() => checkpoint((v: np.Array) => v, { policy: "save_everything" as never })).toThrow(ValueError);
    expect(() => checkpoint((v: np.Array) => v, { policy: "save_everything" as never })).toThrow(/unknown policy 'save_everything'.*'nothing_saveable'/);
    expect(() => checkpoint((v: np.Array) => v, { polcy: "dots_saveable" } as never)).toThrow(/unknown option 'polcy'.*did you mean 'policy'/);
  });

  it("toSource of a grad through checkpoint computes what backend-cpu computes", () => {
    setBackend("cpu");
    const f = checkpoint((v: np.Array) => np.sum(checkpointName(np.tanh(v), "t").mul(v)), { policy: saveOnlyTheseNames("t") });
    const v = randn([4]);
    const fn = new Function(`return ${makeProgram(grad(f))(v).toSource()}`)();
    const [out] = fn(v.dataSync()) as Float64Array[];
    expect(Array.from(out)).toEqual(flat(grad(f)(v)));
  });
});
