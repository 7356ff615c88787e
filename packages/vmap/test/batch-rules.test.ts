/**
 * Every first-order batching rule against the loop it replaces: for every primitive, every
 * dtype it accepts and every conformance case, vmap over members batched at every axis (or
 * not at all), with batch sizes 0, 1 and 3, must give what binding the primitive to each
 * member and stacking gives.
 */
import { type Backend, ConcreteArray, type DType, type FirstOrderPrim, type Prim, ShapedArray, bind1, firstOrderPrimitives, getBackend, lax, setBackend, stageProgram } from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import { wasmBackend } from "@lintra/backend-wasm";
import { acceptedDTypes, caseDTypes, casesFor, declaredGap } from "@lintra/conformance";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { batchRules, vmap } from "../src/index.js";
import { firstOrderBatchRules } from "../src/rules-first-order.js";
import { checkNested, checkPlan, fewPlans, plansFor } from "./batch-harness.js";

const SIZES = [0, 1, 3];
const prims = firstOrderPrimitives()
  .map((p) => p.name)
  .filter((p) => p !== "iota");
const primDTypes: [FirstOrderPrim, DType][] = prims.flatMap((p) => acceptedDTypes(p).map((d) => [p, d] as [FirstOrderPrim, DType]));

interface Suite {
  readonly backend: Backend<any>;
  /** Bit-for-bit results except for accumulated (order-dependent) float results. */
  readonly exact: boolean;
  /** Every plan and size (else a few plans, sizes 0 and 3, no large cases). */
  readonly thorough: boolean;
}

const SUITES: [string, Suite][] = [
  ["cpu", { backend: cpuBackend, exact: true, thorough: true }],
  // Bit for bit on wasm too today; should its SIMD loops and scalar tails ever round a value
  // differently by position, `exact: false` applies the conformance tolerances instead.
  ["wasm", { backend: wasmBackend, exact: true, thorough: false }],
];

function useBackend(backend: Backend<any>) {
  let previous: Backend<any> | undefined;
  beforeAll(() => {
    try {
      previous = getBackend();
    } catch {
      previous = undefined;
    }
    setBackend(backend);
  });
  afterAll(() => {
    if (previous) setBackend(previous);
  });
}

