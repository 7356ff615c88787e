import { type Code, I32, type ModuleBuilder } from "./wasm/encoder.js";
import { Op } from "./wasm/opcodes.js";
import { addTo, forLoop, inLocal, rowMajorStrides, stridedLoops } from "./loop-gen.js";
import {
  DEFAULT_TILING, type GemmSpec, type LaneType, type RowSplit, type Tiling,
  bScratchBytes, blockCols, blockRows, depth, packsA, panelWidth, readsBInPlace, rowSplit, sum,
} from "./matmul-spec.js";
import { type Micros, emitMicros } from "./matmul-micro.js";
import { emitPack, emitPackABlockByK, emitPackATile, emitPackTransposed } from "./matmul-pack.js";
import { type GemmEpilogue, colBytes, emitEpilogue, rowBytes } from "./gemm-epilogue.js";
import { importHosts } from "./fused.js";

export { DEFAULT_TILING, F32_LANES, F64_LANES, I32_LANES, type GemmSpec, type LaneType, type Tiling, gemmScratchBytes } from "./matmul-spec.js";

// The GEMM driver: cache-blocking loops around packing and the micro-kernel.

/**
 * Emit `run(c, a, b, scratch)`, or with an epilogue `run(c, a, b, operand0, …, scratch)`
 * (scratch stays last: the thread pool appends each thread's own): for each batch index,
 * a cache-blocked product.
 * Loops (outer to inner): column blocks of nc, k blocks of kc (pack that block of B),
 * row blocks of mc (pack that block of A, when it is packed), panels of nr columns,
 * tiles of mr rows (the micro-kernel). Only the last column block has a ragged panel and
 * only the last row block a ragged ending, because nc and mc are multiples of the tile.
 * An epilogue (2-D products only) runs on each row block of a column block once its last
 * k block is added.
 */
export function buildGemm(m: ModuleBuilder, t: LaneType, g: GemmSpec, tile: Tiling = DEFAULT_TILING, epilogue?: GemmEpilogue): void {
  if (epilogue && g.batch.length > 0) throw new Error("internal: a GEMM epilogue needs a product without batch axes");
  new GemmEmitter(m, t, g, tile, epilogue).emit();
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
  private readonly fn: { micros: Micros; pack: number; packEdge: number; aTiles: Map<number, number>; aBlock: number; epilogue: number };
  private readonly c: Code;
  private readonly arg: { cOut: number; a: number; b: number; scratch: number };
  private readonly v: Record<(typeof GemmEmitter.LOCALS)[number], number>;

  static readonly LOCALS = ["jc", "pc", "ic", "kc", "mc", "full", "panels", "p", "ir", "irEnd", "bSrc", "bp", "cRow", "aRow", "aSrc", "aScratch", "lastBlock", "lastRowBlock", "ncols"] as const;

  constructor(
    m: ModuleBuilder,
    private readonly t: LaneType,
    private readonly g: GemmSpec,
    private readonly tile: Tiling,
    private readonly epilogue?: GemmEpilogue,
  ) {
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
    const operands = epilogue?.operands.length ?? 0;
    this.arg = { cOut: 0, a: 1, b: 2, scratch: 3 + operands };
    this.fn = this.emitHelpers(m);
    this.c = m.func(new Array(4 + operands).fill(I32), [], "run").code;
    this.v = Object.fromEntries(GemmEmitter.LOCALS.map((name) => [name, this.c.local(I32)])) as GemmEmitter["v"];
  }

  /** Micro-kernels and packers: functions, so they precede `run`. */
  private emitHelpers(m: ModuleBuilder) {
    const { t, g, tile, split, nr } = this;
    const hosts = this.epilogue ? importHosts(m, this.epilogue.loop) : null; // imports precede functions
    const micros = emitMicros(m, t, g, tile, split);
    const pack = this.inPlace ? -1 : g.bK === 1 && g.bN !== 1 ? emitPackTransposed(m, t, g, tile) : emitPack(m, t, g, tile, nr);
    const packEdge = this.edgeCols ? emitPack(m, t, g, tile, this.edgeCols) : -1;
    const aTiles = new Map<number, number>();
    if (this.aPacked && !this.aByK) {
      for (const rows of [tile.mr, split.fours ? tile.mr - 1 : 0, split.edge]) if (rows > 0) aTiles.set(rows, emitPackATile(m, t, g, rows));
    }
    const aBlock = this.aByK ? emitPackABlockByK(m, t, g, tile.mr, split) : -1;
    const epilogue = this.epilogue ? emitEpilogue(m, hosts!, this.epilogue, g.N) : -1;
    return { micros, pack, packEdge, aTiles, aBlock, epilogue };
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
    c.i32(g.N).get(v.jc).op(Op.i32_sub).set(v.ncols);
    this.minInto(v.ncols, NC);
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
    if (this.epilogue) this.finishBlock();
  }

  /** After the last k block: the epilogue on C[ic : ic+mc, jc : jc+ncols], each operand at the same element. */
  private finishBlock(): void {
    const { c, g, v, by, arg } = this;
    const e = this.epilogue!;
    c.get(v.pc).get(v.kc).op(Op.i32_add).i32(g.K).op(Op.i32_ge_s).op(Op.if, 0x40);
    sum(c, arg.cOut, [v.ic, g.N * by], [v.jc, by]);
    e.loop.accesses.forEach((_, k) => {
      if (k === e.product) sum(c, arg.cOut, [v.ic, g.N * by], [v.jc, by]);
      else sum(c, 3 + e.operands.indexOf(k), [v.ic, rowBytes(e, k)], [v.jc, colBytes(e, k)]);
    });
    c.get(v.mc).get(v.ncols).call(this.fn.epilogue);
    c.op(Op.end);
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
