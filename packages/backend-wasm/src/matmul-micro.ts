import { type Code, I32, type ModuleBuilder, V128 } from "./wasm/encoder.js";
import { Op, Simd } from "./wasm/opcodes.js";
import { addTo, forLoop, inLocal, simdLoad, v128Zero } from "./loop-gen.js";
import { type GemmSpec, type LaneType, type RowSplit, type Tiling, packsA, panelWidth, readsBInPlace } from "./matmul-spec.js";

// The register-blocked inner kernel of the GEMM: one tile of C in v128 locals.

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

/** The micro-kernels of one product, each as [full-width panel, ragged last panel]. */
export interface Micros {
  readonly full: readonly [number, number];
  readonly fours: readonly [number, number];
  readonly edge: readonly [number, number];
}

export function emitMicros(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling, split: RowSplit): Micros {
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
