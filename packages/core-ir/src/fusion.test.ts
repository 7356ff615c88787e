import { describe, expect, it } from "vitest";
import { type FusedGroup, type Program, ShapedArray, type Step, type Tracer, Var, fusibleByDefault, lax, planArena, planFusion, stageProgram } from "./index.js";

const f32 = (...shape: number[]) => new ShapedArray(shape, "float32");

/** Each step as the primitives it runs: `[sin mul]` for a group, `dot_general` alone, `dot_general+[add]` with an epilogue. */
const outline = (steps: readonly Step[]) => steps.map((s) => (s.kind === "fused" ? group(s) : s.epilogue ? `${s.eqn.prim}+${group(s.epilogue)}` : s.eqn.prim));
const group = (g: FusedGroup) => `[${g.eqns.map((e) => e.prim).join(" ")}]`;
const groups = (steps: readonly Step[]) => steps.filter((s): s is FusedGroup => s.kind === "fused");
const members = (s: Step) => (s.kind === "fused" ? s.eqns : [s.eqn, ...(s.epilogue?.eqns ?? [])]);

/** Every value is computed before a step reads it, and every equation runs exactly once. */
function expectOrdered(program: Program, steps: readonly Step[]): void {
  const ready = new Set<Var>([...program.inBinders, ...program.constBinders]);
  const ran = steps.flatMap(members);
  expect(new Set(ran).size).toBe(program.eqns.length);
  for (const s of steps) {
    const eqns = members(s);
    const inside = new Set(eqns.flatMap((e) => e.outs));
    for (const e of eqns) for (const a of e.inputs) if (a instanceof Var && !inside.has(a)) expect(ready.has(a)).toBe(true);
    for (const v of inside) ready.add(v);
  }
}

describe("planFusion", () => {
  it("fuses an elementwise chain with its broadcasts into one group with one output", () => {
    const p = stageProgram((x: Tracer, b: Tracer) => {
      const y = lax.add(lax.mul(x, x), lax.broadcastInDim(b, [4, 3], [1]));
      return [lax.mul(lax.tanh(y), lax.exp(lax.neg(y)))];
    }, [f32(4, 3), f32(3)]);
    const steps = planFusion(p);
    expect(outline(steps)).toEqual(["[mul broadcast_in_dim add tanh neg exp mul]"]);
    const [g] = groups(steps);
    expect(g.inputs).toEqual(p.inBinders);
    expect(g.outputs).toEqual([p.outs[0]]);
    expectOrdered(p, steps);
  });

  it("closes a group where something outside reads it, and outputs what outside reads", () => {
    const p = stageProgram((x: Tracer, w: Tracer) => {
      const h = lax.tanh(lax.mul(x, x)); // read by the dot and by the last add
      const d = lax.dotGeneral(h, w, { lhsContracting: [1], rhsContracting: [0] });
      return [lax.add(lax.exp(d), d), lax.sin(h)];
    }, [f32(2, 3), f32(3, 2)]);
    const steps = planFusion(p);
    expect(outline(steps)).toEqual(["[mul tanh]", "dot_general", "[exp add]", "[sin]"]);
    expect(groups(steps)[0].outputs).toEqual([p.eqns[1].outs[0]]);
    expectOrdered(p, steps);
  });

  it("does not fuse across shapes, and never fuses a broadcast of a value computed in the group", () => {
    const p = stageProgram((x: Tracer) => {
      const s = lax.exp(x); // f32[3]
      const b = lax.broadcastInDim(s, [2, 3], [1]);
      return [lax.mul(b, b)];
    }, [f32(3)]);
    const steps = planFusion(p);
    expect(outline(steps)).toEqual(["[exp]", "[broadcast_in_dim mul]"]);
    expectOrdered(p, steps);
  });

  it("merges two open groups an equation reads", () => {
    const p = stageProgram((x: Tracer, y: Tracer, w: Tracer) => {
      const a = lax.sin(x);
      const d = lax.dotGeneral(w, w, { lhsContracting: [1], rhsContracting: [0] }); // unrelated, between the two chains
      const b = lax.cos(y);
      return [lax.add(a, b), d];
    }, [f32(2, 2), f32(2, 2), f32(2, 2)]);
    const steps = planFusion(p);
    expect(outline(steps)).toEqual(["dot_general", "[sin cos add]"]);
    expectOrdered(p, steps);
  });

  it("ends a group with a reduction of its value where the backend folds it, and never starts one with it", () => {
    const p = stageProgram((x: Tracer) => {
      const e = lax.exp(lax.mul(x, x));
      const s = lax.reduceSum(e, [1]); // folds into [mul exp]
      return [lax.reduceMax(x, [1]), lax.log(s), e];
    }, [f32(3, 4)]);
    const steps = planFusion(p, (e) => e.prim.startsWith("reduce_") || e.prim === "mul" || e.prim === "exp" || e.prim === "log");
    expect(outline(steps)).toEqual(["[mul exp reduce_sum]", "reduce_max", "[log]"]);
    const [g] = groups(steps);
    expect(g.reduction).toBe(p.eqns[2]);
    expect(g.outputs).toEqual([p.eqns[1].outs[0], p.eqns[2].outs[0]]); // e is returned too
    expect(outline(planFusion(p))).toEqual(["[mul exp]", "reduce_sum", "reduce_max", "[log]"]); // by default nothing folds
    expectOrdered(p, steps);
  });

  it("respects a backend's choice of what it fuses", () => {
    const p = stageProgram((x: Tracer) => [lax.exp(lax.sin(lax.exp(x)))], [f32(5)]);
    expect(outline(planFusion(p, (e) => e.prim !== "sin"))).toEqual(["[exp]", "sin", "[exp]"]);
  });
});

