import type { Code, ModuleBuilder } from "./wasm/encoder.js";
import { I32, V128 } from "./wasm/encoder.js";
import { Op, Simd } from "./wasm/opcodes.js";
import { SimdExt, addTo, forLoop, inLocal, rowMajorStrides, simdLoad, stridedLoops, v128Zero } from "./loop-gen.js";

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
const panelWidth = (t: LaneType, tile: Tiling) => tile.nv * t.lanes;
const blockCols = (t: LaneType, tile: Tiling) => Math.max(1, Math.floor(tile.nc / panelWidth(t, tile))) * panelWidth(t, tile);
/**
 * The k block depth: at most tile.kc, and K split evenly (784 = 4 × 196, not 3 × 256 +
 * 16), since a shallow last block pays the micro-kernel's fixed costs for little work.
 */
const depth = (g: GemmSpec, tile: Tiling) => Math.ceil(g.K / Math.ceil(g.K / tile.kc));
/** The row block height: a multiple of mr, at most about tile.mc, M split evenly. */
const blockRows = (g: GemmSpec, tile: Tiling) => {
  const mc = Math.max(1, Math.floor(tile.mc / tile.mr)) * tile.mr;
  return Math.ceil(Math.ceil(g.M / Math.ceil(g.M / mc)) / tile.mr) * tile.mr;
};

/**
 * Whether full panels of B are read where they lie instead of packed: when B's rows are
 * contiguous and so few rows of A use each panel that packing would cost more than it
 * saves (packing pays off through reuse across row tiles).
 */
const readsBInPlace = (g: GemmSpec, tile: Tiling) => g.bN === 1 && g.M <= 2 * tile.mr;

/**
 * Whether blocks of A are packed, tile by tile with k outermost, so the micro-kernel
 * reads one sequential stream: when A's rows are not contiguous along k (a transposed
 * operand, whose k steps are a row length apart and with power-of-two rows evict each
 * other from the cache) and enough panels reuse the packed block.
 */
const packsA = (t: LaneType, g: GemmSpec, tile: Tiling) => g.aK !== 1 && g.N > 2 * panelWidth(t, tile);

/** Bytes of packed B panels, rounded to keep what follows 16-byte aligned. */
function bScratchBytes(t: LaneType, g: GemmSpec, tile: Tiling): number {
  const nr = panelWidth(t, tile);
  const ncols = readsBInPlace(g, tile) ? nr : Math.ceil(Math.min(g.N, blockCols(t, tile)) / nr) * nr;
  return Math.ceil((depth(g, tile) * ncols * t.bytes) / 16) * 16;
}

/** Bytes of scratch (packed B panels, then a packed block of A) the kernel needs. */
export function gemmScratchBytes(t: LaneType, g: GemmSpec, tile: Tiling = DEFAULT_TILING): number {
  const aBytes = packsA(t, g, tile) ? blockRows(g, tile) * depth(g, tile) * t.bytes : 0;
  return Math.max(16, bScratchBytes(t, g, tile) + aBytes);
}

interface MicroShape {
  readonly rows: number;
  /** Element strides of A as this kernel reads it (the operand's, or a packed tile's). */
  readonly aM: number;
  readonly aK: number;
  /** Columns of the tile that are stored; the rest of the panel is padding. */
  readonly cols: number;
  /** Bytes from one k row of the B panel to the next. */
  readonly bStride: number;
}

/**
 * The micro-kernel: a rows × (nv·lanes) tile of C held in v128 locals while k runs down
 * one panel of B. Params (a, b, c, kc, accumulate): A's first row, the panel, C's first
 * element, the k count (≥ 1), and whether to add to C instead of overwriting it.
 */
