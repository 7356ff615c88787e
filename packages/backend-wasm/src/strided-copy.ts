import type { DType } from "@lintra/core-ir";
import { BYTES } from "./memory.js";
import { type Code, I32, V128 } from "./wasm/encoder.js";
import { I64, Op, OpFC, Simd, type ValType } from "./wasm/opcodes.js";

// One generator for every data-moving kernel: an n-d affine strided copy, specialised at
// run time so that every loop bound and stride is a constant in the emitted code.

/**
 * One side of a strided copy. Element [i_0, …, i_{n-1}] lives at byte address
 * `local(ptr) + (offset + Σ i_d·strides[d]) · elementBytes`.
 */
export interface StridedSide {
  /** An i32 local (or param) holding a byte address. The emitted code reads it and never writes it. */
  readonly ptr: number;
  /** In elements; negative strides (reversal) are fine as long as every element addressed is in bounds. */
  readonly offset: number;
  /** In elements, one per dimension of the copied shape. */
  readonly strides: readonly number[];
}

/** `copy`: dst = src. `add`: dst += src (numeric dtypes only; every dst element is addressed once). */
export type CopyMode = "copy" | "add";

/** Contiguous runs at least this long go through `memory.copy` rather than an inline v128 loop. */
const MEMORY_COPY_MIN_BYTES = 512;
/** Units moved per loop iteration. */
const UNROLL = 4;
/** Rows of at most this many units are emitted straight, without a loop (a transposing tile's row is 16). */
const STRAIGHT_MAX = 16;

/** A dimension of the copy, strides in bytes. */
interface Dim {
  n: number;
  s: number;
  t: number;
}

/**
 * The copy's dimensions with size-1 dims dropped and neighbours merged wherever both sides
 * walk them as one (so a contiguous copy becomes one row). Null when there is nothing to copy.
 */
function canonicalDims(shape: readonly number[], src: StridedSide, dst: StridedSide, width: number): Dim[] | null {
  if (shape.some((n) => n === 0)) return null;
  const dims: Dim[] = [];
  shape.forEach((n, d) => {
    if (n === 1) return;
    const dim = { n, s: src.strides[d] * width, t: dst.strides[d] * width };
    const outer = dims[dims.length - 1];
    if (outer && outer.s === dim.s * dim.n && outer.t === dim.t * dim.n) dims[dims.length - 1] = { ...dim, n: outer.n * dim.n };
    else dims.push(dim);
  });
  return dims;
}

/** Moves one unit between byte addresses `local(s) + sOff` and `local(t) + tOff`. */
type Unit = (c: Code, s: number, sOff: number, t: number, tOff: number) => void;

const ALIGN: Record<number, number> = { 1: 0, 2: 1, 4: 2, 8: 3, 16: 4 };
const LOAD: Record<number, number> = { 1: Op.i32_load8_u, 2: Op.i32_load16_u, 4: Op.i32_load, 8: Op.i64_load };
const STORE: Record<number, number> = { 1: Op.i32_store8, 2: Op.i32_store16, 4: Op.i32_store, 8: Op.i64_store };

function load(c: Code, bytes: number, offset: number): void {
  if (bytes === 16) c.simdMem(Simd.v128_load, offset);
  else c.mem(LOAD[bytes], ALIGN[bytes], offset);
}

function store(c: Code, bytes: number, offset: number): void {
  if (bytes === 16) c.simdMem(Simd.v128_store, offset);
  else c.mem(STORE[bytes], ALIGN[bytes], offset);
}

/** Bit-exact copy of `bytes` bytes (integer loads and stores never touch float payloads). */
const copyUnit =
  (bytes: number): Unit =>
  (c, s, sOff, t, tOff) => {
    c.get(t).get(s);
    load(c, bytes, sOff);
    store(c, bytes, tOff);
  };

