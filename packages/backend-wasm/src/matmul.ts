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

/** Register tile (mr rows × nv vectors), unroll of the k loop, and cache blocks. */
export interface Tiling {
  readonly mr: number;
  readonly nv: number;
  readonly unroll: number;
  readonly kc: number;
  readonly mc: number;
  readonly nc: number;
}

export const DEFAULT_TILING: Tiling = { mr: 4, nv: 2, unroll: 1, kc: 256, mc: 128, nc: 2048 };

/** Tile shape for one dtype: the column width of a panel in elements. */
const panelWidth = (t: LaneType, tile: Tiling) => tile.nv * t.lanes;

/** Bytes of scratch (packed B panels) the kernel needs. */
export function gemmScratchBytes(t: LaneType, g: GemmSpec, tile: Tiling = DEFAULT_TILING): number {
  const nr = panelWidth(t, tile);
  const ncols = Math.ceil(Math.min(g.N, blockCols(t, tile)) / nr) * nr;
  return Math.min(g.K, tile.kc) * ncols * t.bytes;
}

const blockCols = (t: LaneType, tile: Tiling) => Math.max(1, Math.floor(tile.nc / panelWidth(t, tile))) * panelWidth(t, tile);
const blockRows = (tile: Tiling) => Math.max(1, Math.floor(tile.mc / tile.mr)) * tile.mr;

interface MicroShape {
  readonly rows: number;
  /** Columns of the tile that are stored; the rest of the panel is zero padding. */
  readonly cols: number;
}

/**
 * The micro-kernel: an mr × (nv·lanes) tile of C held in v128 locals while k runs over
 * one packed B panel. Params (a, b, c, kc, accumulate): A's first row, the panel, C's
 * first element, the k count, and whether to add to C instead of overwriting it.
 */
function emitMicro(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling, shape: MicroShape): number {
  const { code: c, index } = m.func([I32, I32, I32, I32, I32], []);
  const [a, b, cp, kc, accumulate] = [0, 1, 2, 3, 4];
  const { nv, unroll } = tile;
  const rows = shape.rows;
  const nr = panelWidth(t, tile);
  const acc = Array.from({ length: rows }, () => Array.from({ length: nv }, () => c.local(V128)));
  const bv = Array.from({ length: nv }, () => c.local(V128));
  const s = c.local(V128);
  const k = c.local(I32);
  const kRest = c.local(I32);
  for (const row of acc) for (const v of row) (v128Zero(c), c.set(v));

  // One k step at unroll position u: B's vectors once, then one splat of A per row.
  const step = (u: number) => {
    bv.forEach((v, j) => c.get(b).simdMem(Simd.v128_load, (u * nr + j * t.lanes) * t.bytes, 4).set(v));
    for (let r = 0; r < rows; r++) {
      c.get(a);
      simdLoad(c, t.splatLoad, t.log2, (r * g.aM + u * g.aK) * t.bytes);
      c.set(s);
      for (let j = 0; j < nv; j++) c.get(acc[r][j]).get(s).get(bv[j]).simd(t.mul).simd(t.add).set(acc[r][j]);
    }
  };
  // Count k down to zero: one decrement-and-branch of loop overhead per step.
  c.get(kc).i32(unroll - 1).op(Op.i32_and).set(kRest);
  c.get(kc).i32(-unroll).op(Op.i32_and).set(k);
  c.get(k).op(Op.if, 0x40);
  c.loop(() => {
    for (let u = 0; u < unroll; u++) step(u);
    addTo(c, a, unroll * g.aK * t.bytes);
    addTo(c, b, unroll * nr * t.bytes);
    c.get(k).i32(unroll).op(Op.i32_sub).tee(k).op(Op.br_if, 0);
  });
  c.op(Op.end);
  c.get(kRest).op(Op.if, 0x40);
  c.loop(() => {
    step(0);
    addTo(c, a, g.aK * t.bytes);
    addTo(c, b, nr * t.bytes);
    c.get(kRest).i32(1).op(Op.i32_sub).tee(kRest).op(Op.br_if, 0);
  });
  c.op(Op.end);
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
  const { code: c, index } = m.func([I32, I32, I32, I32], []);
  const [src, dst, kc, panels] = [0, 1, 2, 3];
  const nr = panelWidth(t, tile);
  const p = c.local(I32);
  const k = c.local(I32);
  const s = c.local(I32);
  forLoop(c, p, 0, inLocal(panels), 1, () => {
    c.get(src).set(s);
    forLoop(c, k, 0, inLocal(kc), 1, () => {
      if (g.bN === 1 && cols === nr) {
        for (let j = 0; j < tile.nv; j++) c.get(dst).get(s).simdMem(Simd.v128_load, j * 16, 0).simdMem(Simd.v128_store, j * 16, 4);
      } else {
        for (let j = 0; j < nr; j++) {
          c.get(dst);
          if (j < cols) c.get(s).mem(t.load, t.log2, j * g.bN * t.bytes).mem(t.store, t.log2, j * t.bytes);
          else if (t.bytes === 8) c.f64(0).mem(Op.f64_store, 3, j * t.bytes);
          else c.i32(0).mem(Op.i32_store, 2, j * t.bytes); // zero padding
        }
      }
      addTo(c, s, g.bK * t.bytes);
      addTo(c, dst, nr * t.bytes);
    });
    addTo(c, src, nr * g.bN * t.bytes);
  });
  return index;
}

