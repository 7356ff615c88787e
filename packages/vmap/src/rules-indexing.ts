/**
 * Batching rules of the indexing primitives. With indices (or starts) shared by every member,
 * the batch axis is one more axis the primitive leaves alone. With per-member indices, each
 * member must read (write) its own slice of the operand: as in JAX, the operand's batch axis
 * is indexed too, by an added iota index (member b reads slice b), and a batched
 * dynamic_slice / dynamic_update_slice becomes a gather over every element of its window.
 */
import { type Tracer, lax, ops, shapeSize } from "@lintra/core-ir";
import { batchFirst, batchedAxis, moveBatchAxis } from "./batch-axis.js";
import type { BatchRule1 } from "./batch-rules.js";
import type { BatchDim } from "./batch-trace.js";
import { type FamilyBatchRules, alignBatch, insertAt, range } from "./rules-shared.js";

const int32 = (shape: readonly number[], v: number) => ops.full(shape, v, "int32");
const allNull = (dims: readonly BatchDim[]) => dims.every((d) => d === null);

/** How many axes of an (unbatched) operand before `d` are not in `axes`: where an un-indexed axis lands among the rest. */
const restBefore = (d: number, axes: readonly number[]) => range(d).filter((a) => !axes.includes(a)).length;

/** Clamp an int32 scalar (or [B] vector) into [0, hi], as the dynamic slices clamp their starts. */
const clampStart = (s: Tracer, hi: number) => lax.max(lax.min(s, int32(s.shape, hi)), int32(s.shape, 0));

/**
 * gather. Shared indices: x's batch axis is one more un-indexed axis, so it lands among the
 * output's rest axes. Batched indices and shared x: the index batch axis is the output's.
 * Both batched: the index arrays' batch axis plus an iota index into x's batch axis.
 */
const gatherBatch: BatchRule1<"gather"> = ([x, ...idx], [xd, ...ids], { axes }, size) => {
  if (allNull(ids)) return [lax.gather(x, idx, axes.map((a) => batchedAxis(a, xd!))), idx[0].ndim + restBefore(xd!, axes)];
  const [indices, k] = alignBatch(idx, ids, size);
  if (xd === null) return [lax.gather(x, indices, axes), k];
  const inner = x.shape.filter((_, a) => a !== xd);
  const outShape = [...indices[0].shape, ...inner.filter((_, a) => !axes.includes(a))];
  // An empty batch: x's batch axis is empty and cannot be indexed; the result is empty too.
  if (size === 0) return [ops.full(outShape, 0, x.dtype), k];
  const member = lax.iota("int32", indices[0].shape, k);
  return [lax.gather(x, [...indices, member], [...axes.map((a) => batchedAxis(a, xd)), xd]), k];
};

/**
 * scatter_add. Shared indices: the batch axis is one more un-indexed axis of x and the
 * matching rest axis of updates. Batched indices: everything batch-first, plus an iota index
 * so that member b adds into its own slice of x.
 */
const scatterAddBatch: BatchRule1<"scatter_add"> = ([x, updates, ...idx], [xd, ud, ...ids], { axes }, size) => {
  const n = idx[0].ndim;
  if (allNull(ids)) {
    const rest = range(x.ndim - (xd === null ? 0 : 1)).filter((a) => !axes.includes(a));
    // Where x's batch axis goes: its own, or (x shared) the rest axis updates have it at, so they need no move.
    const d = xd ?? (ud! >= n ? (rest[ud! - n] ?? x.ndim) : 0);
    const u = moveBatchAxis(updates, ud, n + restBefore(d, axes), size);
    return [lax.scatterAdd(moveBatchAxis(x, xd, d, size), u, idx, axes.map((a) => batchedAxis(a, d))), d];
  }
  const xs = batchFirst(x, xd, size);
  if (size === 0) return [xs, 0]; // an empty batch: nothing to add
  const indices = idx.map((i, j) => batchFirst(i, ids[j], size));
  const member = lax.iota("int32", indices[0].shape, 0);
  return [lax.scatterAdd(xs, batchFirst(updates, ud, size), [...indices, member], [...axes.map((a) => a + 1), 0]), 0];
};

/**
 * dynamic_slice. Shared starts: the batch axis is sliced whole from 0. Per-member starts: a
 * gather of every element of each member's window, at its clamped start plus an iota per axis.
 */
const dynamicSliceBatch: BatchRule1<"dynamic_slice"> = ([x, ...starts], [xd, ...sds], { sliceSizes }, size) => {
  if (allNull(sds)) return [lax.dynamicSlice(x, insertAt(starts, xd!, int32([], 0)), insertAt(sliceSizes, xd!, size)), xd];
  const out = [size, ...sliceSizes];
  if (shapeSize(out) === 0) return [ops.full(out, 0, x.dtype), 0]; // nothing to read (and gather cannot index an empty axis)
  const xs = xd === null ? x : batchFirst(x, xd, size);
  const inner = xd === null ? x.shape : x.shape.filter((_, a) => a !== xd);
  const at = starts.map((s, j) => {
    const start = clampStart(batchFirst(s, sds[j], size), inner[j] - sliceSizes[j]); // [B]
    return lax.add(lax.broadcastInDim(start, out, [0]), lax.iota("int32", out, j + 1));
  });
  if (xd === null) return [lax.gather(xs, at, range(inner.length)), 0];
  return [lax.gather(xs, [lax.iota("int32", out, 0), ...at], range(inner.length + 1)), 0];
};

/**
 * dynamic_update_slice. Shared starts: x and update lined up, the batch axis written whole from
 * 0. Per-member starts: every element of x reads the update at its offset from the member's
 * clamped start (a gather, clamped, so always in range) and keeps it where the offset is
 * inside the window (a select): exact for every dtype, −0 and NaN included.
 */
const dynamicUpdateSliceBatch: BatchRule1<"dynamic_update_slice"> = ([x, update, ...starts], [xd, ud, ...sds], _params, size) => {
  if (allNull(sds)) {
    const [[xs, us], d] = alignBatch([x, update], [xd, ud], size);
    return [lax.dynamicUpdateSlice(xs, us, insertAt(starts, d, int32([], 0))), d];
  }
  const xs = batchFirst(x, xd, size);
  const full = xs.shape;
  const inner = full.slice(1);
  const uInner = ud === null ? update.shape : update.shape.filter((_, a) => a !== ud);
  // Nothing to write: an empty batch, an empty x or an empty update.
  if (shapeSize(full) === 0 || shapeSize(uInner) === 0) return [xs, 0];
  const offsets = starts.map((s, j) => {
    const start = clampStart(batchFirst(s, sds[j], size), inner[j] - uInner[j]);
    return lax.sub(lax.iota("int32", full, j + 1), lax.broadcastInDim(start, full, [0]));
  });
  const inside = offsets
    .map((o, j) => lax.and(lax.ge(o, int32(full, 0)), lax.lt(o, int32(full, uInner[j]))))
    .reduce((a, b) => lax.and(a, b));
  const read =
    ud === null
      ? lax.gather(update, offsets, range(inner.length))
      : lax.gather(batchFirst(update, ud, size), [lax.iota("int32", full, 0), ...offsets], range(inner.length + 1));
  return [lax.select(inside, read, xs), 0];
};

export const indexingBatchRules = {
  gather: gatherBatch,
  scatter_add: scatterAddBatch,
  dynamic_slice: dynamicSliceBatch,
  dynamic_update_slice: dynamicUpdateSliceBatch,
} satisfies FamilyBatchRules;
