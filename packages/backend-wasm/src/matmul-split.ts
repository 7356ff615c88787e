import type { GemmSpec } from "./matmul-spec.js";

// Splitting one product over threads. Every part computes whole output elements, each
// with the same blocking along k as the unsplit product (the k blocks depend on K alone),
// so the split changes no summation order: results are bit-identical for any part count.

/** A part of a split product: its spec, where its C, A and B start (element offsets), and its first row of C. */
export interface GemmPart {
  readonly spec: GemmSpec;
  readonly offsets: readonly [c: number, a: number, b: number];
  /** The part's first row (0 for a part of a batched product, whose parts take whole batch members). */
  readonly row: number;
}

/**
 * Split `g` into at most `parts` parts over independent outputs: over the outermost batch
 * axis when there is one (a part's C must stay one contiguous run per batch member, which
 * a split of rows would break), else over rows of C in multiples of the tile height `mr`.
 */
export function splitGemm(g: GemmSpec, parts: number, mr: number): GemmPart[] {
  return g.batch.length > 0 ? splitBatch(g, parts) : splitRows(g, parts, mr);
}

function splitRows(g: GemmSpec, parts: number, mr: number): GemmPart[] {
  const rows = Math.ceil(g.M / parts / mr) * mr;
  const out: GemmPart[] = [];
  for (let i0 = 0; i0 < g.M; i0 += rows) {
    out.push({ spec: { ...g, M: Math.min(rows, g.M - i0) }, offsets: [i0 * g.N, i0 * g.aM, 0], row: i0 });
  }
  return out;
}

function splitBatch(g: GemmSpec, parts: number): GemmPart[] {
  const [outer, ...rest] = g.batch;
  const cStride = rest.reduce((n, ax) => n * ax.size, 1) * g.M * g.N;
  const n = Math.min(parts, outer.size);
  const out: GemmPart[] = [];
  for (let p = 0, b0 = 0; p < n; p++) {
    const size = Math.floor(outer.size / n) + (p < outer.size % n ? 1 : 0);
    out.push({ spec: { ...g, batch: [{ ...outer, size }, ...rest] }, offsets: [b0 * cStride, b0 * outer.a, b0 * outer.b], row: 0 });
    b0 += size;
  }
  return out;
}