const ADD = {
  float32: { load: Op.f32_load, add: Op.f32_add, store: Op.f32_store, vadd: Simd.f32x4_add },
  float64: { load: Op.f64_load, add: Op.f64_add, store: Op.f64_store, vadd: Simd.f64x2_add },
  int32: { load: Op.i32_load, add: Op.i32_add, store: Op.i32_store, vadd: Simd.i32x4_add },
} as const;

function addOps(dtype: DType) {
  if (dtype === "bool") throw new Error("internal: strided add on bool");
  return ADD[dtype];
}

/** dst += src for one element, or lane-wise for 16 bytes (lanes are independent elements, so the sums match scalar adds). */
const addUnit =
  (dtype: DType, vector: boolean): Unit =>
  (c, s, sOff, t, tOff) => {
    const ops = addOps(dtype);
    const w = BYTES[dtype];
    c.get(t).get(t);
    if (vector) {
      c.simdMem(Simd.v128_load, tOff).get(s).simdMem(Simd.v128_load, sOff).simd(ops.vadd).simdMem(Simd.v128_store, tOff);
    } else {
      c.mem(ops.load, ALIGN[w], tOff).get(s).mem(ops.load, ALIGN[w], sOff).op(ops.add).mem(ops.store, ALIGN[w], tOff);
    }
  };

/** Stores a value held in a local (a splat vector or one element); the source address is ignored. */
const storeLocalUnit =
  (value: number, bytes: number): Unit =>
  (c, _s, _sOff, t, tOff) => {
    c.get(t).get(value);
    store(c, bytes, tOff);
  };

function advance(c: Code, local: number, bytes: number): void {
  if (bytes !== 0) c.get(local).i32(bytes).op(Op.i32_add).set(local);
}

/** `to = local(from) + bytes`. */
function offsetLocal(c: Code, from: number, bytes: number): number {
  const to = c.local(I32);
  c.get(from);
  if (bytes !== 0) c.i32(bytes).op(Op.i32_add);
  c.set(to);
  return to;
}

/**
 * `n` units, unit k between `s + k·sStep` and `t + k·tStep`. Memory offsets must be
 * non-negative, so a negative step addresses each group from its lowest element.
 */
function emitRow(c: Code, n: number, s: number, sStep: number, t: number, tStep: number, unit: Unit): void {
  if (n === 0) return;
  const group = n <= STRAIGHT_MAX ? n : UNROLL;
  const sLow = Math.min(0, (group - 1) * sStep);
  const tLow = Math.min(0, (group - 1) * tStep);
  const sp = sLow === 0 && group === n ? s : offsetLocal(c, s, sLow);
  const tp = tLow === 0 && group === n ? t : offsetLocal(c, t, tLow);
  const emitGroup = (k: number) => {
    for (let j = 0; j < k; j++) unit(c, sp, j * sStep - sLow, tp, j * tStep - tLow);
  };
  if (group === n) return emitGroup(n);
  const count = c.local(I32);
  c.i32(Math.floor(n / group)).set(count);
  c.loop(() => {
    emitGroup(group);
    advance(c, sp, group * sStep);
    advance(c, tp, group * tStep);
    c.get(count).i32(1).op(Op.i32_sub).tee(count).op(Op.br_if).idx(0);
  });
  emitGroup(n % group);
}

/** A tail shorter than 16 bytes, as 8/4/2/1-byte units (copy mode: bytes are bytes, whatever the dtype). */
function emitByteTail(c: Code, bytes: number, s: number, t: number, at: number): void {
  for (const size of [8, 4, 2, 1]) {
    for (; bytes >= size; bytes -= size, at += size) copyUnit(size)(c, s, at, t, at);
  }
}