describe.each(SUITES)("vmap of every first-order primitive against a loop (%s)", (_name, suite) => {
  useBackend(suite.backend);

  test.each(primDTypes)("%s %s", (prim, dtype) => {
    const problems: string[] = [];
    let runs = 0;
    const cases = casesFor(prim, dtype).filter((c) => !declaredGap(suite.backend, prim, caseDTypes(c)) && (suite.thorough || !c.large));
    for (const c of cases) {
      const ranks = c.operands.map((o) => o.aval.ndim);
      // Large cases (1e5 elements): one plan, every operand batched at its last axis.
      const plans = c.large ? [ranks] : suite.thorough ? plansFor(ranks) : fewPlans(ranks);
      const sizes = c.large ? [3] : suite.thorough ? SIZES : [0, 3];
      for (const plan of plans) {
        for (const size of sizes) {
          runs++;
          try {
            const found = checkPlan(c, plan, size, suite.backend, { exact: suite.exact, stage: suite.thorough && size === 3 });
            problems.push(...found.map((p) => `${c.name}: ${p}`));
          } catch (e) {
            problems.push(`${c.name}: plan ${JSON.stringify(plan)} size ${size}: threw ${(e as Error).name}: ${(e as Error).message}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    // cpu runs every case; another backend every case it declares support for.
    if (suite.thorough) expect(cases.length).toBeGreaterThan(0);
    expect(runs).toBeGreaterThanOrEqual(cases.length);
  });
});

describe("vmap of vmap, and jit of it, against a loop (cpu)", () => {
  useBackend(cpuBackend);

  // Every primitive, the first dtype it accepts, every case but the large ones.
  test.each(prims.map((p) => [p, acceptedDTypes(p)[0]] as const))("%s %s", (prim, dtype) => {
    const problems: string[] = [];
    const cases = casesFor(prim, dtype).filter((c) => !c.large);
    for (const c of cases) {
      const ranks = c.operands.map((o) => o.aval.ndim);
      // Inner batch last everywhere; and the first operand shared by the inner batch.
      const plans = ranks.length > 1 ? [ranks, ranks.map((r, i) => (i === 0 ? null : r))] : [ranks];
      for (const inner of plans) {
        try {
          problems.push(...checkNested(c, inner, cpuBackend).map((p) => `${c.name}: ${p}`));
        } catch (e) {
          problems.push(`${c.name}: nested ${JSON.stringify(inner)}: threw ${(e as Error).name}: ${(e as Error).message}`);
        }
      }
    }
    expect(cases.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});

describe("the table", () => {
  test("every first-order primitive has a row, and only they do", () => {
    const names = firstOrderPrimitives().map((p) => p.name);
    expect(names.length).toBeGreaterThan(50);
    expect(Object.keys(firstOrderBatchRules).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(typeof firstOrderBatchRules[name], name).toBe("function");
      expect(typeof batchRules[name as Prim], name).toBe("function");
    }
  });

  test("the plans cover batch-first, batch-last and unbatched operands", () => {
    const plans = plansFor([2, 1]).map((p) => JSON.stringify(p));
    for (const p of [[0, 0], [2, 1], [null, 0], [0, null], [1, 1]]) expect(plans).toContain(JSON.stringify(p));
    expect(plans).not.toContain(JSON.stringify([null, null]));
    const capped = plansFor([3, 2, 1, 1]).map((p) => JSON.stringify(p));
    for (const p of [[0, 0, 0, 0], [3, 2, 1, 1], [null, 0, 0, 0], [0, 0, 0, null], [0, 0, 0, 1]]) expect(capped).toContain(JSON.stringify(p));
  });
});

describe("iota", () => {
  useBackend(cpuBackend);

  test("has no operands, so its row answers one unbatched iota", () => {
    const params = { dtype: "int32" as DType, shape: [2, 3], dimension: 1 };
    const [y, d] = firstOrderBatchRules.iota([], [], params, 4);
    expect(d).toBeNull();
    expect(y.shape).toEqual([2, 3]);
    expect([...(y as ConcreteArray).readSync()]).toEqual([0, 1, 2, 0, 1, 2]);
  });

  test("vmap of a function returning an iota broadcasts it over the batch", () => {
    const f = (_x: ConcreteArray) => bind1("iota", [], { dtype: "float32", shape: [3], dimension: 0 });
    const y = vmap(f)(ConcreteArray.fromTyped([1, 2], [2], "float32")) as ConcreteArray;
    expect(y.shape).toEqual([2, 3]);
    expect([...y.readSync()]).toEqual([0, 1, 2, 0, 1, 2]);
  });
});

const f32 = (...shape: number[]) => new ShapedArray(shape, "float32");
const i32 = (...shape: number[]) => new ShapedArray(shape, "int32");

/** The primitives of the program a rule stages, the batch axis it reports and the output shape. */
function staged<P extends FirstOrderPrim>(prim: P, avals: ShapedArray[], dims: (number | null)[], params: Parameters<(typeof firstOrderBatchRules)[P]>[2], size = 3) {
  let dim: number | null = null;
  const program = stageProgram((...xs) => {
    const [y, d] = firstOrderBatchRules[prim](xs, dims, params as never, size);
    dim = d;
    return [y];
  }, avals);
  return { prims: program.eqns.map((e) => e.prim), dim, shape: program.outAvals[0].shape };
}

describe("rules move the batch axis only when they must", () => {
  useBackend(cpuBackend);

  test("elementwise operands batched at one axis keep it; an unbatched one is broadcast there", () => {
    expect(staged("add", [f32(2, 3, 4), f32(2, 3, 4)], [1, 1], {})).toEqual({ prims: ["add"], dim: 1, shape: [2, 3, 4] });
    expect(staged("add", [f32(2, 3, 4), f32(2, 4)], [1, null], {})).toEqual({ prims: ["broadcast_in_dim", "add"], dim: 1, shape: [2, 3, 4] });
    expect(staged("exp", [f32(2, 3, 4)], [2], {})).toEqual({ prims: ["exp"], dim: 2, shape: [2, 3, 4] });
  });

  test("reductions reduce past the batch axis, which shifts left", () => {
    expect(staged("reduce_sum", [f32(5, 3, 7)], [1], { axes: [0, 1] })).toEqual({ prims: ["reduce_sum"], dim: 0, shape: [3] });
    expect(staged("argmax", [f32(5, 7, 3)], [2], { axis: 0 })).toEqual({ prims: ["argmax"], dim: 1, shape: [7, 3] });
  });

  test("movement keeps the batch axis where it is (reshape puts it first)", () => {
    expect(staged("transpose", [f32(2, 3, 4)], [1], { permutation: [1, 0] })).toEqual({ prims: ["transpose"], dim: 1, shape: [4, 3, 2] });
    expect(staged("broadcast_in_dim", [f32(4, 5)], [0], { shape: [3, 5], broadcastDimensions: [1] }, 4)).toEqual({ prims: ["broadcast_in_dim"], dim: 1, shape: [3, 4, 5] });
    expect(staged("reshape", [f32(2, 3, 4)], [1], { newSizes: [8] })).toEqual({ prims: ["transpose", "reshape"], dim: 0, shape: [3, 8] });
  });

  test("dot_general batches by dimension numbers, never a loop, with one side batched or both", () => {
    const matmul = { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] };
    expect(staged("dot_general", [f32(2, 5, 3), f32(5, 7)], [2, null], matmul)).toEqual({ prims: ["dot_general"], dim: 1, shape: [2, 3, 7] });
    expect(staged("dot_general", [f32(2, 5), f32(5, 3, 7)], [null, 1], matmul)).toEqual({ prims: ["dot_general"], dim: 1, shape: [2, 3, 7] });
    expect(staged("dot_general", [f32(3, 2, 5), f32(5, 7, 3)], [0, 2], matmul)).toEqual({ prims: ["dot_general"], dim: 0, shape: [3, 2, 7] });
  });

  test("indexing with shared indices keeps the batch axis; per-member starts become a gather", () => {
    expect(staged("gather", [f32(5, 4, 3), i32(6)], [2, null], { axes: [0] })).toEqual({ prims: ["gather"], dim: 2, shape: [6, 4, 3] });
    const dyn = staged("dynamic_slice", [f32(5, 7), i32(3), i32()], [null, 0, null], { sliceSizes: [2, 3] });
    expect(dyn.prims).toContain("gather");
    expect(dyn.prims).not.toContain("dynamic_slice");
    expect(dyn).toMatchObject({ dim: 0, shape: [3, 2, 3] });
  });

  test("a batched padding value is selected in by a mask (batch first)", () => {
    const x = ConcreteArray.fromTyped([1, 2, 3, 4], [2, 2], "float32");
    const v = ConcreteArray.fromTyped([-1, -2], [2], "float32");
    const y = vmap((a: ConcreteArray, b: ConcreteArray) => lax.pad(a, b, [[1, 0, 0]]), { inAxes: [0, 0] })(x, v) as ConcreteArray;
    expect([...y.readSync()]).toEqual([-1, 1, 2, -2, 3, 4]);
  });
});