function emitMicro(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling, shape: MicroShape): number {
  const { code: c, index } = m.func([I32, I32, I32, I32, I32], []);
  const [a, b, cp, kc, accumulate] = [0, 1, 2, 3, 4];
  const { nv } = tile;
  const acc = Array.from({ length: shape.rows }, () => Array.from({ length: nv }, () => c.local(V128)));
  const bv = Array.from({ length: nv }, () => c.local(V128));
  const s = c.local(V128);
  for (const row of acc) for (const v of row) (v128Zero(c), c.set(v));
  const k = c.local(I32);
  // A guarded count-up loop: with a bare count-down loop V8 (11.3) scheduled all five
  // splat loads first and spilled three accumulators; in this shape it interleaves them.
  forLoop(c, k, 0, inLocal(kc), 1, () => {
    bv.forEach((v, j) => c.get(b).simdMem(Simd.v128_load, j * 16, 0).set(v));
    acc.forEach((row, r) => {
      c.get(a);
      simdLoad(c, t.splatLoad, t.log2, r * shape.aM * t.bytes);
      c.set(s);
      row.forEach((v, j) => c.get(v).get(s).get(bv[j]).simd(t.mul).simd(t.add).set(v));
    });
    addTo(c, a, shape.aK * t.bytes);
    addTo(c, b, shape.bStride);
  });
  c.get(accumulate).op(Op.if, 0x40);
  storeTile(c, t, g, acc, cp, shape.cols, true);
  c.op(Op.else);
  storeTile(c, t, g, acc, cp, shape.cols, false);
  c.op(Op.end);
  return index;
}

/** Write the accumulators to C (adding to what is there when `add`), clipped to `cols`. */
function storeTile(c: Code, t: LaneType, g: GemmSpec, acc: number[][], cp: number, cols: number, add: boolean): void {
  acc.forEach((row, r) =>
    row.forEach((v, j) => {
      const col0 = j * t.lanes;
      const at = (r * g.N + col0) * t.bytes;
      if (col0 + t.lanes <= cols) {
        c.get(cp);
        if (add) c.get(cp).simdMem(Simd.v128_load, at, 0).get(v).simd(t.add);
        else c.get(v);
        c.simdMem(Simd.v128_store, at, 0);
        return;
      }
      for (let l = 0; col0 + l < cols; l++) {
        const off = at + l * t.bytes;
        c.get(cp);
        if (add) c.get(cp).mem(t.load, t.log2, off).get(v).lane(t.extract, l).op(t.scalarAdd);
        else c.get(v).lane(t.extract, l);
        c.mem(t.store, t.log2, off);
      }
    }),
  );
}

/**
 * Pack B[k0 : k0 + kc, j0 : j0 + panels·nr] into consecutive panels, each kc rows of nr
 * contiguous elements, so the micro-kernel reads B sequentially. Params (src, dst, kc,
 * panels). When `cols` < nr the single panel is the ragged last one: zero-padded.
 */
function emitPack(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling, cols: number): number {
  if (g.bN === 1 && cols === panelWidth(t, tile)) return emitPackRows(m, t, g, tile);
  const { code: c, index } = m.func([I32, I32, I32, I32], []);
  const [src, dst, kc, panels] = [0, 1, 2, 3];
  const nr = panelWidth(t, tile);
  const p = c.local(I32);
  const k = c.local(I32);
  const s = c.local(I32);
  forLoop(c, p, 0, inLocal(panels), 1, () => {
    c.get(src).set(s);
    forLoop(c, k, 0, inLocal(kc), 1, () => {
      for (let j = 0; j < nr; j++) {
        c.get(dst);
        if (j < cols) c.get(s).mem(t.load, t.log2, j * g.bN * t.bytes).mem(t.store, t.log2, j * t.bytes);
        else if (t.bytes === 8) c.f64(0).mem(Op.f64_store, 3, j * t.bytes);
        else c.i32(0).mem(Op.i32_store, 2, j * t.bytes); // zero padding
      }
      addTo(c, s, g.bK * t.bytes);
      addTo(c, dst, nr * t.bytes);
    });
    addTo(c, src, nr * g.bN * t.bytes);
  });
  return index;
}

/** Panels packed together from each row of B: enough to use whole cache lines of it. */
const PACK_GROUP = 4;