/** A row contiguous on both sides: memory.copy, or v128 units then a short tail. */
function emitContiguousRow(c: Code, n: number, s: number, t: number, dtype: DType, mode: CopyMode): void {
  const w = BYTES[dtype];
  const bytes = n * w;
  if (mode === "copy" && bytes >= MEMORY_COPY_MIN_BYTES) {
    c.get(t).get(s).i32(bytes).fc(OpFC.memory_copy).op(0x00, 0x00);
    return;
  }
  const vectors = Math.floor(bytes / 16);
  emitRow(c, vectors, s, 16, t, 16, mode === "copy" ? copyUnit(16) : addUnit(dtype, true));
  const done = vectors * 16;
  if (mode === "copy") return emitByteTail(c, bytes - done, s, t, done);
  for (let at = done; at < bytes; at += w) addUnit(dtype, false)(c, s, at, t, at);
}

const SPLAT: Record<number, number> = { 1: Simd.v128_load8_splat, 4: Simd.v128_load32_splat, 8: Simd.v128_load64_splat };

/** A row that repeats one source element into contiguous destination elements (broadcast, fill). */
function emitSplatRow(c: Code, n: number, s: number, t: number, w: number): void {
  const vectors = Math.floor((n * w) / 16);
  if (vectors > 0) {
    const vector = c.local(V128);
    c.get(s).simd(SPLAT[w]).idx(ALIGN[w]).idx(0).set(vector);
    emitRow(c, vectors, s, 0, t, 16, storeLocalUnit(vector, 16));
  }
  if (vectors * 16 === n * w) return;
  const scalar = c.local(w === 8 ? I64 : I32);
  c.get(s);
  load(c, w, 0);
  c.set(scalar);
  for (let at = vectors * 16; at < n * w; at += w) storeLocalUnit(scalar, w)(c, s, 0, t, at);
}

/** i8x16.shuffle immediates that reverse the order of `width`-byte lanes. */
function reversedLaneBytes(width: number): number[] {
  const bytes: number[] = [];
  for (let lane = 16 / width - 1; lane >= 0; lane--) for (let k = 0; k < width; k++) bytes.push(lane * width + k);
  return bytes;
}

/**
 * A row read backwards (rev of the innermost dim): each 16 destination bytes are the 16
 * source bytes that end at the mirrored element, lanes reversed; the tail goes element-wise.
 */
function emitReversedRow(c: Code, n: number, s: number, t: number, w: number): void {
  const vectors = Math.floor((n * w) / 16);
  if (vectors > 0) {
    const v = c.local(V128);
    const unit: Unit = (cc, sp, sOff, tp, tOff) => {
      cc.get(tp).get(sp).simdMem(Simd.v128_load, sOff).tee(v).get(v);
      cc.simd(Simd.i8x16_shuffle).op(...reversedLaneBytes(w));
      cc.simdMem(Simd.v128_store, tOff);
    };
    emitRow(c, vectors, offsetLocal(c, s, w - 16), -16, t, 16, unit);
  }
  const done = (vectors * 16) / w;
  if (done === n) return;
  const low = offsetLocal(c, s, -(n - 1) * w); // the row's lowest source element
  for (let k = done; k < n; k++) copyUnit(w)(c, low, (n - 1 - k) * w, t, k * w);
}

/** The innermost dimension: pick the fastest row shape for its strides. */
function emitInnermost(c: Code, dim: Dim, s: number, t: number, dtype: DType, mode: CopyMode): void {
  const w = BYTES[dtype];
  if (dim.s === w && dim.t === w) return emitContiguousRow(c, dim.n, s, t, dtype, mode);
  if (dim.s === 0 && dim.t === w && mode === "copy") return emitSplatRow(c, dim.n, s, t, w);
  if (dim.s === -w && dim.t === w && mode === "copy") return emitReversedRow(c, dim.n, s, t, w);
  emitRow(c, dim.n, s, dim.s, t, dim.t, mode === "copy" ? copyUnit(w) : addUnit(dtype, false));
}

