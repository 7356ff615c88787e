/**
 * The relations the fuzz tests check on every random program. None needs a hard-coded number:
 * each compares two ways of computing the same thing (eager against jit, vmap against a loop,
 * forward against reverse mode by the adjoint identity, jvp against finite differences, a
 * Hessian against its transpose).
 *
 * Seeds: fast-check picks a new random seed per run; FUZZ_SEED fixes it, and FUZZ_PATH
 * (with FUZZ_SEED, and `-t` to select the property) replays the counterexample fast-check reported.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { TransformError, grad, jit, jvp, linearize, np, vjp, vmap } from "../../src/index.js";
import type { FuzzCase } from "./cases.js";

export function fuzzParameters(numRuns: number): fc.Parameters<[FuzzCase]> {
  const seed = process.env.FUZZ_SEED;
  const path = process.env.FUZZ_PATH;
  return {
    numRuns,
    ...(seed !== undefined && seed !== "" ? { seed: Number(seed) } : {}),
    ...(path ? { path, endOnFailure: true } : {}),
  };
}

/** Run `property` on `numRuns` random cases from `arb`. */
export function fuzz(arb: fc.Arbitrary<FuzzCase>, numRuns: number, property: (c: FuzzCase) => void): void {
  fc.assert(fc.property(arb, property), fuzzParameters(numRuns));
}

const flat = (x: np.Array): number[] => Array.from(x.dataSync());
const maxAbs = (xs: readonly number[]) => xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const l1 = (xs: readonly number[]) => xs.reduce((s, v) => s + Math.abs(v), 0);
const inner = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const innerScale = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + Math.abs(v * b[i]), 0);

/** Largest output magnitude for which the relations are checked; larger ones (rare) are skipped. */
const MAGNITUDE_LIMIT = 1e8;

/** f at the case's inputs, eagerly; skips the case (fc.pre) when the output is not finite or huge. */
export function eagerOutput(c: FuzzCase): np.Array {
  const out = c.fn()(...c.inputs());
  fc.pre(flat(out).every((v) => Number.isFinite(v) && Math.abs(v) <= MAGNITUDE_LIMIT));
  return out;
}

/**
 * `actual` is close to `expected` relative to the size of `expected` as a whole: both are float64
 * computations of the same function that may sum in different orders.
 */
export function expectClose(actual: np.Array, expected: np.Array, rtol: number, what: string): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const [a, e] = [flat(actual), flat(expected)];
  const atol = rtol * (1 + maxAbs(e));
  const bad = a.findIndex((v, i) => !Object.is(v, e[i]) && !(Math.abs(v - e[i]) <= atol + rtol * Math.abs(e[i])));
  expect(bad, `${what}: at flat index ${bad} got ${a[bad]}, expected ${e[bad]} (rtol ${rtol}, atol ${atol})`).toBe(-1);
}

const TIGHT = 1e-12;

/** eager f(x) = jit(f)(x) = jit(jit(f))(x), on the current backend. */
export function checkJit(c: FuzzCase): void {
  const expected = eagerOutput(c);
  expectClose(jit(c.fn())(...c.inputs()), expected, TIGHT, "jit(f)(x) against f(x)");
  expectClose(jit(jit(c.fn()))(...c.inputs()), expected, TIGHT, "jit(jit(f))(x) against f(x)");
}

/** The batched inputs (members stacked along their axis, shared where inAxes is null) and `f` applied to each member. */
function loopOverBatch(c: FuzzCase, f: (...xs: np.Array[]) => np.Array | np.Array[]): { batched: np.Array[]; looped: (np.Array | np.Array[])[] } {
  const shared = c.inputs();
  const members = Array.from({ length: c.batchSize }, (_, b) => c.inputs(b + 1).map((x, i) => (c.inAxes[i] === null ? shared[i] : x)));
  const batched = c.inAxes.map((axis, i) => (axis === null ? shared[i] : np.stack(members.map((m) => m[i]), axis)));
  return { batched, looped: members.map((m) => f(...m)) };
}

/** vmap(f) over a stacked batch equals f applied to each member; also under jit. */
export function checkVmap(c: FuzzCase): void {
  eagerOutput(c);
  const { batched, looped } = loopOverBatch(c, c.fn());
  const expected = np.stack(looped as np.Array[], 0);
  expectClose(vmap(c.fn(), { inAxes: c.inAxes })(...batched), expected, TIGHT, "vmap(f) against a loop of f");
  expectClose(jit(vmap(c.fn(), { inAxes: c.inAxes }))(...batched), expected, TIGHT, "jit(vmap(f)) against a loop of f");
}

const argnums = (c: FuzzCase) => c.inputShapes.map((_, i) => i);

