/**
 * The harness of the batching-rule tests: members of a batch made from a conformance case,
 * their host-side stacking along any axis, the plans (which operands are batched, where),
 * and the independent reference — bind applied to each member in a loop, stacked.
 */
import { type AnyTypedArray, type Backend, ConcreteArray, type DType, ShapedArray, allocTyped, bind1, isFloat, jit, shapeSize, stageProgram, typecheck } from "@lintra/core-ir";
import { type Case, compareValues, hostData, outputAval, seedOf, toleranceFor } from "@lintra/conformance";
import { type Axes, vmap } from "../src/index.js";

type BatchDim = number | null;

/** Member k of operand data: k = 0 the case's own data; others rotated (and new random draws), so members differ. */
function perturb(data: AnyTypedArray, dtype: DType, k: number): AnyTypedArray {
  if (k === 0) return data;
  const n = data.length;
  const out = allocTyped(dtype, n);
  if (n >= 2) {
    for (let i = 0; i < n; i++) out[i] = data[(i + k) % n];
    return out;
  }
  // A scalar (a start index, a padding value): shifted, staying in range.
  for (let i = 0; i < n; i++) {
    const v = data[i];
    out[i] = dtype === "bool" ? v ^ (k & 1) : dtype === "int32" ? (v + k <= 2147483647 ? v + k : v - k) : v + 0.375 * k;
  }
  return out;
}

/** `size` members of every operand of `c` (each a typed array of the operand's aval). */
export function membersOf(c: Case, size: number): AnyTypedArray[][] {
  const base = hostData(c);
  const seed = seedOf(c.name);
  return c.operands.map((o, i) =>
    Array.from({ length: size }, (_, k) => (k === 0 ? base[i] : perturb(o.data(seed + 7919 * i + 1_000_003 * k), o.aval.dtype, k))),
  );
}

/** Members of `aval` stacked along a new axis `dim` (row-major data of the batched shape). */
export function stackAt(members: readonly AnyTypedArray[], aval: ShapedArray, dim: number): AnyTypedArray {
  const b = members.length;
  const outer = shapeSize(aval.shape.slice(0, dim));
  const inner = shapeSize(aval.shape.slice(dim));
  const out = allocTyped(aval.dtype, b * aval.size);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < b; k++) out.set(members[k].subarray(o * inner, (o + 1) * inner) as never, (o * b + k) * inner);
  }
  return out;
}

export const withBatch = (shape: readonly number[], dim: number, size: number): number[] => [...shape.slice(0, dim), size, ...shape.slice(dim)];

/**
 * Which operands are batched and where: every combination of null and 0..rank per operand
 * when there are at most `cap` of them; otherwise all at each common position, and for each
 * operand: it alone unbatched (the others first or last), and it alone last (others first).
 */
export function plansFor(ranks: readonly number[], cap = 64): BatchDim[][] {
  if (ranks.length === 0) return [];
  const options = ranks.map((r) => [null, ...Array.from({ length: r + 1 }, (_, i) => i)]);
  const total = options.reduce((n, o) => n * o.length, 1);
  let plans: BatchDim[][];
  if (total <= cap) {
    plans = options.reduce<BatchDim[][]>((acc, o) => acc.flatMap((p) => o.map((d) => [...p, d])), [[]]);
  } else {
    const last = ranks.map((r) => r);
    const first = ranks.map(() => 0);
    const common = Math.min(...ranks);
    plans = [first, last, ...Array.from({ length: common + 1 }, (_, p) => ranks.map(() => p))];
    ranks.forEach((_, i) => {
      const without = (p: BatchDim[]) => p.map((d, j) => (j === i ? null : d));
      plans.push(without(first), without(last), first.map((d, j) => (j === i ? last[j] : d)));
    });
  }
  const seen = new Set<string>();
  return plans.filter((p) => p.some((d) => d !== null) && !seen.has(JSON.stringify(p)) && seen.add(JSON.stringify(p)));
}

/** A few plans for slower backends: all first, all last, the first operand alone unbatched (or alone batched). */
export function fewPlans(ranks: readonly number[]): BatchDim[][] {
  const plans: BatchDim[][] = [ranks.map(() => 0), ranks.map((r) => r), ranks.map((r, i) => (i === 0 ? null : r))];
  if (ranks.length > 1) plans.push(ranks.map((r, i) => (i === 0 ? r : null)));
  const seen = new Set<string>();
  return plans.filter((p) => p.some((d) => d !== null) && !seen.has(JSON.stringify(p)) && seen.add(JSON.stringify(p)));
}

const upload = (data: AnyTypedArray, shape: readonly number[], dtype: DType, backend: Backend<any>) => ConcreteArray.fromTyped(data, shape, dtype, backend);

/** The reference: the primitive on each member (unbatched operands: member 0 every time), stacked along axis 0. */
function loopReference(c: Case, members: AnyTypedArray[][], plan: readonly BatchDim[], size: number, backend: Backend<any>, abs: boolean): AnyTypedArray {
  const out = outputAval(c.prim, c);
  const ys: AnyTypedArray[] = [];
  for (let k = 0; k < size; k++) {
    const xs = c.operands.map((o, i) => {
      const data = members[i][plan[i] === null ? 0 : k];
      return upload(abs && isFloat(o.aval.dtype) ? data.map(Math.abs) : data, o.aval.shape, o.aval.dtype, backend);
    });
    ys.push((bind1(c.prim, xs, c.params) as ConcreteArray).readSync());
  }
  return stackAt(ys, out, 0);
}

