import type { FirstOrderPrim, Params, Prim, Tracer } from "@lintra/core-ir";
import { condBatch, customJvpBatch, customLinBatch, customVjpBatch, checkpointBatch, jitBatch, nameBatch, scanBatch, whileBatch } from "./batch-higher-order.js";
import type { BatchDim } from "./batch-trace.js";
import { firstOrderBatchRules } from "./rules-first-order.js";

/**
 * Batching for one primitive: the inputs (batched along `dims`; null = not batched, at
 * least one is), the params and the batch size in; the outputs and where their batch
 * axes are out. A rule moves a batch axis only when the primitive needs it elsewhere.
 */
export type BatchRule<P extends Prim> = (args: Tracer[], dims: BatchDim[], params: Params<P>, axisSize: number) => [Tracer[], BatchDim[]];

/** The one-output form the first-order rows are written in. */
export type BatchRule1<P extends Prim> = (args: Tracer[], dims: BatchDim[], params: Params<P>, axisSize: number) => [Tracer, BatchDim];

function oneOutput(rows: { [P in FirstOrderPrim]: BatchRule1<P> }): { [P in FirstOrderPrim]: BatchRule<P> } {
  const out: Record<string, BatchRule<never>> = {};
  for (const [name, rule] of Object.entries(rows) as [string, BatchRule1<never>][]) {
    out[name] = (args, dims, params, size) => {
      const [y, d] = rule(args, dims, params, size);
      return [[y], [d]];
    };
  }
  return out as { [P in FirstOrderPrim]: BatchRule<P> };
}

/** Every primitive's batching rule; the compiler rejects a missing row. */
export const batchRules: { [P in Prim]: BatchRule<P> } = {
  ...oneOutput(firstOrderBatchRules),
  jit: jitBatch, // a jit of the batched body
  checkpoint: checkpointBatch, // a checkpoint of the batched body
  name: nameBatch, // the identity
  cond: condBatch, // batched index: a select over every branch's outputs; else a cond of batched branches
  scan: scanBatch, // batched carries and xs, the batch axis after the scanned one
  while: whileBatch, // batched predicate: run until every member is done, holding finished ones
  custom_jvp_call: customJvpBatch, // the batched function with the batched rule
  custom_vjp_call: customVjpBatch, // the batched primal (bwd is not batched)
  custom_lin: customLinBatch,
};