/**
 * Pack full panels of a B with contiguous rows. Panels go in groups of PACK_GROUP, k
 * innermost: each row of B is read in runs of whole cache lines. (One panel at a time
 * would read 32 bytes per row at a stride of the row length; with power-of-two rows those
 * lines fall in one cache set and evict each other before the next panel uses them.)
 */
function emitPackRows(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling): number {
  const { code: c, index } = m.func([I32, I32, I32, I32], []);
  const [src, dst, kc, panels] = [0, 1, 2, 3];
  const nr = panelWidth(t, tile);
  const [p, k, s, d, groups, panelBytes] = Array.from({ length: 6 }, () => c.local(I32));
  c.get(kc).i32(nr * t.bytes).op(Op.i32_mul).set(panelBytes);
  // copy `count` panels (a constant) from s to d, advancing both by a row
  const rows = (count: number) =>
    forLoop(c, k, 0, inLocal(kc), 1, () => {
      for (let q = 0; q < count; q++) {
        for (let j = 0; j < tile.nv; j++) {
          c.get(d);
          if (q > 0) c.get(panelBytes).i32(q).op(Op.i32_mul, Op.i32_add);
          c.get(s).simdMem(Simd.v128_load, (q * nr + j * t.lanes) * t.bytes, 0).simdMem(Simd.v128_store, j * 16, 4);
        }
      }
      addTo(c, s, g.bK * t.bytes);
      addTo(c, d, nr * t.bytes);
    });
  c.get(panels).i32(PACK_GROUP).op(Op.i32_div_u).set(groups);
  forLoop(c, p, 0, inLocal(groups), 1, () => {
    c.get(src).set(s);
    c.get(dst).set(d);
    rows(PACK_GROUP);
    addTo(c, src, PACK_GROUP * nr * t.bytes);
    c.get(dst).get(panelBytes).i32(PACK_GROUP).op(Op.i32_mul, Op.i32_add).set(dst);
  });
  // the panels left over (fewer than a group), one at a time
  c.get(panels).i32(PACK_GROUP).op(Op.i32_rem_u).set(p);
  c.block(() => {
    c.loop(() => {
      c.get(p).op(Op.i32_eqz, Op.br_if, 1);
      c.get(src).set(s);
      c.get(dst).set(d);
      rows(1);
      addTo(c, src, nr * t.bytes);
      c.get(dst).get(panelBytes).op(Op.i32_add).set(dst);
      c.get(p).i32(1).op(Op.i32_sub).set(p);
      c.op(Op.br, 0);
    });
  });
  return index;
}

/**
 * Pack one tile of `rows` rows of A (a block kc deep) with k outermost: the rows'
 * elements for one k end up adjacent. Params (src, dst, kc).
 */
function emitPackATile(m: ModuleBuilder, t: LaneType, g: GemmSpec, rows: number): number {
  const { code: c, index } = m.func([I32, I32, I32], []);
  const [src, dst, kc] = [0, 1, 2];
  const k = c.local(I32);
  forLoop(c, k, 0, inLocal(kc), 1, () => {
    for (let r = 0; r < rows; r++) c.get(dst).get(src).mem(t.load, t.log2, r * g.aM * t.bytes).mem(t.store, t.log2, r * t.bytes);
    addTo(c, src, g.aK * t.bytes);
    addTo(c, dst, rows * t.bytes);
  });
  return index;
}

/**
 * Pack a whole block of an A that is contiguous along M (a transposed operand) into the
 * same tiles as emitPackATile, walking k outermost so each k reads one contiguous run
 * of A instead of one cache line per tile. Params (src, dst, kc, fullTiles, last): `last`
 * adds the last row block's ending tiles.
 */
