import { type AnyTypedArray, type SingleKernelTable, type Params, type ShapedArray, allocTyped, shapeSize } from "@lintra/core-ir";
import { contiguous, copyStrided, permutedView } from "./strided.js";

/**
 * Lay out an operand as dims [first…, second…, third…], each group flattened to one
 * size. The operand is copied (a transpose) only when its dims are not already in order.
 */
function canonical(
  x: AnyTypedArray,
  aval: ShapedArray,
  groups: readonly (readonly number[])[],
): { data: AnyTypedArray; sizes: number[] } {
  const sizes = groups.map((g) => shapeSize(g.map((d) => aval.shape[d])));
  const perm = groups.flat();
  if (perm.every((p, i) => p === i)) return { data: x, sizes };
  const { shape, view } = permutedView(aval.shape, perm);
  const data = allocTyped(aval.dtype, aval.size);
  copyStrided(shape, x, view, data, contiguous(shape));
  return { data, sizes };
}

/** The dims of a rank-n operand that are neither batch nor contracting, in order. */
const freeDims = (n: number, batch: readonly number[], contracting: readonly number[]): number[] =>
  Array.from({ length: n }, (_, d) => d).filter((d) => !batch.includes(d) && !contracting.includes(d));

type Matmul = (L: AnyTypedArray, R: AnyTypedArray, y: AnyTypedArray, B: number, M: number, K: number, N: number) => void;

/**
 * out[b, i, j] = Σ_k L[b, i, k] · R[b, k, j] over canonical [B, M, K] and [B, K, N]
 * layouts, in i-k-j order so the innermost loop runs along contiguous rows of R. Each
 * output row accumulates in a row of doubles and rounds once on store; four rows of R
 * go through each pass over the accumulator (about twice as fast as one).
 */
const matmulFloat: Matmul = (L, R, y, B, M, K, N) => {
  const acc = new Float64Array(N);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      const lRow = (b * M + i) * K;
      let k = 0;
      for (; k + 3 < K; k += 4) {
        const a0 = L[lRow + k];
        const a1 = L[lRow + k + 1];
        const a2 = L[lRow + k + 2];
        const a3 = L[lRow + k + 3];
        const r0 = (b * K + k) * N;
        const r1 = r0 + N;
        const r2 = r1 + N;
        const r3 = r2 + N;
        for (let j = 0; j < N; j++) acc[j] += a0 * R[r0 + j] + a1 * R[r1 + j] + a2 * R[r2 + j] + a3 * R[r3 + j];
      }
      for (; k < K; k++) {
        const a = L[lRow + k];
        const r0 = (b * K + k) * N;
        for (let j = 0; j < N; j++) acc[j] += a * R[r0 + j];
      }
      y.set(acc, (b * M + i) * N);
    }
  }
};

/** The same loop in exact int32 arithmetic: products by Math.imul, sums wrapping. */
const matmulInt32: Matmul = (L, R, y, B, M, K, N) => {
  const acc = new Int32Array(N);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      const lRow = (b * M + i) * K;
      for (let k = 0; k < K; k++) {
        const a = L[lRow + k];
        const rRow = (b * K + k) * N;
        for (let j = 0; j < N; j++) acc[j] = (acc[j] + Math.imul(a, R[rRow + j])) | 0;
      }
      y.set(acc, (b * M + i) * N);
    }
  }
};

/** Canonicalise both operands, then one batched matmul; output dims are batch, lhs free, rhs free. */
function dotGeneral(lhs: AnyTypedArray, rhs: AnyTypedArray, lhsAval: ShapedArray, rhsAval: ShapedArray, params: Params<"dot_general">, out: ShapedArray): AnyTypedArray {
  const { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb } = params;
  const l = canonical(lhs, lhsAval, [lb, freeDims(lhsAval.ndim, lb, lc), lc]);
  const r = canonical(rhs, rhsAval, [rb, rc, freeDims(rhsAval.ndim, rb, rc)]);
  const [B, M, K] = l.sizes;
  const y = allocTyped(out.dtype, out.size);
  (out.dtype === "int32" ? matmulInt32 : matmulFloat)(l.data, r.data, y, B, M, K, r.sizes[2]);
  return y;
}

export const dotGeneralKernels = {
  dot_general: ([lhs, rhs], [lhsAval, rhsAval], params, out) => dotGeneral(lhs, rhs, lhsAval, rhsAval, params, out),
} satisfies SingleKernelTable<AnyTypedArray>;