/** sum(f(x) · ct): a scalar whose gradient is the vjp of f with cotangent ct. With `outer`, sum(outer(f(x)) · ct). */
function scalarized(c: FuzzCase, outer: (y: np.Array) => np.Array = (y) => y): (...xs: np.Array[]) => np.Array {
  const f = c.fn();
  const ct = c.cotangent();
  return (...xs) => np.sum(np.multiply(outer(f(...xs)), ct));
}

/**
 * The adjoint identity ⟨ct, J t⟩ = ⟨Jᵀ ct, t⟩ between jvp (forward) and vjp (linearize, then
 * transpose), with random t and ct; both primal outputs equal f(x).
 */
export function checkAdjoint(c: FuzzCase): void {
  const expected = eagerOutput(c);
  const xs = c.inputs();
  const ts = c.tangents();
  const ct = c.cotangent();
  const [y, yDot] = jvp(c.fn(), xs, ts) as [np.Array, np.Array];
  const [yv, pullback] = vjp(c.fn(), ...xs) as [np.Array, (ct: np.Array) => np.Array[]];
  expectClose(y, expected, TIGHT, "jvp's primal output against f(x)");
  expectClose(yv, expected, TIGHT, "vjp's primal output against f(x)");
  const cts = pullback(ct);
  cts.forEach((g, i) => expect(g.shape, `cotangent of input ${i}: shape`).toEqual(xs[i].shape));
  const forward = inner(flat(ct), flat(yDot));
  const reverse = cts.reduce((s, g, i) => s + inner(flat(g), flat(ts[i])), 0);
  const scale = innerScale(flat(ct), flat(yDot)) + cts.reduce((s, g, i) => s + innerScale(flat(g), flat(ts[i])), 0);
  // Floor for Jacobians that cancel to zero: roundoff of terms the size of ct, t and f(x).
  const floor = l1(flat(ct)) * ts.reduce((s, t) => s + l1(flat(t)), 0) * (1 + maxAbs(flat(expected)));
  expect(Math.abs(forward - reverse), `⟨ct, J t⟩ = ${forward} but ⟨Jᵀ ct, t⟩ = ${reverse}`).toBeLessThanOrEqual(1e-9 * scale + 1e-13 * floor);
}

/** ⟨ct, f(x + h t)⟩ as a JS number. */
function pairedAlong(f: (...xs: np.Array[]) => np.Array, xs: readonly np.Array[], ts: readonly np.Array[], ct: readonly number[], h: number): number {
  return inner(ct, flat(f(...xs.map((x, i) => np.add(x, np.multiply(ts[i], h))))));
}

const FD_STEP = 1e-3;

/**
 * jvp along a random t, paired with a random ct, equals the central finite difference of
 * ⟨ct, f(x + h t)⟩ (Richardson-extrapolated from steps h and h/2). A case where the two plain
 * differences disagree is not smooth near x (a cond, while-loop count or comparison switches
 * within the step) and is skipped.
 */
export function checkFiniteDifferences(c: FuzzCase): void {
  const expected = eagerOutput(c);
  const f = c.fn();
  const xs = c.inputs();
  const ts = c.tangents();
  const ct = flat(c.cotangent());
  const central = (h: number) => (pairedAlong(f, xs, ts, ct, h) - pairedAlong(f, xs, ts, ct, -h)) / (2 * h);
  const [coarse, fine] = [central(FD_STEP), central(FD_STEP / 2)];
  const size = 1 + innerScale(ct, flat(expected));
  fc.pre(Math.abs(coarse - fine) <= 1e-3 * (Math.abs(fine) + size));
  const extrapolated = (4 * fine - coarse) / 3;
  const [, yDot] = jvp(f, xs, ts) as [np.Array, np.Array];
  const directional = inner(ct, flat(yDot));
  const tolerance = 1e-6 * (Math.abs(extrapolated) + size);
  expect(Math.abs(directional - extrapolated), `⟨ct, jvp⟩ = ${directional} but finite differences give ${extrapolated}`).toBeLessThanOrEqual(tolerance);
}

/** grad(jit(f)) = jit(grad(f)) = grad(f), with respect to every input, for the scalar ⟨f, ct⟩. */
export function checkGradUnderJit(c: FuzzCase): void {
  eagerOutput(c);
  const xs = c.inputs();
  const options = { argnums: argnums(c) };
  const expected = grad(scalarized(c), options)(...xs) as np.Array[];
  const viaGradOfJit = grad(jit(scalarized(c)), options)(...xs) as np.Array[];
  const viaJitOfGrad = jit(grad(scalarized(c), options))(...xs) as np.Array[];
  expected.forEach((g, i) => {
    expectClose(viaGradOfJit[i], g, TIGHT, `grad(jit(f)) against grad(f), input ${i}`);
    expectClose(viaJitOfGrad[i], g, TIGHT, `jit(grad(f)) against grad(f), input ${i}`);
  });
}

