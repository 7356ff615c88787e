/** What the first-order batching rules of every family share. */
import { type FirstOrderPrim, type Tracer, TransformError } from "@lintra/core-ir";
import { moveBatchAxis } from "./batch-axis.js";
import type { BatchRule1 } from "./batch-rules.js";
import type { BatchDim } from "./batch-trace.js";

/** The rows of a family: each primitive's rule, typed by its params. */
export type FamilyBatchRules = { readonly [P in FirstOrderPrim]?: BatchRule1<P> };

export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

/** `list` with `item` inserted at `at`. */
export const insertAt = <T>(list: readonly T[], at: number, item: T): T[] => [...list.slice(0, at), item, ...list.slice(at)];

/** The first batch axis among `dims` (a rule is only called with at least one). */
export function firstBatched(dims: readonly BatchDim[]): number {
  const d = dims.find((b) => b !== null);
  if (d === undefined || d === null) throw new TransformError("vmap (internal): a batching rule was called with no batched operand");
  return d;
}

/**
 * Operands of one (unbatched) rank with their batch axes at one position: that of the first
 * batched operand. Operands batched elsewhere are transposed there (the only move), and
 * unbatched ones broadcast there. Operands may differ along other axes (concatenate).
 */
export function alignBatch(args: readonly Tracer[], dims: readonly BatchDim[], axisSize: number): [Tracer[], number] {
  const d = firstBatched(dims);
  return [args.map((x, i) => (dims[i] === d ? x : moveBatchAxis(x, dims[i], d, axisSize))), d];
}