function emitPackABlockByK(m: ModuleBuilder, t: LaneType, g: GemmSpec, mr: number, split: RowSplit): number {
  const { code: c, index } = m.func([I32, I32, I32, I32, I32], []);
  const [src, dst, kc, fullTiles, last] = [0, 1, 2, 3, 4];
  const by = t.bytes;
  const [k, q, p, d, tileBytes, endBase] = Array.from({ length: 6 }, () => c.local(I32));
  const copy = (rows: number) => {
    for (let r = 0; r < rows; r++) c.get(d).get(p).mem(t.load, t.log2, r * by).mem(t.store, t.log2, r * by);
    addTo(c, p, rows * by);
  };
  c.get(kc).i32(mr * by).op(Op.i32_mul).set(tileBytes);
  forLoop(c, k, 0, inLocal(kc), 1, () => {
    sum(c, src, [k, g.aK * by]).set(p);
    sum(c, dst, [k, mr * by]).set(d);
    forLoop(c, q, 0, inLocal(fullTiles), 1, () => {
      copy(mr);
      c.get(d).get(tileBytes).op(Op.i32_add).set(d);
    });
    if (split.fours || split.edge) {
      c.get(last).op(Op.if, 0x40);
      // the ending starts after the full tiles: dst + fullTiles·mr·kc
      c.get(dst).get(fullTiles).get(tileBytes).op(Op.i32_mul, Op.i32_add).set(endBase);
      for (let f = 0; f < split.fours; f++) {
        c.get(endBase).get(kc).i32(f * (mr - 1) * by).op(Op.i32_mul, Op.i32_add);
        c.get(k).i32((mr - 1) * by).op(Op.i32_mul, Op.i32_add).set(d);
        copy(mr - 1);
      }
      if (split.edge) {
        c.get(endBase).get(kc).i32(split.fours * (mr - 1) * by).op(Op.i32_mul, Op.i32_add);
        c.get(k).i32(split.edge * by).op(Op.i32_mul, Op.i32_add).set(d);
        copy(split.edge);
      }
      c.op(Op.end);
    }
  });
  return index;
}

/**
 * How the last row block splits into tiles. A ragged tile of few rows runs at a fraction
 * of the speed of a full one, so when it can, the block ends in `fours` tiles of mr − 1
 * rows instead (every count ≥ (mr−1)(mr−2) is a sum of mr's and (mr−1)'s).
 */
interface RowSplit {
  /** Rows of the last row block. */
  readonly lastRows: number;
  /** Tiles of mr − 1 rows that end the last block. */
  readonly fours: number;
  /** Rows of the single ragged tile that ends it instead (0 for none). */
  readonly edge: number;
}

function rowSplit(M: number, mr: number, MC: number): RowSplit {
  const lastRows = M - MC * (Math.ceil(M / MC) - 1);
  const r = lastRows % mr;
  const fours = (mr - r) % mr; // (mr − 1)·fours ≡ lastRows (mod mr)
  if (r === 0 || mr < 3) return { lastRows, fours: 0, edge: r };
  if ((mr - 1) * fours <= lastRows) return { lastRows, fours, edge: 0 };
  return { lastRows, fours: 0, edge: r };
}

/** The micro-kernels of one product, each as [full-width panel, ragged last panel]. */
interface Micros {
  readonly full: readonly [number, number];
  readonly fours: readonly [number, number];
  readonly edge: readonly [number, number];
}

function emitMicros(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling, split: RowSplit): Micros {
  const nr = panelWidth(t, tile);
  const edgeCols = g.N % nr;
  // full panels are packed (stride nr) or read in place (stride bK); the ragged one is always packed
  const fullStride = (readsBInPlace(g, tile) ? g.bK : nr) * t.bytes;
  // a packed tile of A holds its rows' elements for one k together
  const aStrides = (rows: number) => (packsA(t, g, tile) ? { aM: 1, aK: rows } : { aM: g.aM, aK: g.aK });
  const make = (rows: number, cols: number) =>
    rows && cols ? emitMicro(m, t, g, tile, { rows, cols, ...aStrides(rows), bStride: cols === nr ? fullStride : nr * t.bytes }) : -1;
  const pair = (rows: number) => [make(rows, nr), make(rows, edgeCols)] as const;
  return { full: pair(tile.mr), fours: pair(split.fours ? tile.mr - 1 : 0), edge: pair(split.edge) };
}