/** vmap(grad(f)) over a batch equals grad(f) of each member, stacked. */
export function checkVmapOfGrad(c: FuzzCase): void {
  eagerOutput(c);
  const options = { argnums: argnums(c) };
  const { batched, looped } = loopOverBatch(c, grad(scalarized(c), options));
  const perExample = vmap(grad(scalarized(c), options), { inAxes: c.inAxes })(...batched) as np.Array[];
  perExample.forEach((g, i) => {
    const expected = np.stack(looped.map((gs) => (gs as np.Array[])[i]), 0);
    expectClose(g, expected, TIGHT, `vmap(grad(f)) against a loop of grad(f), input ${i}`);
  });
}

/** Reverse mode through a whileLoop is a TransformError that names the alternatives. */
export function checkWhileReverseModeIsTypedError(c: FuzzCase): void {
  eagerOutput(c);
  const g = grad(scalarized(c), { argnums: argnums(c) });
  expect(() => g(...c.inputs())).toThrow(TransformError);
  expect(() => g(...c.inputs())).toThrow(/lax\.scan.*foriLoop/);
}

/** jvp(jit(f)) = jit(jvp(f)) = jvp(f), primal and tangent outputs. */
export function checkJvpUnderJit(c: FuzzCase): void {
  eagerOutput(c);
  const xs = c.inputs();
  const ts = c.tangents();
  const [y, yDot] = jvp(c.fn(), xs, ts) as [np.Array, np.Array];
  const [yJ, yDotJ] = jvp(jit(c.fn()), xs, ts) as [np.Array, np.Array];
  const f = c.fn();
  const [yS, yDotS] = jit((ps: np.Array[], tans: np.Array[]) => jvp(f, ps, tans))(xs, ts) as [np.Array, np.Array];
  expectClose(yJ, y, TIGHT, "jvp(jit(f)) primal against jvp(f)");
  expectClose(yDotJ, yDot, TIGHT, "jvp(jit(f)) tangent against jvp(f)");
  expectClose(yS, y, TIGHT, "jit(jvp(f)) primal against jvp(f)");
  expectClose(yDotS, yDot, TIGHT, "jit(jvp(f)) tangent against jvp(f)");
}

/** linearize(f) applied to t equals jvp(f) along t (forward mode, so whileLoop is allowed). */
export function checkLinearize(c: FuzzCase): void {
  const expected = eagerOutput(c);
  const xs = c.inputs();
  const ts = c.tangents();
  const [, yDot] = jvp(c.fn(), xs, ts) as [np.Array, np.Array];
  const [y, fLin] = linearize(c.fn(), ...xs) as [np.Array, (...ts: np.Array[]) => np.Array];
  expectClose(y, expected, TIGHT, "linearize's primal output against f(x)");
  expectClose(fLin(...ts), yDot, TIGHT, "linearize(f)(t) against jvp(f)(t)");
}

/** Σᵢ ⟨aᵢ, bᵢ⟩ over lists of arrays, and the sum of the absolute products (its rounding scale). */
function pairLists(as: readonly np.Array[], bs: readonly np.Array[]): { value: number; scale: number } {
  return as.reduce((acc, a, i) => ({ value: acc.value + inner(flat(a), flat(bs[i])), scale: acc.scale + innerScale(flat(a), flat(bs[i])) }), { value: 0, scale: 0 });
}

/**
 * The Hessian of ⟨sin(f), ct⟩ by forward over reverse (jvp of grad) is symmetric:
 * ⟨s, H t⟩ = ⟨t, H s⟩. The sin makes H nonzero wherever f's Jacobian is, even for a piecewise
 * linear f.
 */
export function checkHessianSymmetry(c: FuzzCase): void {
  const expected = eagerOutput(c);
  const xs = c.inputs();
  const [t, s] = [c.tangents(0), c.tangents(1)];
  const gradient = grad(scalarized(c, np.sin), { argnums: argnums(c) });
  const hvp = (v: np.Array[]) => (jvp((...ps: np.Array[]) => gradient(...ps), xs, v) as [np.Array[], np.Array[]])[1];
  const [sHt, tHs] = [pairLists(s, hvp(t)), pairLists(t, hvp(s))];
  const floor = l1(flat(c.cotangent())) * (1 + maxAbs(flat(expected))) * t.reduce((acc, ti, i) => acc + l1(flat(ti)) * l1(flat(s[i])), 0);
  expect(Math.abs(sHt.value - tHs.value), `⟨s, H t⟩ = ${sHt.value} but ⟨t, H s⟩ = ${tHs.value}`).toBeLessThanOrEqual(1e-9 * (sHt.scale + tHs.scale) + 1e-13 * floor);
}
