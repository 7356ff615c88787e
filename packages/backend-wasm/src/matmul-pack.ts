import { I32, type ModuleBuilder, type Code, V128 } from "./wasm/encoder.js";
import { Op, Simd } from "./wasm/opcodes.js";
import { addTo, forLoop, inLocal } from "./loop-gen.js";
import { type GemmSpec, type LaneType, type RowSplit, type Tiling, panelWidth, sum } from "./matmul-spec.js";

// Packing: copies of blocks of A and B into the order the micro-kernel reads them,
// one sequential stream each, so the cache and the prefetcher see simple access.

/**
 * Pack B[k0 : k0 + kc, j0 : j0 + panels·nr] into consecutive panels, each kc rows of nr
 * contiguous elements, so the micro-kernel reads B sequentially. Params (src, dst, kc,
 * panels). When `cols` < nr the single panel is the ragged last one: zero-padded.
 */
export function emitPack(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling, cols: number): number {
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
export function emitPackATile(m: ModuleBuilder, t: LaneType, g: GemmSpec, rows: number): number {
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
export function emitPackABlockByK(m: ModuleBuilder, t: LaneType, g: GemmSpec, mr: number, split: RowSplit): number {
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
export function emitPackTransposed(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling): number {
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