/** Push `base + Σ local·k` over the [local, k] terms (i32). */
function sum(c: Code, base: number, ...terms: [number, number][]): Code {
  c.get(base);
  for (const [local, k] of terms) if (k !== 0) c.get(local).i32(k).op(Op.i32_mul, Op.i32_add);
  return c;
}

/** i8x16.shuffle picking 32-bit lanes (0–3 from the first operand, 4–7 from the second). */
function shuffle32(c: Code, lanes: readonly number[]): void {
  c.simd(0x0d);
  for (const l of lanes) for (let b = 0; b < 4; b++) c.op(l * 4 + b);
}

/**
 * Pack full panels of a B whose k dim is contiguous (a transposed operand: B[k, j] at
 * j·bN + k). Each column of the panel gives vectors of consecutive k; in-register
 * transposes (4×4 for 32-bit lanes, 2×2 for 64-bit) turn them into panel rows.
 * Params as emitPack.
 */
function emitPackTransposed(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling): number {
  const { code: c, index } = m.func([I32, I32, I32, I32], []);
  const [src, dst, kc, panels] = [0, 1, 2, 3];
  const nr = panelWidth(t, tile);
  const L = t.lanes;
  const [p, k, s, kBlocks, kRest] = [c.local(I32), c.local(I32), c.local(I32), c.local(I32), c.local(I32)];
  const col = Array.from({ length: nr }, () => c.local(V128));
  const tmp = Array.from({ length: L }, () => c.local(V128));
  const colBytes = g.bN * t.bytes;
  c.get(kc).i32(L).op(Op.i32_div_u).set(kBlocks);
  c.get(kc).i32(L).op(Op.i32_rem_u).set(kRest);
  const d = c.local(I32);
  forLoop(c, p, 0, inLocal(panels), 1, () => {
    // one group of L columns at a time: L read streams, each line used up before it can be evicted
    for (let g4 = 0; g4 < nr / L; g4++) {
      c.get(src).set(s);
      c.get(dst).set(d);
      const cs = col.slice(0, L);
      forLoop(c, k, 0, inLocal(kBlocks), 1, () => {
        cs.forEach((v, j) => c.get(s).simdMem(Simd.v128_load, (g4 * L + j) * colBytes, 0).set(v));
        const rows = L === 4 ? transpose4(c, cs, tmp) : transpose2(c, cs);
        rows.forEach((emit, r) => {
          c.get(d);
          emit();
          c.simdMem(Simd.v128_store, (r * nr + g4 * L) * t.bytes, 4);
        });
        addTo(c, s, L * t.bytes);
        addTo(c, d, L * nr * t.bytes);
      });
      forLoop(c, k, 0, inLocal(kRest), 1, () => {
        for (let j = 0; j < L; j++) c.get(d).get(s).mem(t.load, t.log2, (g4 * L + j) * colBytes).mem(t.store, t.log2, (g4 * L + j) * t.bytes);
        addTo(c, s, t.bytes);
        addTo(c, d, nr * t.bytes);
      });
    }
    addTo(c, src, nr * colBytes);
    c.get(dst).get(kc).i32(nr * t.bytes).op(Op.i32_mul, Op.i32_add).set(dst);
  });
  return index;
}

/** Rows of the 4×4 transpose of four column vectors, each as code that pushes it. */
function transpose4(c: Code, cs: readonly number[], tmp: readonly number[]): (() => void)[] {
  const mix = (x: number, y: number, lanes: number[], into: number) => (c.get(x).get(y), shuffle32(c, lanes), c.set(into));
  mix(cs[0], cs[1], [0, 4, 1, 5], tmp[0]); // c0k0 c1k0 c0k1 c1k1
  mix(cs[2], cs[3], [0, 4, 1, 5], tmp[1]); // c2k0 c3k0 c2k1 c3k1
  mix(cs[0], cs[1], [2, 6, 3, 7], tmp[2]); // c0k2 c1k2 c0k3 c1k3
  mix(cs[2], cs[3], [2, 6, 3, 7], tmp[3]); // c2k2 c3k2 c2k3 c3k3
  const row = (x: number, y: number, lanes: number[]) => () => (c.get(x).get(y), shuffle32(c, lanes));
  return [row(tmp[0], tmp[1], [0, 1, 4, 5]), row(tmp[0], tmp[1], [2, 3, 6, 7]), row(tmp[2], tmp[3], [0, 1, 4, 5]), row(tmp[2], tmp[3], [2, 3, 6, 7])];
}

