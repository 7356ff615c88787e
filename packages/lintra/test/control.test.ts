import { cpuBackend } from "@lintra/backend-cpu";
import { defineBackend, typecheck } from "@lintra/core-ir";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TransformError, TypecheckError, grad, hessian, jacfwd, jit, jvp, lax, linearTranspose, linearize, makeProgram, np, setBackend, vjp } from "../src/index.js";

/**
 * Control flow against independent references: the same function written as an unrolled
 * JS loop or a JS `if` (no control-flow primitive), closed forms, and central finite
 * differences in float64. Every derivative path (grad, jvp, linearize and its transpose,
 * vjp, jacfwd, hessian, under jit or not) must agree with them.
 */

const f64 = (v: number | number[]) => np.array(v as number[], { dtype: "float64" });
const flat = (x: np.Array) => Array.from(x.dataSync());
const tight = { rtol: 1e-10, atol: 1e-12 };
const fd = (f: (x: np.Array) => np.Array, x: np.Array, t: np.Array, eps = 1e-6) => (f(x.add(t.mul(eps))).item() - f(x.sub(t.mul(eps))).item()) / (2 * eps);
const dot = (a: np.Array, b: np.Array) => flat(a).reduce((s, v, i) => s + v * flat(b)[i], 0);

/** grad, jvp, linearize, its transpose, vjp, jacfwd, jit∘grad and grad∘jit of scalar `f` agree with `g` (the reference) and finite differences. */
function agrees(f: (x: np.Array) => np.Array, reference: (x: np.Array) => np.Array, x: np.Array, t: np.Array): void {
  expect(f(x)).toBeAllclose(reference(x), tight);
  const expected = grad(reference)(x);
  expect(grad(f)(x)).toBeAllclose(expected, tight);
  expect(jit(grad(f))(x)).toBeAllclose(expected, tight);
  expect(grad(jit(f))(x)).toBeAllclose(expected, tight);
  expect(jacfwd(f)(x)).toBeAllclose(expected, tight);
  const [, yDot] = jvp(f, [x], [t]);
  expect(yDot.item()).toBeAllclose(dot(expected, t), tight);
  expect(yDot.item()).toBeAllclose(fd(reference, x, t), { rtol: 1e-6, atol: 1e-8 });
  const [, fLin] = linearize(f, x);
  typecheck(fLin.program);
  expect(fLin(t).item()).toBeAllclose(dot(expected, t), tight);
  expect(linearTranspose(fLin)(f64(1).reshape([]))[0]).toBeAllclose(expected, tight);
  expect(vjp(f, x)[1](f64(1).reshape([]))[0]).toBeAllclose(expected, tight);
}