export interface Outcome {
  readonly problems: string[];
}

/**
 * vmap of the primitive over the members batched per `plan` (unbatched: member 0), against
 * the loop. `exact`: bit for bit (NaN-aware, −0 distinct) unless the case's tolerance class
 * is accumulated; otherwise the conformance tolerance of the case. `stage`: also stage the
 * batched function and typecheck the program.
 */
export function checkPlan(c: Case, plan: readonly BatchDim[], size: number, backend: Backend<any>, opts: { exact: boolean; stage?: boolean }): string[] {
  const where = `plan ${JSON.stringify(plan)} size ${size}`;
  const out = outputAval(c.prim, c);
  const members = membersOf(c, Math.max(size, 1));
  const args = c.operands.map((o, i) => {
    const d = plan[i];
    if (d === null) return upload(members[i][0], o.aval.shape, o.aval.dtype, backend);
    return upload(stackAt(members[i].slice(0, size), o.aval, d), withBatch(o.aval.shape, d, size), o.aval.dtype, backend);
  });
  const f = (...xs: ConcreteArray[]) => bind1(c.prim, xs, c.params);
  const y = vmap(f, { inAxes: plan as Axes }) (...args) as ConcreteArray;
  const problems: string[] = [];
  const wantShape = [size, ...out.shape];
  if (y.shape.join() !== wantShape.join()) return [`${where}: shape [${y.shape}]; expected [${wantShape}]`];
  if (y.dtype !== out.dtype) return [`${where}: dtype ${y.dtype}; expected ${out.dtype}`];
  const actual = y.readSync();
  const expected = loopReference(c, members, plan, size, backend, false);
  const accumulated = c.tolerance === "accumulated" && isFloat(out.dtype);
  const tol = opts.exact && !accumulated ? ({ kind: "exact" } as const) : toleranceFor(c.tolerance, out.dtype, c.terms);
  const scale = tol.kind === "accumulated" ? loopReference(c, members, plan, size, backend, true) : undefined;
  problems.push(...compareValues(actual, expected, tol, scale).map((p) => `${where}: ${p}`));
  if (opts.stage) {
    const avals = args.map((a) => a.aval);
    try {
      typecheck(stageProgram((...xs) => [vmap(f, { inAxes: plan as Axes })(...(xs as ConcreteArray[]))], avals));
    } catch (e) {
      problems.push(`${where}: staged program: ${(e as Error).message}`);
    }
  }
  return problems;
}

/**
 * vmap of vmap (outer batch 2 at axis 0, inner batch 3 at `inner[i]`, null = shared by the
 * inner batch), and jit of it, against the loop over all 6 members. Rules then run on
 * tracers of another batch trace (or of the staging trace), constants and iotas included.
 */
export function checkNested(c: Case, inner: readonly BatchDim[], backend: Backend<any>): string[] {
  const [b1, b2] = [2, 3];
  const where = `nested inner plan ${JSON.stringify(inner)}`;
  const out = outputAval(c.prim, c);
  const members = membersOf(c, b1 * b2);
  const pick = (i: number, k: number, j: number) => members[i][inner[i] === null ? k * b2 : k * b2 + j];
  const args = c.operands.map((o, i) => {
    const d = inner[i];
    const rows = Array.from({ length: b1 }, (_, k) => (d === null ? pick(i, k, 0) : stackAt(Array.from({ length: b2 }, (_, j) => pick(i, k, j)), o.aval, d)));
    const innerShape = d === null ? o.aval.shape : withBatch(o.aval.shape, d, b2);
    return upload(stackAt(rows, new ShapedArray(innerShape, o.aval.dtype), 0), [b1, ...innerShape], o.aval.dtype, backend);
  });
  const f = (...xs: ConcreteArray[]) => bind1(c.prim, xs, c.params);
  const g = vmap(vmap(f, { inAxes: inner as Axes }), { inAxes: 0 });
  const loop = (abs: boolean) => {
    const ys: AnyTypedArray[] = [];
    for (let k = 0; k < b1; k++) {
      for (let j = 0; j < b2; j++) {
        const xs = c.operands.map((o, i) => {
          const data = pick(i, k, j);
          return upload(abs && isFloat(o.aval.dtype) ? data.map(Math.abs) : data, o.aval.shape, o.aval.dtype, backend);
        });
        ys.push((bind1(c.prim, xs, c.params) as ConcreteArray).readSync());
      }
    }
    return stackAt(ys, out, 0);
  };
  const expected = loop(false);
  const accumulated = c.tolerance === "accumulated" && isFloat(out.dtype);
  const tol = accumulated ? toleranceFor(c.tolerance, out.dtype, c.terms) : ({ kind: "exact" } as const);
  const scale = accumulated ? loop(true) : undefined;
  const problems: string[] = [];
  for (const [how, run] of [["vmap∘vmap", g], ["jit(vmap∘vmap)", jit(g)]] as const) {
    const y = run(...args) as ConcreteArray;
    const want = [b1, b2, ...out.shape];
    if (y.shape.join() !== want.join()) {
      problems.push(`${where} ${how}: shape [${y.shape}]; expected [${want}]`);
      continue;
    }
    problems.push(...compareValues(y.readSync(), expected, tol, scale).map((p) => `${where} ${how}: ${p}`));
  }
  return problems;
}