/** Rows of the 2×2 transpose of two 64-bit-lane column vectors. */
function transpose2(c: Code, cs: readonly number[]): (() => void)[] {
  const row = (lanes: number[]) => () => (c.get(cs[0]).get(cs[1]), shuffle32(c, lanes));
  return [row([0, 1, 4, 5]), row([2, 3, 6, 7])];
}

/**
 * Emit `run(c, a, b, scratch)`: for each batch index, a cache-blocked product.
 * Loops (outer to inner): column blocks of nc, k blocks of kc (pack that block of B),
 * row blocks of mc (pack that block of A, when it is packed), panels of nr columns,
 * tiles of mr rows (the micro-kernel). Only the last column block has a ragged panel and
 * only the last row block a ragged ending, because nc and mc are multiples of the tile.
 */
export function buildGemm(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling = DEFAULT_TILING): void {
  new GemmEmitter(m, t, g, tile).emit();
}

/** The state of one `run` being emitted: its helper functions, locals and constants. */
class GemmEmitter {
  private readonly nr: number;
  private readonly by: number;
  private readonly inPlace: boolean;
  private readonly edgeCols: number;
  private readonly NC: number;
  private readonly MC: number;
  private readonly KC: number;
  private readonly split: RowSplit;
  /** Rows the last row block's ending takes. */
  private readonly ending: number;
  private readonly aPacked: boolean;
  private readonly aByK: boolean;
  private readonly fn: { micros: Micros; pack: number; packEdge: number; aTiles: Map<number, number>; aBlock: number };
  private readonly c: Code;
  private readonly arg = { cOut: 0, a: 1, b: 2, scratch: 3 };
  private readonly v: Record<(typeof GemmEmitter.LOCALS)[number], number>;

  static readonly LOCALS = ["jc", "pc", "ic", "kc", "mc", "full", "panels", "p", "ir", "irEnd", "bSrc", "bp", "cRow", "aRow", "aSrc", "aScratch", "lastBlock", "lastRowBlock"] as const;

  constructor(m: ModuleBuilder, private readonly t: LaneType, private readonly g: GemmSpec, private readonly tile: Tiling) {
    this.nr = panelWidth(t, tile);
    this.by = t.bytes;
    this.inPlace = readsBInPlace(g, tile);
    this.edgeCols = g.N % this.nr;
    this.NC = blockCols(t, tile);
    this.MC = blockRows(g, tile);
    this.KC = depth(g, tile);
    this.split = rowSplit(g.M, tile.mr, this.MC);
    this.ending = this.split.fours * (tile.mr - 1) + this.split.edge;
    this.aPacked = packsA(t, g, tile);
    this.aByK = this.aPacked && g.aM === 1;
    this.fn = this.emitHelpers(m);
    this.c = m.func([I32, I32, I32, I32], [], "run").code;
    this.v = Object.fromEntries(GemmEmitter.LOCALS.map((name) => [name, this.c.local(I32)])) as GemmEmitter["v"];
  }

  /** Micro-kernels and packers: functions, so they precede `run`. */
  private emitHelpers(m: ModuleBuilder) {
    const { t, g, tile, split, nr } = this;
    const micros = emitMicros(m, t, g, tile, split);
    const pack = this.inPlace ? -1 : g.bK === 1 && g.bN !== 1 ? emitPackTransposed(m, t, g, tile) : emitPack(m, t, g, tile, nr);
    const packEdge = this.edgeCols ? emitPack(m, t, g, tile, this.edgeCols) : -1;
    const aTiles = new Map<number, number>();
    if (this.aPacked && !this.aByK) {
      for (const rows of [tile.mr, split.fours ? tile.mr - 1 : 0, split.edge]) if (rows > 0) aTiles.set(rows, emitPackATile(m, t, g, rows));
    }
    const aBlock = this.aByK ? emitPackABlockByK(m, t, g, tile.mr, split) : -1;
    return { micros, pack, packEdge, aTiles, aBlock };
  }