/** Loops over `dims` (outer to inner; countdown loops, every n >= 1), then `body` at each iteration's pointers. */
function emitLoops(c: Code, dims: readonly Dim[], s: number, t: number, body: (s: number, t: number) => void, level = 0): void {
  if (level === dims.length) return body(s, t);
  const dim = dims[level];
  const sl = offsetLocal(c, s, 0);
  const tl = offsetLocal(c, t, 0);
  const count = c.local(I32);
  c.i32(dim.n).set(count);
  c.loop(() => {
    emitLoops(c, dims, sl, tl, body, level + 1);
    advance(c, sl, dim.s);
    advance(c, tl, dim.t);
    c.get(count).i32(1).op(Op.i32_sub).tee(count).op(Op.br_if).idx(0);
  });
}

/** The four bytes of each 32-bit lane, for i8x16.shuffle (lanes 0–3 from the first operand, 4–7 from the second). */
function shuffleLanes32(c: Code, lanes: readonly number[]): void {
  c.simd(Simd.i8x16_shuffle).op(...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
}

/** In-register transpose of L×L lanes (L = 4 for 32-bit, 2 for 64-bit): `rows` in, the columns left in `cols`. */
function emitLaneTranspose(c: Code, rows: readonly number[], cols: readonly number[], tmp: readonly number[]): void {
  const mix = (x: number, y: number, lanes: number[], into: number) => {
    c.get(x).get(y);
    shuffleLanes32(c, lanes);
    c.set(into);
  };
  if (rows.length === 2) {
    mix(rows[0], rows[1], [0, 1, 4, 5], cols[0]);
    mix(rows[0], rows[1], [2, 3, 6, 7], cols[1]);
    return;
  }
  mix(rows[0], rows[1], [0, 4, 1, 5], tmp[0]); // r0[0] r1[0] r0[1] r1[1]
  mix(rows[2], rows[3], [0, 4, 1, 5], tmp[1]); // r2[0] r3[0] r2[1] r3[1]
  mix(rows[0], rows[1], [2, 6, 3, 7], tmp[2]); // r0[2] r1[2] r0[3] r1[3]
  mix(rows[2], rows[3], [2, 6, 3, 7], tmp[3]); // r2[2] r3[2] r2[3] r3[3]
  mix(tmp[0], tmp[1], [0, 1, 4, 5], cols[0]);
  mix(tmp[0], tmp[1], [2, 3, 6, 7], cols[1]);
  mix(tmp[2], tmp[3], [0, 1, 4, 5], cols[2]);
  mix(tmp[2], tmp[3], [2, 3, 6, 7], cols[3]);
}

/**
 * One edge × edge tile of a transposing copy with v128 loads and stores: the source is
 * contiguous along `a`, the destination along `b`, so each L × L block is L vector loads,
 * an in-register transpose and L vector stores.
 */
function emitSimdTile(c: Code, a: Dim, b: Dim, s: number, t: number, width: number): void {
  const L = 16 / width;
  const vecs = (n: number) => Array.from({ length: n }, () => c.local(V128));
  const [rows, cols, tmp] = [vecs(L), vecs(L), vecs(L === 4 ? 4 : 0)];
  for (let ai = 0; ai < a.n; ai += L) {
    for (let bi = 0; bi < b.n; bi += L) {
      rows.forEach((r, k) => c.get(s).simdMem(Simd.v128_load, (bi + k) * b.s + ai * a.s).set(r));
      emitLaneTranspose(c, rows, cols, tmp);
      cols.forEach((col, m) => c.get(t).get(col).simdMem(Simd.v128_store, (ai + m) * a.t + bi * b.t));
    }
  }
}

/** Tile edge in elements: the fastest of 8/16/32/64 measured on 2-D float32 and float64 transposes. */
const TILE = 16;

/** A sub-copy: loops over `outer`, then the innermost part; starts at byte offsets s, t from the copy's start. */
interface Region {
  outer: Dim[];
  inner: (c: Code, s: number, t: number) => void;
  s: number;
  t: number;
}

const resized = (n: number, dim: Dim): Dim => ({ ...dim, n });
const scaled = (n: number, dim: Dim, by: number): Dim => ({ n, s: dim.s * by, t: dim.t * by });

/**
 * A transposing copy (innermost dim b strided in the source, another dim a contiguous
 * there) touches one source cache line per element. Tiling a × b reuses each line while
 * it is cached: the tiled bulk, then the two leftover strips copied plainly. (Sweeping
 * the tiles in bands of several tile rows measured no faster.) Tiles of 4- and 8-byte
 * elements are moved with vector loads, lane shuffles and vector stores.
 */
function tiledRegions(dims: Dim[], dtype: DType, mode: CopyMode): Region[] {
  const width = BYTES[dtype];
  const plain = (d: Dim[], s = 0, t = 0): Region => ({
    outer: d.slice(0, -1),
    inner: (c, sp, tp) => emitInnermost(c, d[d.length - 1], sp, tp, dtype, mode),
    s,
    t,
  });
  const last = dims.length - 1;
  const b = dims[last];
  const j = dims.findIndex((d) => d.s === width);
  const a = dims[j];
  const edge = TILE;
  if (b.t !== width || b.s === width || b.s === 0 || j < 0 || j === last || a.n < edge || b.n < edge) return [plain(dims)];
  const aMain = a.n - (a.n % edge);
  const bMain = b.n - (b.n % edge);
  const others = dims.filter((_, k) => k !== j && k !== last);
  const outer = [...others, scaled(aMain / edge, a, edge), scaled(bMain / edge, b, edge)];
  const [aIn, bIn] = [resized(edge, a), resized(edge, b)];
  const vector = mode === "copy" && width >= 4 && b.s > 0 && a.t > 0; // memory offsets are unsigned
  const regions: Region[] = [
    vector ? { outer, inner: (c, sp, tp) => emitSimdTile(c, aIn, bIn, sp, tp, width), s: 0, t: 0 } : plain([...outer, aIn, bIn]),
  ];
  if (aMain < a.n) regions.push(plain(dims.map((d, k) => (k === j ? resized(a.n - aMain, a) : d)), aMain * a.s, aMain * a.t));
  if (bMain < b.n) {
    const strip = dims.map((d, k) => (k === j ? resized(aMain, a) : k === last ? resized(b.n - bMain, b) : d));
    regions.push(plain(strip, bMain * b.s, bMain * b.t));
  }
  return regions;
}

/**
 * Emit code that copies (or, in `add` mode, accumulates) the elements of `shape` from `src`
 * to `dst`, both strided views over the shared memory. Loop bounds and strides are
 * constants; contiguous runs use v128 or `memory.copy`, broadcast rows use splats,
 * transposing copies go tile by tile.
 * Destination elements must be distinct (no zero dst strides on dims of size > 1).
 * Usable inside any function body: it only declares fresh locals.
 */
export function emitStridedCopy(c: Code, shape: readonly number[], dtype: DType, src: StridedSide, dst: StridedSide, mode: CopyMode = "copy"): void {
  const w = BYTES[dtype];
  const dims = canonicalDims(shape, src, dst, w);
  if (!dims) return;
  const s = offsetLocal(c, src.ptr, src.offset * w);
  const t = offsetLocal(c, dst.ptr, dst.offset * w);
  if (dims.length === 0) return emitInnermost(c, { n: 1, s: w, t: w }, s, t, dtype, mode);
  for (const region of tiledRegions(dims, dtype, mode)) {
    emitLoops(c, region.outer, offsetLocal(c, s, region.s), offsetLocal(c, t, region.t), (sp, tp) => region.inner(c, sp, tp));
  }
}

/** The i32 pointer params of `run(out, in0, …, in{n-1})`. */
export const pointerParams = (nInputs: number): ValType[] => Array.from({ length: nInputs + 1 }, (): ValType => I32);
