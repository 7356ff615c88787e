/**
 * The batching rules of the first-order primitives, one row per primitive, grouped by family
 * (rules-elementwise/movement/reduce/indexing.ts). The type makes the table complete: the
 * compiler rejects a primitive without a row.
 *
 * Where a rule puts the output's batch axis (it moves one only when the primitive needs it):
 * - elementwise, concatenate: where the first batched operand has it (others lined up there)
 * - rev, slice, transpose, cumsum, pad with a shared value: where the operand has it
 * - reductions, argmax/argmin: the operand's, shifted left by the reduced axes before it
 * - broadcast_in_dim: before the output axis of the next operand axis
 * - reshape, pad with a per-member value: first
 * - dot_general: first (both sides batched), else among the batched side's free axes
 * - indexing: among the rest axes (shared indices), else the indices' batch axis (gather) or first
 */
import type { FirstOrderPrim } from "@lintra/core-ir";
import type { BatchRule1 } from "./batch-rules.js";
import { elementwiseBatchRules } from "./rules-elementwise.js";
import { indexingBatchRules } from "./rules-indexing.js";
import { movementBatchRules } from "./rules-movement.js";
import { reduceBatchRules } from "./rules-reduce.js";

export const firstOrderBatchRules: { [P in FirstOrderPrim]: BatchRule1<P> } = {
  ...elementwiseBatchRules,
  ...movementBatchRules,
  ...reduceBatchRules,
  ...indexingBatchRules,
};