  /** local = min(local, limit) */
  private minInto(local: number, limit: number): void {
    this.c.get(local).i32(limit).get(local).i32(limit).op(Op.i32_lt_s, Op.select).set(local);
  }

  emit(): void {
    const { c, g, by, arg } = this;
    const cStrides = rowMajorStrides(g.batch.map((d) => d.size));
    const batchAxes = g.batch.map((d, i) => ({ size: d.size, strides: [cStrides[i] * g.M * g.N * by, d.a * by, d.b * by] }));
    stridedLoops(c, batchAxes, [arg.cOut, arg.a, arg.b], () => forLoop(c, this.v.jc, 0, g.N, this.NC, () => this.columnBlock()));
  }

  /** One block of nc columns: its full panels, and the ragged one when it is the last. */
  private columnBlock(): void {
    const { c, g, v, nr, NC } = this;
    c.i32(g.N).get(v.jc).op(Op.i32_sub).set(v.full);
    this.minInto(v.full, NC);
    c.get(v.full).i32(nr).op(Op.i32_div_u).set(v.full);
    c.get(v.jc).i32(NC).op(Op.i32_add).i32(g.N).op(Op.i32_ge_s).set(v.lastBlock);
    c.get(v.full).set(v.panels);
    if (this.edgeCols) c.get(v.panels).get(v.lastBlock).op(Op.i32_add).set(v.panels);
    forLoop(c, v.pc, 0, g.K, this.KC, () => this.depthBlock());
  }

  /** One block of kc rows of B: pack it, then every row block of A against it. */
  private depthBlock(): void {
    const { c, g, v, nr, by, arg, inPlace } = this;
    c.i32(g.K).get(v.pc).op(Op.i32_sub).set(v.kc);
    this.minInto(v.kc, this.KC);
    sum(c, arg.b, [v.pc, g.bK * by], [v.jc, g.bN * by]).set(v.bSrc); // B[pc, jc]
    if (!inPlace) c.get(v.bSrc).get(arg.scratch).get(v.kc).get(v.full).call(this.fn.pack);
    if (this.edgeCols) {
      // the ragged panel: packed after the full ones (alone in scratch when B is read in place)
      c.get(v.lastBlock).op(Op.if, 0x40);
      sum(c, v.bSrc, [v.full, nr * g.bN * by]);
      c.get(arg.scratch);
      if (!inPlace) c.get(v.full).get(v.kc).op(Op.i32_mul).i32(nr * by).op(Op.i32_mul, Op.i32_add);
      c.get(v.kc).i32(1).call(this.fn.packEdge);
      c.op(Op.end);
    }
    forLoop(c, v.ic, 0, g.M, this.MC, () => this.rowBlock());
  }

  /** One block of mc rows of A: pack it if packed, then multiply it into every panel. */
  private rowBlock(): void {
    const { c, g, v, MC } = this;
    c.i32(g.M).get(v.ic).op(Op.i32_sub).set(v.mc);
    this.minInto(v.mc, MC);
    c.get(v.ic).i32(MC).op(Op.i32_add).i32(g.M).op(Op.i32_ge_s).set(v.lastRowBlock);
    if (this.aPacked) this.packABlock();
    forLoop(c, v.p, 0, inLocal(v.panels), 1, () => this.panel());
  }

