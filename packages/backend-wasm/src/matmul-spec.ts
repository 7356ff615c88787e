import { Op, Simd } from "./wasm/opcodes.js";
import type { Code } from "./wasm/encoder.js";
import { SimdExt } from "./loop-gen.js";

// The product a GEMM kernel computes, how a dtype maps onto SIMD lanes, and the
// blocking rules (register tile, cache blocks) every part of the kernel agrees on.

/** How a dtype maps onto v128 lanes, and the instructions that act on it. */
export interface LaneType {
  readonly bytes: number;
  readonly lanes: number;
  readonly log2: number;
  readonly splatLoad: number;
  readonly add: number;
  readonly mul: number;
  readonly extract: number;
  readonly load: number;
  readonly store: number;
  readonly scalarAdd: number;
}

export const F32_LANES: LaneType = {
  bytes: 4, lanes: 4, log2: 2, splatLoad: SimdExt.v128_load32_splat, add: Simd.f32x4_add, mul: Simd.f32x4_mul,
  extract: Simd.f32x4_extract_lane, load: Op.f32_load, store: Op.f32_store, scalarAdd: Op.f32_add,
};
export const F64_LANES: LaneType = {
  bytes: 8, lanes: 2, log2: 3, splatLoad: SimdExt.v128_load64_splat, add: Simd.f64x2_add, mul: Simd.f64x2_mul,
  extract: Simd.f64x2_extract_lane, load: Op.f64_load, store: Op.f64_store, scalarAdd: Op.f64_add,
};
// i32x4.mul and i32x4.add wrap modulo 2^32, exactly like Math.imul and `| 0`.
export const I32_LANES: LaneType = {
  bytes: 4, lanes: 4, log2: 2, splatLoad: SimdExt.v128_load32_splat, add: Simd.i32x4_add, mul: Simd.i32x4_mul,
  extract: Simd.i32x4_extract_lane, load: Op.i32_load, store: Op.i32_store, scalarAdd: Op.i32_add,
};

/**
 * One batched product C[b, i, j] = Σ_k A[b, i, k] · B[b, k, j]. A and B are strided views
 * (element strides), so transposed operands need no copy; C is contiguous [batch…, M, N].
 */
export interface GemmSpec {
  readonly M: number;
  readonly K: number;
  readonly N: number;
  readonly aM: number;
  readonly aK: number;
  readonly bK: number;
  readonly bN: number;
  /** Batch axes (outermost first), with the element stride of each in A and in B. */
  readonly batch: readonly { readonly size: number; readonly a: number; readonly b: number }[];
}

/** Register tile (mr rows × nv vectors) and cache blocks (kc deep, mc rows, nc columns). */
export interface Tiling {
  readonly mr: number;
  readonly nv: number;
  readonly kc: number;
  readonly mc: number;
  readonly nc: number;
}

// 5 × 2 vectors: 10 accumulators + 2 B vectors + splat + product fit the 15 xmm
// registers V8 allocates on x64 (a sixth row spills). The k loop is not unrolled:
// V8 hoists an unrolled step's loads above the previous step's arithmetic and spills.
export const DEFAULT_TILING: Tiling = { mr: 5, nv: 2, kc: 256, mc: 120, nc: 2048 };

/** Tile shape for one dtype: the column width of a panel in elements. */
export const panelWidth = (t: LaneType, tile: Tiling) => tile.nv * t.lanes;
export const blockCols = (t: LaneType, tile: Tiling) => Math.max(1, Math.floor(tile.nc / panelWidth(t, tile))) * panelWidth(t, tile);
/**
 * The k block depth: at most tile.kc, and K split evenly (784 = 4 × 196, not 3 × 256 +
 * 16), since a shallow last block pays the micro-kernel's fixed costs for little work.
 */
export const depth = (g: GemmSpec, tile: Tiling) => Math.ceil(g.K / Math.ceil(g.K / tile.kc));
/** The row block height: a multiple of mr, at most about tile.mc, M split evenly. */
export const blockRows = (g: GemmSpec, tile: Tiling) => {
  const mc = Math.max(1, Math.floor(tile.mc / tile.mr)) * tile.mr;
  return Math.ceil(Math.ceil(g.M / Math.ceil(g.M / mc)) / tile.mr) * tile.mr;
};

/**
 * Whether full panels of B are read where they lie instead of packed: when B's rows are
 * contiguous and so few rows of A use each panel that packing would cost more than it
 * saves (packing pays off through reuse across row tiles).
 */
export const readsBInPlace = (g: GemmSpec, tile: Tiling) => g.bN === 1 && g.M <= 2 * tile.mr;

/**
 * Whether blocks of A are packed, tile by tile with k outermost, so the micro-kernel
 * reads one sequential stream: when A's rows are not contiguous along k (a transposed
 * operand, whose k steps are a row length apart and with power-of-two rows evict each
 * other from the cache) and enough panels reuse the packed block.
 */
export const packsA = (t: LaneType, g: GemmSpec, tile: Tiling) => g.aK !== 1 && g.N > 2 * panelWidth(t, tile);

/** Bytes of packed B panels, rounded to keep what follows 16-byte aligned. */
export function bScratchBytes(t: LaneType, g: GemmSpec, tile: Tiling): number {
  const nr = panelWidth(t, tile);
  const ncols = readsBInPlace(g, tile) ? nr : Math.ceil(Math.min(g.N, blockCols(t, tile)) / nr) * nr;
  return Math.ceil((depth(g, tile) * ncols * t.bytes) / 16) * 16;
}

/** Bytes of scratch (packed B panels, then a packed block of A) the kernel needs. */
export function gemmScratchBytes(t: LaneType, g: GemmSpec, tile: Tiling = DEFAULT_TILING): number {
  const aBytes = packsA(t, g, tile) ? blockRows(g, tile) * depth(g, tile) * t.bytes : 0;
  return Math.max(16, bScratchBytes(t, g, tile) + aBytes);
}

/**
 * How the last row block splits into tiles. A ragged tile of few rows runs at a fraction
 * of the speed of a full one, so when it can, the block ends in `fours` tiles of mr − 1
 * rows instead (every count ≥ (mr−1)(mr−2) is a sum of mr's and (mr−1)'s).
 */
export interface RowSplit {
  /** Rows of the last row block. */
  readonly lastRows: number;
  /** Tiles of mr − 1 rows that end the last block. */
  readonly fours: number;
  /** Rows of the single ragged tile that ends it instead (0 for none). */
  readonly edge: number;
}

export function rowSplit(M: number, mr: number, MC: number): RowSplit {
  const lastRows = M - MC * (Math.ceil(M / MC) - 1);
  const r = lastRows % mr;
  const fours = (mr - r) % mr; // (mr − 1)·fours ≡ lastRows (mod mr)
  if (r === 0 || mr < 3) return { lastRows, fours: 0, edge: r };
  if ((mr - 1) * fours <= lastRows) return { lastRows, fours, edge: 0 };
  return { lastRows, fours: 0, edge: r };
}

/** Push `base + Σ local·k` over the [local, k] terms (i32). */
export function sum(c: Code, base: number, ...terms: [number, number][]): Code {
  c.get(base);
  for (const [local, k] of terms) if (k !== 0) c.get(local).i32(k).op(Op.i32_mul, Op.i32_add);
  return c;
}