describe("planFusion with dot_general epilogues", () => {
  const dot = (a: Tracer, b: Tracer) => lax.dotGeneral(a, b, { lhsContracting: [1], rhsContracting: [0] });
  const every = { epilogue: () => true };
  const dense = (x: Tracer, w: Tracer, b: Tracer) => lax.tanh(lax.add(dot(x, w), lax.broadcastInDim(b, [4, 2], [1])));

  it("runs a dense layer's bias and activation inside the product", () => {
    const p = stageProgram((x: Tracer, w: Tracer, b: Tracer) => [dense(x, w, b)], [f32(4, 3), f32(3, 2), f32(2)]);
    expect(outline(planFusion(p))).toEqual(["dot_general", "[broadcast_in_dim add tanh]"]); // by default, no epilogue
    const steps = planFusion(p, fusibleByDefault, every);
    expect(outline(steps)).toEqual(["dot_general+[broadcast_in_dim add tanh]"]);
    const [s] = steps;
    expect(s.kind === "eqn" && s.epilogue!.outputs).toEqual([p.outs[0]]);
    expectOrdered(p, steps);
  });

  it("asks the backend, with the product and the group", () => {
    const p = stageProgram((x: Tracer, w: Tracer, b: Tracer) => [dense(x, w, b)], [f32(4, 3), f32(3, 2), f32(2)]);
    const asked: [string, string][] = [];
    const steps = planFusion(p, fusibleByDefault, { epilogue: (d, g) => (asked.push([d.prim, group(g)]), false) });
    expect(asked).toEqual([["dot_general", "[broadcast_in_dim add tanh]"]]);
    expect(outline(steps)).toEqual(["dot_general", "[broadcast_in_dim add tanh]"]);
  });

  it("takes the later of two products a group adds, the earlier being ready by then", () => {
    const p = stageProgram((x: Tracer, w: Tracer, v: Tracer) => [lax.exp(lax.add(dot(x, w), dot(x, v)))], [f32(4, 3), f32(3, 2), f32(3, 2)]);
    const steps = planFusion(p, fusibleByDefault, every);
    expect(outline(steps)).toEqual(["dot_general", "dot_general+[add exp]"]);
    expect(steps[1].kind === "eqn" && steps[1].eqn).toBe(p.eqns[1]);
    expectOrdered(p, steps);
  });

  const refusals: [string, (x: Tracer, w: Tracer, r: Tracer) => Tracer[], string[]][] = [
    ["the product is returned too", (x, w, r) => { const d = dot(x, w); return [lax.add(d, r), d]; }, ["dot_general", "[add]"]],
    ["something outside the group reads the product", (x, w, r) => { const d = dot(x, w); return [lax.add(d, r), lax.reduceMax(d, [1])]; }, ["dot_general", "reduce_max", "[add]"]],
    ["the group has another shape", (x, w) => [lax.exp(lax.broadcastInDim(dot(x, w), [5, 4, 2], [1, 2]))], ["dot_general", "[broadcast_in_dim exp]"]],
    ["the group ends with a reduction", (x, w) => [lax.reduceSum(lax.exp(dot(x, w)), [1])], ["dot_general", "[exp reduce_sum]"]],
    [
      "another operand is computed after the product",
      (x, w, r) => { const d = dot(x, w); const s = lax.reduceSum(lax.broadcastInDim(r, [4, 2, 3], [0, 1]), [2]); return [lax.add(d, s)]; },
      ["dot_general", "[broadcast_in_dim reduce_sum]", "[add]"],
    ],
  ];
  it.each(refusals)("leaves the group apart when %s", (_, f, expected) => {
    const p = stageProgram(f, [f32(4, 3), f32(3, 2), f32(4, 2)]);
    const folds = (e: { prim: string }) => e.prim !== "reduce_max" && (e.prim === "reduce_sum" || fusibleByDefault(e as never));
    const steps = planFusion(p, folds, every);
    expect(outline(steps)).toEqual(expected);
    expectOrdered(p, steps);
  });

  it("never takes a product read through a broadcast", () => {
    const p = stageProgram((x: Tracer, w: Tracer) => {
      const d = dot(x, w);
      return [lax.add(d, lax.broadcastInDim(d, [4, 1], [0, 1]))]; // a broadcast that changes nothing, still a broadcast
    }, [f32(4, 3), f32(3, 1)]);
    const steps = planFusion(p, fusibleByDefault, every);
    expect(outline(steps)).toEqual(["dot_general", "[broadcast_in_dim add]"]);
    expectOrdered(p, steps);
  });
});

describe("planArena", () => {
  it("lets values whose lifetimes do not overlap share bytes", () => {
    const plan = planArena([
      { bytes: 100, def: 0, lastUse: 1 },
      { bytes: 100, def: 1, lastUse: 2 },
      { bytes: 100, def: 2, lastUse: 3 }, // the first is dead by now
    ]);
    expect(plan.offsets).toEqual([0, 128, 0]);
    expect(plan.size).toBe(256);
  });

  it("takes the place of an input dying at the step only where the backend allows it", () => {
    const values = [
      { bytes: 64, def: 0, lastUse: 1 },
      { bytes: 64, def: 1, lastUse: 2 },
    ];
    expect(planArena(values).offsets).toEqual([0, 64]);
    expect(planArena([values[0], { ...values[1], inPlaceOf: [0] }]).offsets).toEqual([0, 0]);
  });

  it("never overlaps two outputs of one step, even unread ones", () => {
    const plan = planArena([
      { bytes: 10, def: 0, lastUse: 0 },
      { bytes: 10, def: 0, lastUse: 0 },
    ]);
    expect(plan.offsets).toEqual([0, 64]);
  });
});