  private packABlock(): void {
    const { c, g, v, by, arg, tile } = this;
    c.get(arg.scratch).i32(bScratchBytes(this.t, g, tile)).op(Op.i32_add).set(v.aScratch);
    sum(c, arg.a, [v.ic, g.aM * by], [v.pc, g.aK * by]).set(v.aSrc);
    c.get(v.aScratch).set(v.aRow);
    if (!this.aByK) {
      this.rowTiles((rows) => {
        c.get(v.aSrc).get(v.aRow).get(v.kc).call(this.fn.aTiles.get(rows)!);
        this.nextATile(v.aSrc, rows, false);
        this.nextATile(v.aRow, rows, true);
      });
      return;
    }
    // full tiles in this block: (mc − the ending, in the last block) / mr
    c.get(v.aSrc).get(v.aScratch).get(v.kc).get(v.mc);
    if (this.ending) c.get(v.lastRowBlock).i32(this.ending).op(Op.i32_mul, Op.i32_sub);
    c.i32(tile.mr).op(Op.i32_div_u).get(v.lastRowBlock).call(this.fn.aBlock);
  }

  /** One panel of nr columns against the row block: the micro-kernel on each row tile. */
  private panel(): void {
    const { c, g, v, nr, by, arg } = this;
    // bp: the panel, packed at p·kc·nr in scratch or read in place at bSrc + p·nr
    // (the ragged panel is always packed, alone in scratch when B is read in place)
    if (this.inPlace) {
      c.get(arg.scratch);
      sum(c, v.bSrc, [v.p, nr * by]);
      c.get(v.p).get(v.full).op(Op.i32_eq, Op.select).set(v.bp);
    } else c.get(arg.scratch).get(v.p).get(v.kc).op(Op.i32_mul).i32(nr * by).op(Op.i32_mul, Op.i32_add).set(v.bp);
    sum(c, arg.cOut, [v.ic, g.N * by], [v.jc, by], [v.p, nr * by]).set(v.cRow);
    if (this.aPacked) c.get(v.aScratch).set(v.aRow);
    else sum(c, arg.a, [v.ic, g.aM * by], [v.pc, g.aK * by]).set(v.aRow);
    if (!this.edgeCols) return this.tiles(false);
    c.get(v.p).get(v.full).op(Op.i32_eq).op(Op.if, 0x40);
    this.tiles(true);
    c.op(Op.else);
    this.tiles(false);
    c.op(Op.end);
  }

  private tiles(ragged: boolean): void {
    const { c, g, v, by } = this;
    this.rowTiles((rows, kind) => {
      c.get(v.aRow).get(v.bp).get(v.cRow).get(v.kc).get(v.pc).call(this.fn.micros[kind][ragged ? 1 : 0]);
      this.nextATile(v.aRow, rows, this.aPacked);
      addTo(c, v.cRow, rows * g.N * by);
    });
  }

  /**
   * Visit the row tiles of the current row block: mr-row tiles, then (last row block
   * only) the ending; `visit` gets the tile's rows and which micro-kernel family it uses.
   */
  private rowTiles(visit: (rows: number, kind: "full" | "fours" | "edge") => void): void {
    const { c, v, split, ending } = this;
    const { mr } = this.tile;
    // ir + mr <= mc − (rows the ending takes)
    c.get(v.mc).i32(1 - mr).op(Op.i32_add);
    if (ending) c.get(v.lastRowBlock).i32(ending).op(Op.i32_mul, Op.i32_sub);
    c.set(v.irEnd);
    forLoop(c, v.ir, 0, inLocal(v.irEnd), mr, () => visit(mr, "full"));
    if (!ending) return;
    c.get(v.lastRowBlock).op(Op.if, 0x40);
    for (let f = 0; f < split.fours; f++) visit(mr - 1, "fours");
    if (split.edge) visit(split.edge, "edge");
    c.op(Op.end);
  }

  /** Move to A's next tile: rows·kc further on when packed, rows·aM in place. */
  private nextATile(local: number, rows: number, packed: boolean): void {
    const { c, v, by } = this;
    if (packed) c.get(local).get(v.kc).i32(rows * by).op(Op.i32_mul, Op.i32_add).set(local);
    else addTo(c, local, rows * this.g.aM * by);
  }
}
