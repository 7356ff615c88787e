import { makeProgram } from "lintra";
import { describe, expect, it } from "vitest";
import { type Row, agrees, compare } from "../src/zil/compare.js";
import { buildGraph } from "../src/zil/graph.js";
import { type Sizes, mlp, skipShared } from "../src/zil/models.js";

const sizes: Sizes = { batch: 4, inputs: 3, hidden: 4, outputs: 2 };
const models = { mlp: mlp(sizes), skipShared: skipShared(sizes) };
const rtol = 1e-10;

const worst = (rows: readonly Row[]) => Math.max(...rows.map((r) => r.maxDiff / Math.max(1, r.maxGrad)));

describe("Z-IL on a lintra program", () => {
  for (const [name, model] of Object.entries(models)) {
    it(`${name}: every weight update equals grad's`, () => {
      const { rows } = compare(model);
      expect(rows.map((r) => r.param)).toEqual(model.paramNames);
      for (const r of rows) {
        expect(r.maxGrad, r.param).toBeGreaterThan(1e-4);
        expect(r.maxDiff, r.param).toBeLessThanOrEqual(rtol * Math.max(1, r.maxGrad));
      }
    });

    it(`${name}: the leveled graph's edges each span one level`, () => {
      const { params, data, loss } = model;
      const graph = buildGraph(makeProgram(loss)(...params, ...data), params.length, data);
      expect(graph.vertices[graph.output].level).toBe(0);
      for (const v of graph.vertices) for (const s of v.inputs) if (s.kind === "vertex") expect(graph.vertices[s.vertex].level).toBe(v.level + 1);
      expect(graph.identities > 0).toBe(name === "skipShared");
    });

    it(`${name}: γ ≠ 1 does not reproduce grad`, () => {
      expect(agrees(compare(model, { gamma: 0.5 }).rows, rtol)).toBe(false);
    });

    it(`${name}: updating every weight at the same step does not reproduce grad`, () => {
      expect(agrees(compare(model, { schedule: "last-step" }).rows, rtol)).toBe(false);
    });
  }

  it("skip connection: without identity vertices (graph not leveled) Z-IL does not reproduce grad", () => {
    const { rows } = compare(models.skipShared, { level: false });
    expect(worst(rows)).toBeGreaterThan(1e-3);
  });

  it("shared weight: applying updates in place during inference does not reproduce grad", () => {
    expect(worst(compare(models.skipShared, { apply: "in-place", alpha: 0.1 }).rows)).toBeGreaterThan(1e-3);
    // For the MLP, whose parameters each belong to one vertex, in place is still exact.
    expect(agrees(compare(models.mlp, { apply: "in-place", alpha: 0.1 }).rows, rtol)).toBe(true);
  });
});
