// Z-IL's weight updates against backprop's: grad of the same loss.
import { grad, makeProgram, np } from "lintra";
import { type PCGraph, buildGraph } from "./graph.js";
import { type ZilOptions, zil } from "./inference.js";
import type { Model } from "./models.js";

export interface Row {
  readonly param: string;
  /** max |Z-IL − grad|, Z-IL's gradient being −Δθ/α. */
  readonly maxDiff: number;
  readonly maxGrad: number;
}

export interface Comparison {
  readonly graph: PCGraph;
  readonly steps: number;
  readonly rows: readonly Row[];
}

const maxAbs = (a: np.Array) => np.max(np.abs(a)).item();

/** Build the model's graph (leveled unless `level: false`), run Z-IL and compare with `grad`. */
export function compare(model: Model, options: ZilOptions & { level?: boolean } = {}): Comparison {
  const { params, data } = model;
  const program = makeProgram(model.loss)(...params, ...data);
  const graph = buildGraph(program, params.length, data, { level: options.level });
  const { updates, steps } = zil(graph, params, options);
  const alpha = options.alpha ?? 1;
  const argnums = params.map((_, i) => i);
  const grads = grad(model.loss, { argnums })(...params, ...data) as np.Array[];
  const rows = model.paramNames.map((param, i) => ({
    param,
    maxDiff: maxAbs(updates[i].div(-alpha).sub(grads[i])),
    maxGrad: maxAbs(grads[i]),
  }));
  return { graph, steps, rows };
}

/** Whether every parameter agrees to `rtol` × max(1, max |grad|). */
export const agrees = (rows: readonly Row[], rtol: number) => rows.every((r) => r.maxDiff <= rtol * Math.max(1, r.maxGrad));