describe.each(["cpu", "wasm"])("control flow on %s", (backend) => {
  beforeAll(() => setBackend(backend));
  afterAll(() => setBackend("cpu"));
  const x = f64([0.5, -1.25, 2]);
  const t = f64([0.3, -0.7, 1.1]);

  describe("cond", () => {
    const branchy = (v: np.Array) => lax.cond(np.greater(np.sum(v), 0), (a: np.Array) => np.sin(a).mul(a), (a: np.Array) => np.cos(a).mul(2), v);
    // The same function with the branch chosen by a JS `if` on the (concrete) input.
    const byIf = (positive: boolean) => (v: np.Array) => (positive ? np.sin(v).mul(v) : np.cos(v).mul(2));
    it("takes the branch the predicate picks, through every derivative path", () => {
      agrees((v) => np.sum(branchy(v)), (v) => np.sum(byIf(true)(v)), x, t);
      agrees((v) => np.sum(branchy(v)), (v) => np.sum(byIf(false)(v)), x.neg(), t);
    });
    it("with operands that are pytrees and branches closing over a differentiated value", () => {
      const f = (v: np.Array) => {
        const scale = np.sum(np.square(v));
        const out = lax.cond(true, (p: { a: np.Array; b: np.Array }) => ({ s: p.a.mul(p.b).mul(scale) }), (p: { a: np.Array; b: np.Array }) => ({ s: p.a.sub(p.b) }), { a: v, b: np.exp(v) });
        return np.sum(out.s);
      };
      const ref = (v: np.Array) => np.sum(v.mul(np.exp(v)).mul(np.sum(np.square(v))));
      agrees(f, ref, x, t);
    });
    it("switch clamps its index, as JAX does", () => {
      const branches = [(a: np.Array) => a.mul(1), (a: np.Array) => a.mul(2), (a: np.Array) => a.mul(3)];
      for (const [i, k] of [[-5, 1], [0, 1], [1, 2], [2, 3], [9, 3]]) {
        expect(lax.switch(np.array(i, { dtype: "int32" }), branches, f64([1, 2])).toArray()).toEqual([k, 2 * k]);
      }
      expect(grad((v: np.Array) => np.sum(lax.switch(np.array(7, { dtype: "int32" }), branches, v)))(x)).toBeAllclose([3, 3, 3]);
    });
    it("under jit with a traced predicate runs only the taken branch", () => {
      // Kernel by kernel (a backend without compile): count the sin kernel's calls.
      let sines = 0;
      const kernels = cpuBackend.kernels;
      const counting = defineBackend({
        ...cpuBackend,
        name: "cpu-counting-sin",
        compile: undefined,
        kernels: { ...kernels, sin: (...a: Parameters<NonNullable<typeof kernels.sin>>) => (sines++, kernels.sin!(...a)) },
      });
      const f = jit((p: np.Array, v: np.Array) => lax.cond(p, (a: np.Array) => np.sin(a), (a: np.Array) => np.cos(a), v));
      setBackend(counting);
      try {
        expect(f(np.array(false), f64([0])).toArray()).toEqual([1]);
        expect(sines).toBe(0);
        expect(f(np.array(true), f64([0])).toArray()).toEqual([0]);
        expect(sines).toBe(1);
      } finally {
        setBackend(backend);
      }
      // Compiled (backend-cpu's generated code calls Math.sin once per element of the taken branch).
      setBackend(cpuBackend);
      const sin = vi.spyOn(Math, "sin");
      try {
        expect(f(np.array(false), f64([0, 0])).toArray()).toEqual([1, 1]);
        expect(sin).not.toHaveBeenCalled();
        expect(f(np.array(true), f64([0, 0])).toArray()).toEqual([0, 0]);
        expect(sin).toHaveBeenCalledTimes(2);
      } finally {
        sin.mockRestore();
        setBackend(backend);
      }
    });
    it("branches returning different types or structures are typed errors naming both", () => {
      expect(() => lax.cond(true, (a: np.Array) => a, (a: np.Array) => a.astype("float32"), x)).toThrow(TypecheckError);
      expect(() => lax.cond(true, (a: np.Array) => a, (a: np.Array) => a.astype("float32"), x)).toThrow(/branch 0 returns \(f32\[3\]\) but branch 1 returns \(f64\[3\]\)/); // branch 0 is falseFn, as in JAX
      expect(() => lax.cond(true, (a: np.Array) => [a, a], (a: np.Array) => a, x)).toThrow(/branch 0 returns \* but branch 1 returns \[\*, \*\]/);
      expect(() => lax.cond(f64(1), (a: np.Array) => a, (a: np.Array) => a, x)).toThrow(/expected a bool or int32 scalar/);
    });
  });

  describe("scan", () => {
    // An RNN-like recurrence, and the same recurrence unrolled in JS.
    const w = f64([0.7, -0.4, 0.2]);
    const step = (c: np.Array, xi: np.Array) => np.tanh(c.mul(w).add(xi)).add(np.sin(c).mul(0.1));
    const viaScan = (xs: np.Array) => {
      const [c, ys] = lax.scan((carry: np.Array, xi: np.Array) => {
        const next = step(carry, xi);
        return [next, np.sum(next.mul(next))];
      }, f64([0.1, 0.2, 0.3]), xs);
      return np.sum(c).add(np.sum(ys));
    };
    const unrolled = (xs: np.Array) => {
      let c = f64([0.1, 0.2, 0.3]);
      let total = f64(0).reshape([]);
      for (let i = 0; i < xs.shape[0]; i++) {
        c = step(c, xs.slice(i));
        total = total.add(np.sum(c.mul(c)));
      }
      return np.sum(c).add(total);
    };
    const xs = f64([0.3, -0.2, 0.5, 1.0, -0.7, 0.1, 0.4, -0.9, 0.6, 0.2, -0.3, 0.8]).reshape([4, 3]);
    const txs = f64([1, -1, 0.5, 0.2, 0.3, -0.4, 0.9, 0.1, -0.6, 0.7, 0.2, -0.2]).reshape([4, 3]);
    it("equals the unrolled loop, through every derivative path", () => agrees(viaScan, unrolled, xs, txs));
    it("reverse scans from the end, ys in xs's order", () => {
      const [c, ys] = lax.scan((carry: np.Array, xi: np.Array) => [carry.mul(2).add(xi), carry], f64(0).reshape([]), f64([1, 2, 3]), { reverse: true });
      expect(c.item()).toBe(17); // ((0·2+3)·2+2)·2+1
      expect(ys.toArray()).toEqual([8, 3, 0]);
    });
    it("xs null with length, pytree carries, and hessian through the loop (closed form)", () => {
      // c_{k+1} = c_k · x, n steps: c_n = c0 · xⁿ; d²/dx² = n(n-1) c0 x^(n-2)
      const power = (v: np.Array) => lax.scan((carry: { c: np.Array; k: np.Array }) => [{ c: carry.c.mul(v), k: carry.k.add(1) }, null], { c: f64(1.5).reshape([]), k: np.array(0, { dtype: "int32" }) }, null, { length: 5 })[0].c;
      const v = f64(0.9).reshape([]);
      expect(power(v).item()).toBeAllclose(1.5 * 0.9 ** 5, tight);
      expect(grad(power)(v).item()).toBeAllclose(5 * 1.5 * 0.9 ** 4, tight);
      expect(hessian(power)(v).item()).toBeAllclose(20 * 1.5 * 0.9 ** 3, tight);
      expect(jit(hessian(power))(v).item()).toBeAllclose(20 * 1.5 * 0.9 ** 3, tight);
    });
    it("grad runs two scans and keeps the residuals stacked, not an unrolled loop", () => {
      const text = makeProgram(grad(viaScan))(xs).toString();
      expect(text.match(/= scan\[/g)).toHaveLength(2);
      expect(text).toMatch(/scan\[length=4 reverse=true/);
      expect(text.match(/\btanh\b/g)!.length).toBe(1);
    });
    it("JS numbers in the carry are weakly typed: they take the dtype the body gives them", () => {
      const [sum] = lax.scan((c: np.Array, xi: np.Array) => [c.add(xi), null], 0, f64([1, 2, 3.5]));
      expect(sum.dtype).toBe("float64");
      expect(sum.item()).toBe(6.5);
      const doubled = lax.whileLoop((c: np.Array) => np.less(c, 10), (c: np.Array) => c.mul(f64(2).reshape([])), 1);
      expect([doubled.dtype, doubled.item()]).toEqual(["float64", 16]);
    });
    it("a differentiated value read by every step is kept once, not stacked per step", () => {
      const w = f64([0.3, -0.2, 0.5]);
      const f = (wt: np.Array, seq: np.Array) => np.sum(lax.scan((c: np.Array, xi: np.Array) => [np.sin(c.mul(wt)).add(xi), null], np.zeros([3], { dtype: "float64" }), seq)[0]);
      const text = makeProgram(grad(f))(w, xs);
      const forward = text.eqns.find((e) => e.prim === "scan")!;
      // stacked residuals are ys of shape [4, 3]: cos(c·w) and c, but never w itself
      expect(forward.outs.filter((v) => v.aval.shape.length === 2)).toHaveLength(2);
      expect(grad(f)(w, xs)).toBeAllclose(jacfwd((wt: np.Array) => f(wt, xs))(w), tight);
    });
    it("foriLoop takes JS numbers and arrays as bounds together", () => {
      expect(lax.foriLoop(0, np.array(3, { dtype: "int32" }), (_i: np.Array, a: np.Array) => a.mul(2), f64([1])).toArray()).toEqual([8]);
    });
    it("a carry that changes type, and mismatched lengths, are typed errors", () => {
      expect(() => lax.scan((c: np.Array) => [c.astype("float32"), null], f64([1]), null, { length: 2 })).toThrow(/carry must keep its type/);
      expect(() => lax.scan((c: np.Array) => [[c], null], f64([1]), null, { length: 2 })).toThrow(TransformError);
      expect(() => lax.scan((c: np.Array, xi: np.Array) => [c, xi], f64([1]), f64([1, 2]), { length: 3 })).toThrow(/length 3 but xs have length 2/);
    });
  });

  describe("whileLoop and foriLoop", () => {
    // Doubling until above 10: the number of steps depends on the value, the derivative is 2^steps.
    const doubling = (v: np.Array) => lax.whileLoop((s: np.Array[]) => np.less(np.sum(s[0]), 10), (s: np.Array[]) => [s[0].mul(2), s[1].add(1)], [v, np.array(0, { dtype: "int32" })]);
    it("runs forward and gives jvp and linearize (forward mode)", () => {
      const v = f64([0.75, 0.5]);
      const [out, steps] = doubling(v);
      expect(steps.item()).toBe(3); // 1.25 → 2.5 → 5 → 10
      expect(out.toArray()).toEqual([6, 4]);
      const [, dOut] = jvp((a: np.Array) => doubling(a)[0], [v], [f64([1, 2])]);
      expect(dOut.toArray()).toEqual([8, 16]);
      const [, fLin] = linearize((a: np.Array) => doubling(a)[0], v);
      expect(fLin(f64([1, 2])).toArray()).toEqual([8, 16]);
      expect(jit((a: np.Array) => doubling(a)[0])(v).toArray()).toEqual([6, 4]);
    });
    it("reverse mode through whileLoop is a typed error that names scan and foriLoop", () => {
      const f = (a: np.Array) => np.sum(doubling(a)[0]);
      expect(() => grad(f)(f64([0.75, 0.5]))).toThrow(TransformError);
      expect(() => grad(f)(f64([0.75, 0.5]))).toThrow(/lax\.scan.*foriLoop/);
    });
    it("linearize through a whileLoop whose body holds a loop (every nested carry gets a tangent)", () => {
      // x -> sin(x) + 1 while x < 1, the body a one-step foriLoop: from 0.3, one step.
      const body = (c: np.Array) => lax.foriLoop(0, 1, (_i: np.Array, a: np.Array) => np.sin(a).add(1), c);
      const f = (v: np.Array) => lax.whileLoop((c: np.Array) => np.less(c, 1), body, v);
      const x = f64(0.3).reshape([]);
      const [y, fLin] = linearize(f, x);
      expect(y.item()).toBeCloseTo(Math.sin(0.3) + 1, 12);
      expect(fLin(f64(2).reshape([])).item()).toBeCloseTo(2 * Math.cos(0.3), 12);
      expect(jvp(f, [x], [f64(2).reshape([])])[1].item()).toBeCloseTo(2 * Math.cos(0.3), 12);
      expect(() => grad(f)(x)).toThrow(TransformError);
    });
    it("foriLoop with static bounds is a scan: reverse mode works (closed form x^(2^3))", () => {
      const f = (v: np.Array) => np.sum(lax.foriLoop(0, 3, (_i: np.Array, a: np.Array) => a.mul(a), v));
      const v = f64([0.9, -1.1]);
      expect(f(v)).toBeAllclose(flat(v).reduce((s, a) => s + a ** 8, 0), tight);
      expect(grad(f)(v)).toBeAllclose(flat(v).map((a) => 8 * a ** 7), tight);
      expect(makeProgram(f)(v).toString()).toMatch(/scan\[length=3/);
    });
    it("foriLoop with traced bounds is a while loop: forward mode only", () => {
      const f = (v: np.Array, n: np.Array) => lax.foriLoop(np.array(0, { dtype: "int32" }), n, (i: np.Array, a: np.Array) => a.add(i.astype("float64").mul(v)), v);
      const n = np.array(4, { dtype: "int32" });
      expect(f(f64([1]), n).toArray()).toEqual([7]); // 1 + (0+1+2+3)·1
      expect(jvp((v: np.Array) => f(v, n), [f64([1])], [f64([1])])[1].toArray()).toEqual([7]);
      expect(() => grad((v: np.Array) => np.sum(f(v, n)))(f64([1]))).toThrow(TransformError);
      expect(makeProgram(f)(f64([1]), n).toString()).toMatch(/= while\[condNumConsts=0 bodyNumConsts=1\] \{ lambda/);
    });
  });
});

describe("cases ported from JAX's tests/lax_control_flow_test.py", () => {
  const i32 = (v: number) => np.array(v, { dtype: "int32" });
  it("testWhileWithTuple: a tuple carry counts the steps, eagerly and under jit", () => {
    const limit = 10;
    const loop = (init: np.Array) => lax.whileLoop(([pos]: np.Array[]) => np.less(pos, limit), ([pos, count]: np.Array[]) => [pos.add(1), count.add(1)], [init, i32(0)])[1];
    expect(loop(i32(2)).item()).toBe(limit - 2);
    expect(jit(loop)(i32(2)).item()).toBe(limit - 2);
    expect(jit(loop)(i32(4)).item()).toBe(limit - 4);
  });
  it("testForiLoopBasic: summing 0..num-1 with traced bounds", () => {
    const count = (num: np.Array) => lax.foriLoop(i32(0), num, (i: np.Array, tot: np.Array) => tot.add(i), i32(0));
    expect([2, 3, 4].map((n) => count(i32(n)).item())).toEqual([1, 3, 6]);
    expect([2, 3, 4].map((n) => jit(count)(i32(n)).item())).toEqual([1, 3, 6]);
  });
  it("testSwitch: three branches returning pairs, against a JS if/else", () => {
    const branch = (x: np.Array) => {
      const y = x.mul(2);
      return [y, y.mul(2)];
    };
    const branches = [(x: np.Array) => [x, x], branch, (x: np.Array) => [x, x.neg()]];
    const fun = (x: number) => (x <= 0 ? branches[0] : x === 1 ? branches[1] : branches[2])(i32(x));
    for (const x of [-1, 0, 1, 2, 3]) {
      const got = lax.switch(i32(x), branches, i32(x)) as np.Array[];
      expect(got.map((a) => a.item())).toEqual(fun(x).map((a) => a.item()));
    }
  });
});

describe("property: random scan bodies and cond branches", () => {
  const unary = [np.sin, np.tanh, (a: np.Array) => a.mul(a).mul(0.3), (a: np.Array) => np.exp(a.mul(0.2))];
  const binary = [(a: np.Array, b: np.Array) => a.add(b), (a: np.Array, b: np.Array) => a.mul(b), (a: np.Array, b: np.Array) => a.sub(b.mul(0.5))];
  const body = fc.array(fc.tuple(fc.nat(unary.length - 1), fc.nat(binary.length - 1)), { minLength: 1, maxLength: 4 });

  it("grad of a scan equals its jacfwd row, and jvp equals the adjoint pairing", () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 5 }), (ops, n) => {
        const stepFn = (c: np.Array, xi: np.Array) => ops.reduce((acc, [u, b]) => binary[b](unary[u](acc), xi), c);
        const f = (xs: np.Array) => np.sum(lax.scan((c: np.Array, xi: np.Array) => [stepFn(c, xi), c], f64([0.2, -0.1]), xs)[0]);
        const xs = f64(Array.from({ length: 2 * n }, (_, i) => Math.sin(i + 1) * 0.8)).reshape([n, 2]);
        const t = f64(Array.from({ length: 2 * n }, (_, i) => Math.cos(3 * i))).reshape([n, 2]);
        const g = grad(f)(xs);
        expect(g).toBeAllclose(jacfwd(f)(xs), { rtol: 1e-9, atol: 1e-12 });
        expect(jvp(f, [xs], [t])[1].item()).toBeAllclose(dot(g, t), { rtol: 1e-9, atol: 1e-12 });
      }),
      { numRuns: 15, seed: 11 },
    );
  });

  it("grad of a cond equals the grad of the branch it takes", () => {
    fc.assert(
      fc.property(body, body, fc.boolean(), (a, b, p) => {
        const branch = (ops: typeof a) => (v: np.Array) => ops.reduce((acc, [u, k]) => binary[k](unary[u](acc), v), v);
        const f = (v: np.Array) => np.sum(lax.cond(p, branch(a), branch(b), v));
        const v = f64([0.4, -0.6]);
        expect(grad(f)(v)).toBeAllclose(grad((w: np.Array) => np.sum((p ? branch(a) : branch(b))(w)))(v), { rtol: 1e-12, atol: 1e-14 });
      }),
      { numRuns: 15, seed: 5 },
    );
  });
});