/**
 * Emit `run(c, a, b, scratch)`: for each batch index, a cache-blocked product.
 * Loops (outer to inner): column blocks of nc, k blocks of kc (pack that block of B),
 * row blocks of mc, panels of nr columns, tiles of mr rows (the micro-kernel).
 */
export function buildGemm(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling = DEFAULT_TILING): void {
  const nr = panelWidth(t, tile);
  const { mr } = tile;
  const edgeRows = g.M % mr;
  const edgeCols = g.N % nr;
  const micro = emitMicro(m, t, g, tile, { rows: mr, cols: nr });
  const microR = edgeRows ? emitMicro(m, t, g, tile, { rows: edgeRows, cols: nr }) : -1;
  const microC = edgeCols ? emitMicro(m, t, g, tile, { rows: mr, cols: edgeCols }) : -1;
  const microRC = edgeRows && edgeCols ? emitMicro(m, t, g, tile, { rows: edgeRows, cols: edgeCols }) : -1;
  const pack = emitPack(m, t, g, tile, nr);
  const packEdge = edgeCols ? emitPack(m, t, g, tile, edgeCols) : -1;

  const { code: c } = m.func([I32, I32, I32, I32], [], "run");
  const [cOut, a, b, scratch] = [0, 1, 2, 3];
  const L = () => c.local(I32);
  const [jc, pc, ic, kc, mc, full, p, ir, bp, cRow, aRow] = [L(), L(), L(), L(), L(), L(), L(), L(), L(), L(), L()];
  const NC = blockCols(t, tile);
  const MC = blockRows(tile);
  const by = t.bytes;
  const cStrides = rowMajorStrides(g.batch.map((d) => d.size));
  const batchAxes = g.batch.map((d, t) => ({ size: d.size, strides: [cStrides[t] * g.M * g.N * by, d.a * by, d.b * by] }));
  stridedLoops(c, batchAxes, [cOut, a, b], () => {
    forLoop(c, jc, 0, g.N, NC, () => {
      // full panels in this column block
      c.i32(g.N).get(jc).op(Op.i32_sub).set(full);
      c.get(full).i32(NC).get(full).i32(NC).op(Op.i32_lt_s).op(Op.select).i32(nr).op(Op.i32_div_u).set(full);
      forLoop(c, pc, 0, g.K, tile.kc, () => {
        c.i32(g.K).get(pc).op(Op.i32_sub).set(kc);
        c.get(kc).i32(tile.kc).get(kc).i32(tile.kc).op(Op.i32_lt_s).op(Op.select).set(kc);
        // pack B[pc:, jc:] (the ragged panel only exists in the last column block)
        c.get(b).get(pc).i32(g.bK * by).op(Op.i32_mul).op(Op.i32_add).get(jc).i32(g.bN * by).op(Op.i32_mul).op(Op.i32_add);
        c.get(scratch).get(kc).get(full).call(pack);
        if (edgeCols) {
          c.get(jc).i32(NC).op(Op.i32_add).i32(g.N).op(Op.i32_ge_s).op(Op.if, 0x40);
          c.get(b).get(pc).i32(g.bK * by).op(Op.i32_mul).op(Op.i32_add);
          c.get(jc).get(full).i32(nr).op(Op.i32_mul).op(Op.i32_add).i32(g.bN * by).op(Op.i32_mul).op(Op.i32_add);
          c.get(scratch).get(full).get(kc).op(Op.i32_mul).i32(nr * by).op(Op.i32_mul).op(Op.i32_add);
          c.get(kc).i32(1).call(packEdge);
          c.op(Op.end);
        }
        forLoop(c, ic, 0, g.M, MC, () => {
          c.i32(g.M).get(ic).op(Op.i32_sub).set(mc);
          c.get(mc).i32(MC).get(mc).i32(MC).op(Op.i32_lt_s).op(Op.select).set(mc);
          const panelsEnd = c.local(I32);
          c.get(full).set(panelsEnd);
          if (edgeCols) {
            c.get(jc).i32(NC).op(Op.i32_add).i32(g.N).op(Op.i32_ge_s).get(panelsEnd).op(Op.i32_add).set(panelsEnd);
          }
          forLoop(c, p, 0, inLocal(panelsEnd), 1, () => {
            // bp = scratch + p·kc·nr; cRow = C + ic·N + jc + p·nr; aRow = A + ic·aM + pc·aK
            c.get(scratch).get(p).get(kc).op(Op.i32_mul).i32(nr * by).op(Op.i32_mul).op(Op.i32_add).set(bp);
            c.get(cOut).get(ic).i32(g.N * by).op(Op.i32_mul).op(Op.i32_add);
            c.get(jc).get(p).i32(nr).op(Op.i32_mul).op(Op.i32_add).i32(by).op(Op.i32_mul).op(Op.i32_add).set(cRow);
            c.get(a).get(ic).i32(g.aM * by).op(Op.i32_mul).op(Op.i32_add).get(pc).i32(g.aK * by).op(Op.i32_mul).op(Op.i32_add).set(aRow);
            const tiles = (mk: number, mkR: number) => {
              const irEnd = c.local(I32);
              c.get(mc).i32(-mr).op(Op.i32_add).set(irEnd);
              // ir + mr <= mc  ⇔  ir <= mc - mr  ⇔ ir < mc - mr + 1
              c.get(irEnd).i32(1).op(Op.i32_add).set(irEnd);
              forLoop(c, ir, 0, inLocal(irEnd), mr, () => {
                c.get(aRow).get(bp).get(cRow).get(kc).get(pc).call(mk);
                addTo(c, aRow, mr * g.aM * by);
                addTo(c, cRow, mr * g.N * by);
              });
              if (mkR >= 0) {
                // only the last row block is ragged (mc is a multiple of mr elsewhere)
                c.get(mc).i32(mr).op(Op.i32_rem_u).op(Op.if, 0x40);
                c.get(aRow).get(bp).get(cRow).get(kc).get(pc).call(mkR);
                c.op(Op.end);
              }
            };
            if (edgeCols) {
              c.get(jc).i32(NC).op(Op.i32_add).i32(g.N).op(Op.i32_ge_s).get(p).get(full).op(Op.i32_eq).op(Op.i32_and);
              c.op(Op.if, 0x40);
              tiles(microC, microRC);
              c.op(Op.else);
              tiles(micro, microR);
              c.op(Op.end);
            } else tiles(micro, microR);
          });
        });
      });
    });
  });
}
