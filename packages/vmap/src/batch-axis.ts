/** Moving and materialising batch axes: what batching rules share. */
import { type Tracer, lax } from "@lintra/core-ir";
import type { BatchDim } from "./batch-trace.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** `x` with its batch axis moved from `from` to `to`; an unbatched `x` is broadcast along a new axis at `to`. */
export function moveBatchAxis(x: Tracer, from: BatchDim, to: number, axisSize: number): Tracer {
  if (from === null) {
    const shape = [...x.shape];
    shape.splice(to, 0, axisSize);
    return lax.broadcastInDim(x, shape, range(x.ndim).map((d) => (d < to ? d : d + 1)));
  }
  if (from === to) return x;
  const perm = range(x.ndim).filter((d) => d !== from);
  perm.splice(to, 0, from);
  return lax.transpose(x, perm);
}

/** `x` with its batch axis first (broadcast there if it has none). */
export const batchFirst = (x: Tracer, dim: BatchDim, axisSize: number): Tracer => moveBatchAxis(x, dim, 0, axisSize);

/** An axis of the unbatched value, as an axis of the batched value whose batch axis is at `dim`. */
export const batchedAxis = (axis: number, dim: number): number => (axis < dim ? axis : axis + 1);
