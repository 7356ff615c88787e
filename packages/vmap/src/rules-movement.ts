/**
 * Batching rules of the movement primitives: each takes the batch axis along as one more
 * axis its params leave alone (a full slice, no padding, no reversal …). Only reshape moves
 * it (to the front): row-major order mixes every axis, so it must lead.
 */
import { lax, ops } from "@lintra/core-ir";
import { batchFirst, batchedAxis } from "./batch-axis.js";
import type { BatchRule1 } from "./batch-rules.js";
import { type FamilyBatchRules, alignBatch, insertAt, range } from "./rules-shared.js";

/**
 * broadcast_in_dim: the batch axis joins the output just before the output axis of the
 * operand axis that follows it (or at the end), so broadcastDimensions stay increasing.
 */
const broadcastInDimBatch: BatchRule1<"broadcast_in_dim"> = ([x], [d], { shape, broadcastDimensions: bd }, size) => {
  const e = d! < bd.length ? bd[d!] : shape.length;
  const dims = insertAt(bd.map((o) => (o < e ? o : o + 1)), d!, e);
  return [lax.broadcastInDim(x, insertAt(shape, e, size), dims), e];
};

/** reshape: batch axis first (row-major order must keep members apart), then [size, ...newSizes]. */
const reshapeBatch: BatchRule1<"reshape"> = ([x], [d], { newSizes }, size) => [lax.reshape(batchFirst(x, d, size), [size, ...newSizes]), 0];

/** transpose: the batch axis stays at d in the output; the other axes permute as asked. */
const transposeBatch: BatchRule1<"transpose"> = ([x], [d], { permutation }) => {
  const perm = insertAt(permutation.map((p) => batchedAxis(p, d!)), d!, d!);
  return [lax.transpose(x, perm), d];
};

/** rev: reverse the same axes, renumbered past the batch axis. */
const revBatch: BatchRule1<"rev"> = ([x], [d], { dimensions }) => [lax.rev(x, dimensions.map((a) => batchedAxis(a, d!))), d];

/** slice: the batch axis sliced whole (0 to size, stride 1). */
const sliceBatch: BatchRule1<"slice"> = ([x], [d], { startIndices, limitIndices, strides }, size) => [
  lax.slice(x, insertAt(startIndices, d!, 0), insertAt(limitIndices, d!, size), strides && insertAt(strides, d!, 1)),
  d,
];

/**
 * pad: a shared padding value pads every member alike (no padding on the batch axis). A
 * padding value per member (JAX's rule too): pad with any value, then select each member's
 * value wherever a mask — true on the operand's elements, padded with false — is false.
 */
const padBatch: BatchRule1<"pad"> = ([x, v], [xd, vd], { paddingConfig }, size) => {
  if (vd === null) return [lax.pad(x, v, insertAt(paddingConfig, xd!, [0, 0, 0] as const)), xd];
  const xs = batchFirst(x, xd, size);
  const padded = lax.pad(xs, ops.full([], 0, x.dtype), [[0, 0, 0], ...paddingConfig]);
  const inner = xs.shape.slice(1);
  const mask = lax.pad(ops.full(inner, 1, "bool"), ops.full([], 0, "bool"), paddingConfig);
  const out = padded.shape;
  const values = lax.broadcastInDim(batchFirst(v, vd, size), out, [0]);
  return [lax.select(lax.broadcastInDim(mask, out, range(mask.ndim, 1)), padded, values), 0];
};

/** concatenate: operands' batch axes lined up (unbatched ones broadcast), joined along the renumbered axis. */
const concatenateBatch: BatchRule1<"concatenate"> = (args, dims, { dimension }, size) => {
  const [xs, d] = alignBatch(args, dims, size);
  return [lax.concatenate(xs, batchedAxis(dimension, d)), d];
};

export const movementBatchRules = {
  broadcast_in_dim: broadcastInDimBatch,
  reshape: reshapeBatch,
  transpose: transposeBatch,
  rev: revBatch,
  slice: sliceBatch,
  pad: padBatch,
  concatenate: concatenateBatch,
} satisfies FamilyBatchRules;

