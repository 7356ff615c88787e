/**
 * Batching rules of the reductions and of dot_general. A reduction reduces the same axes,
 * renumbered past the batch axis, and the batch axis stays (shifted left by the reduced axes
 * before it). dot_general never loops: the batch axis becomes one more batch dimension of
 * the contraction, or — when one side only is batched — one more free dimension of that side.
 */
import { type Params, bind1, lax } from "@lintra/core-ir";
import { batchedAxis } from "./batch-axis.js";
import type { BatchRule1 } from "./batch-rules.js";
import type { BatchDim } from "./batch-trace.js";
import { type FamilyBatchRules, range } from "./rules-shared.js";

/** The axes of an unbatched value, as axes of the value batched at `dim` (unchanged when it is not batched). */
const axesPast = (axes: readonly number[], dim: BatchDim): number[] => (dim === null ? [...axes] : axes.map((a) => batchedAxis(a, dim)));

/** reduce_*: the same axes past the batch axis; the batch axis moves left by the reduced axes before it. */
function reduction<P extends "reduce_sum" | "reduce_max" | "reduce_min" | "reduce_prod">(prim: P): BatchRule1<P> {
  return ([x], [d], params: Params<P>) => {
    const { axes } = params as Params<"reduce_sum">;
    const y = bind1(prim, [x], { axes: axesPast(axes, d) } as Params<P>);
    return [y, d! - axes.filter((a) => a < d!).length];
  };
}

/** argmax/argmin: the same axis past the batch axis; the batch axis moves left if that axis was before it. */
function argReduction<P extends "argmax" | "argmin">(prim: P): BatchRule1<P> {
  return ([x], [d], params: Params<P>) => {
    const { axis } = params as Params<"argmax">;
    return [bind1(prim, [x], { axis: batchedAxis(axis, d!) } as Params<P>), axis < d! ? d! - 1 : d];
  };
}

/**
 * dot_general. Both sides batched: their batch axes pair up as a new leading batch dimension,
 * so the output's batch axis is 0. One side batched: its batch axis is a free dimension of that
 * side, and the output puts it among that side's free dimensions, in axis order, after the
 * batch dimensions (and, for rhs, after lhs's free dimensions).
 */
const dotGeneralBatch: BatchRule1<"dot_general"> = ([lhs, rhs], [ld, rd], p) => {
  const dims = {
    lhsContracting: axesPast(p.lhsContracting, ld),
    rhsContracting: axesPast(p.rhsContracting, rd),
    lhsBatch: axesPast(p.lhsBatch, ld),
    rhsBatch: axesPast(p.rhsBatch, rd),
  };
  if (ld !== null && rd !== null) {
    return [lax.dotGeneral(lhs, rhs, { ...dims, lhsBatch: [ld, ...dims.lhsBatch], rhsBatch: [rd, ...dims.rhsBatch] }), 0];
  }
  /** Free dimensions of one (unbatched) side: those neither contracted nor batch. */
  const free = (ndim: number, contracting: readonly number[], batch: readonly number[]) =>
    range(ndim).filter((i) => !contracting.includes(i) && !batch.includes(i));
  const nBatch = p.lhsBatch.length;
  const out =
    ld !== null
      ? nBatch + free(lhs.ndim - 1, p.lhsContracting, p.lhsBatch).filter((i) => i < ld).length
      : nBatch + free(lhs.ndim, p.lhsContracting, p.lhsBatch).length + free(rhs.ndim - 1, p.rhsContracting, p.rhsBatch).filter((i) => i < rd!).length;
  return [lax.dotGeneral(lhs, rhs, dims), out];
};

export const reduceBatchRules = {
  reduce_sum: reduction("reduce_sum"),
  reduce_max: reduction("reduce_max"),
  reduce_min: reduction("reduce_min"),
  reduce_prod: reduction("reduce_prod"),
  argmax: argReduction("argmax"),
  argmin: argReduction("argmin"),
  cumsum: ([x], [d], { axis, reverse }) => [lax.cumsum(x, batchedAxis(axis, d!), { reverse }), d], // the running axis renumbered; batch axis stays
  dot_general: dotGeneralBatch,
} satisfies FamilyBatchRules;