describe("toSource of control flow", () => {
  it("round-trips a scan, a cond and a while loop, and grad through a scan", () => {
    setBackend("cpu");
    const forward = (v: np.Array) => {
      const [c] = lax.scan((carry: np.Array, xi: np.Array) => [np.tanh(carry.mul(xi)).add(xi), null], f64(0.3).reshape([]), v);
      const d = lax.cond(np.greater(c, 0), (a: np.Array) => a.mul(a), (a: np.Array) => a.neg(), c);
      return lax.whileLoop((s: np.Array[]) => np.less(s[1], 3), (s: np.Array[]) => [s[0].mul(1.1), s[1].add(1)], [d, np.array(0, { dtype: "int32" })])[0];
    };
    const backward = grad((a: np.Array) => lax.scan((c: np.Array, xi: np.Array) => [np.sin(c.mul(xi)), null], f64(0.3).reshape([]), a, { reverse: true })[0]);
    const v = f64([0.5, -0.2, 0.9]);
    for (const f of [forward, backward]) {
      const program = makeProgram(f)(v);
      typecheck(program);
      const fn = new Function(`return ${program.toSource()}`)() as (...xs: Float64Array[]) => Float64Array[];
      expect(Array.from(fn(Float64Array.from(flat(v)))[0])).toEqual(flat(f(v)));
    }
  });
});
