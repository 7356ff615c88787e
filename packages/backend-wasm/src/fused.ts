import { type Atom, type DType, type Eqn, type FusedGroup, Lit, type Var, broadcastStrides } from "@lintra/core-ir";
import { hostMath } from "./compile.js";
import { LOAD, STORE, loadMask, scalarCode } from "./elementwise.js";
import {
  type ElementwiseOp,
  type ElementwisePrim,
  LANE,
  type Lane,
  NUM,
  ScalarEmitter,
  VALTYPE,
  VectorConsts,
  VectorEmitter,
  bitcastOp,
  convertOp,
  elementwiseOps,
  emitScalarViaSimd,
  scalarViaSimd,
  splatBytes,
} from "./elementwise-ops.js";
import { FOLD_KIND, type FoldKind, type LoopFold, foldIsOrdered, foldable, makeFold } from "./fused-fold.js";
import { type Bound, type StridedAxis, addTo, forLoop, inLocal, mergeAxes, rowMajorStrides, stridedLoops } from "./loop-gen.js";
import { BYTES } from "./memory.js";
import { Code, F64, I32, type ModuleBuilder, V128 } from "./wasm/encoder.js";
import { Op, Simd, type ValType } from "./wasm/opcodes.js";

/*
 * Fused elementwise loops: a group of equations (see core-ir's planFusion) becomes one loop
 * over the output shape. Each element's operands are loaded once, every member's code is
 * emitted from the same op table as the single-op kernels (elementwise-ops.ts) into locals,
 * and only the group's outputs are stored. Broadcast operands are read with zero strides.
 * SIMD when every value has one lane width and every op has vector code; else scalar.
 */

/** An operand read from memory at `strides` (elements per output axis; 0 where broadcast). */
interface Access {
  readonly atom: Var;
  readonly dtype: DType;
  readonly strides: readonly number[];
}

/** Where a member's operand comes from. */
type Source = { readonly access: number } | { readonly literal: number; readonly dtype: DType } | { readonly member: number };

interface Member {
  readonly prim: string;
  /** A reduction folding its operand over the loop's trailing axes (the group's last member). */
  readonly fold?: FoldKind;
  readonly op: ElementwiseOp;
  readonly ins: readonly DType[];
  readonly out: DType;
  readonly args: readonly Source[];
}

/** A fused group as the generator sees it; `run(out0, …, access0, …)` takes byte offsets. */
export interface FusedLoop {
  readonly shape: readonly number[];
  readonly accesses: readonly Access[];
  readonly members: readonly Member[];
  /** Member index whose value each output stores. */
  readonly outputs: readonly number[];
  readonly outDTypes: readonly DType[];
  /** The group's reduction: its member, and how many trailing axes of the loop it folds. */
  readonly fold?: { readonly member: number; readonly axes: number };
  /** Identifies the generated code: equal keys, equal modules. */
  readonly key: string;
}

/** What the wasm loop generator fuses: elementwise ops of the op table, conversions and broadcasts. */
export function fusibleOnWasm(eqn: Eqn): boolean {
  if (eqn.prim === "broadcast_in_dim") return true;
  if (Object.hasOwn(FOLD_KIND, eqn.prim)) {
    // Folded over trailing axes only: each output element is one run of the loop's inner axes.
    const x = eqn.inputs[0].aval;
    const axes = [...(eqn.params as { axes: readonly number[] }).axes].sort((a, b) => a - b);
    return foldable(x.dtype) && axes.length > 0 && axes.every((a, i) => a === x.ndim - axes.length + i);
  }
  if (eqn.prim === "convert_element_type" || eqn.prim === "bitcast_convert_type") return true;
  return Object.hasOwn(elementwiseOps, eqn.prim) && eqn.inputs.length > 0;
}

function opFor(eqn: Eqn): ElementwiseOp {
  const from = eqn.inputs[0].aval.dtype;
  if (eqn.prim === "convert_element_type") return convertOp(from, (eqn.params as { newDtype: DType }).newDtype);
  if (eqn.prim === "bitcast_convert_type") return bitcastOp(from, (eqn.params as { newDtype: DType }).newDtype);
  return elementwiseOps[eqn.prim as ElementwisePrim];
}

/** Describe a group for the generator: its memory reads, its members, its stores. */
export function describeGroup(group: FusedGroup): FusedLoop {
  const shape = group.shape;
  const accesses: Access[] = [];
  const accessIndex = new Map<Var, Map<string, number>>();
  const values = new Map<Var, Source>();
  const members: Member[] = [];
  const access = (atom: Var, strides: readonly number[]): Source => {
    const byStrides = accessIndex.get(atom) ?? accessIndex.set(atom, new Map()).get(atom)!;
    let i = byStrides.get(String(strides));
    if (i === undefined) byStrides.set(String(strides), (i = accesses.push({ atom, dtype: atom.aval.dtype, strides }) - 1));
    return { access: i };
  };
  const contiguous = rowMajorStrides(shape);
  const source = (a: Atom): Source =>
    a instanceof Lit ? { literal: a.value, dtype: a.aval.dtype } : (values.get(a) ?? access(a, contiguous));

  let fold: FusedLoop["fold"];
  for (const eqn of group.eqns) {
    if (eqn === group.reduction) {
      if (!group.outputs.includes(eqn.outs[0])) continue; // nothing reads the reduction: no fold
      const dtype = eqn.inputs[0].aval.dtype;
      const kind = FOLD_KIND[eqn.prim];
      members.push({ prim: eqn.prim, fold: kind, op: elementwiseOps.stop_gradient, ins: [dtype], out: dtype, args: [source(eqn.inputs[0])] });
      values.set(eqn.outs[0], { member: members.length - 1 });
      fold = { member: members.length - 1, axes: (eqn.params as { axes: readonly number[] }).axes.length };
      continue;
    }
    if (eqn.prim === "broadcast_in_dim") {
      const [x] = eqn.inputs;
      const dims = (eqn.params as { broadcastDimensions: readonly number[] }).broadcastDimensions;
      values.set(eqn.outs[0], x instanceof Lit ? source(x) : access(x, broadcastStrides(x.aval.shape, shape, dims)));
      continue;
    }
    const ins = eqn.inputs.map((a) => a.aval.dtype);
    members.push({ prim: eqn.prim, op: opFor(eqn), ins, out: eqn.outs[0].aval.dtype, args: eqn.inputs.map(source) });
    values.set(eqn.outs[0], { member: members.length - 1 });
  }
  const outputs = group.outputs.map((v) => {
    const s = values.get(v)!;
    if ("member" in s) return s.member;
    // A broadcast returned as it is: an identity member stores it.
    members.push({ prim: "stop_gradient", op: elementwiseOps.stop_gradient, ins: [v.aval.dtype], out: v.aval.dtype, args: [s] });
    return members.length - 1;
  });
  const outDTypes = outputs.map((m) => members[m].out);
  // Keyed by what the code does, not by which variables: equal groups share one module.
  const key = [
    `fused|${shape}`,
    accesses.map((a) => `${a.dtype}@${a.strides}`).join(";"),
    members.map((m) => `${m.prim}(${m.ins}):${m.out}<-${m.args.map(sourceKey).join(",")}`).join(";"),
    outputs.join(","),
    fold ? `fold${fold.axes}` : "",
  ].join("|");
  return { shape, accesses, members, outputs, outDTypes, key, ...(fold ? { fold } : {}) };
}

const sourceKey = (s: Source): string => ("access" in s ? `a${s.access}` : "member" in s ? `m${s.member}` : `k${s.dtype}:${Object.is(s.literal, -0) ? "-0" : s.literal}`);

/**
 * Whether the loop reads and writes every element at its own index (no broadcast, no fold):
 * then any contiguous range of it is the same loop over fewer elements (`flatPart`).
 */
export function isFlat(loop: FusedLoop): boolean {
  const size = loop.shape.reduce((a, b) => a * b, 1);
  return !loop.fold && loop.accesses.every((a) => a.strides.every((s, d) => s === rowMajorStrides(loop.shape)[d] || loop.shape[d] === 1)) && size > 0;
}

/** A flat loop over `length` elements: what one thread runs of a split. */
export function flatPart(loop: FusedLoop, length: number): FusedLoop {
  return { ...loop, shape: [length], accesses: loop.accesses.map((a) => ({ ...a, strides: [1] })), key: `${loop.key}|part${length}` };
}

// ---------------------------------------------------------------------------------------
// SIMD eligibility.

/** Bool-valued ops whose vector code is right on lane masks (and, or, xor, not are bitwise). */
const MASK_OPS = new Set(["and", "or", "xor", "not", "stop_gradient"]);

const valueDType = (m: Member): DType => m.ins[m.ins.length - 1];

/** The lane shape a member computes in when bools are lane masks of `width` bytes. */
function laneOf(m: Member, width: number): Lane | null {
  const value = valueDType(m);
  if (value !== "bool") return LANE[value];
  return width === 4 && MASK_OPS.has(m.prim) ? "i32x4" : null;
}

/** Bytes per lane if the whole loop can run on v128 values, else null. */
function vectorWidth(loop: FusedLoop): number | null {
  const dtypes = [...loop.accesses.map((a) => a.dtype), ...loop.members.flatMap((m) => [...m.ins, m.out])];
  const widths = new Set(dtypes.filter((d) => d !== "bool").map((d) => BYTES[d]));
  if (widths.size !== 1) return null;
  const [width] = widths;
  if (width !== 4 && width !== 8) return null;
  if (loop.outDTypes.includes("bool") && width !== 4) return null;
  for (const m of loop.members) {
    if (m.fold) continue; // every fold has vector code for the dtypes it accepts
    const lane = laneOf(m, width);
    if (!lane || !m.op.simd?.[lane]) return null;
  }
  return width;
}

// ---------------------------------------------------------------------------------------
// Code generation.

/** Import the host functions the loop's members call (before any function of the module). */
export function importHosts(m: ModuleBuilder, loop: FusedLoop): Map<string, number> {
  const hosts = new Map<string, number>();
  for (const member of loop.members) {
    for (const h of member.op.hosts ?? []) if (!hosts.has(h)) hosts.set(h, m.importFunc("host", h, new Array(hostMath[h].length).fill(F64), [F64]));
  }
  return hosts;
}

/** Emit `run(out0, …, access0, …)` for `loop`. */
export function buildFused(m: ModuleBuilder, loop: FusedLoop): void {
  const hosts = importHosts(m, loop);
  const nPtr = loop.outputs.length + loop.accesses.length;
  const { code: c } = m.func(new Array(nPtr).fill(I32), [], "run");
  const size = loop.shape.reduce((a, b) => a * b, 1);
  if (size === 0 && !loop.fold) return; // (an empty fold still writes its identity)
  const ptrBytes = [...loop.outDTypes.map((d) => BYTES[d]), ...loop.accesses.map((a) => BYTES[a.dtype])];
  const contiguous = rowMajorStrides(loop.shape);
  // The folded output advances along the kept (leading) axes only.
  const kept = loop.shape.length - (loop.fold?.axes ?? 0);
  const foldOut = loop.fold ? loop.outputs.indexOf(loop.fold.member) : -1;
  const keptStrides = rowMajorStrides(loop.shape.slice(0, kept));
  const outStride = (j: number, d: number) => (j !== foldOut ? contiguous[d] : d < kept ? keptStrides[d] : 0) * ptrBytes[j];
  const axes: StridedAxis[] = loop.shape.map((n, d) => ({
    size: n,
    strides: [...loop.outDTypes.map((_, j) => outStride(j, d)), ...loop.accesses.map((a, k) => a.strides[d] * ptrBytes[loop.outputs.length + k])],
  }));
  const ptrs = Array.from({ length: nPtr }, (_, j) => j);
  const gen = new Generator(c, loop, hosts);
  const prologueEnd = c.bytes.length;
  const outer = mergeAxes(axes.slice(0, kept));
  const folded = mergeAxes(axes.slice(kept));
  const inner = (loop.fold ? folded : outer).pop() ?? { size: 1, strides: new Array<number>(nPtr).fill(0) };
  let width = inner.strides.every((s, j) => s === 0 || s === ptrBytes[j] || j === foldOut) ? vectorWidth(loop) : null;
  if (!loop.fold) stridedLoops(c, outer, ptrs, () => gen.inner(inner, width, ptrs));
  else {
    const { fold: kind, out: dtype } = loop.members[loop.fold.member];
    const total = loop.shape.slice(kept).reduce((a, b) => a * b, 1);
    // Several runs (an operand broadcast inside the folded axes): an ordered sum's vectors
    // line up with the kernel's pairs only when each run is even.
    const runs = folded.length > 0;
    const ordered = foldIsOrdered(kind!, dtype);
    if (runs && ordered && inner.size % 2 === 1) width = null;
    const counted = runs && ordered && width === null && total % 2 === 1;
    const fold = makeFold(c, kind!, dtype, { vector: width !== null, total, counted });
    gen.fold = fold;
    stridedLoops(c, outer, ptrs, () => {
      fold.begin();
      stridedLoops(c, folded, ptrs, () => gen.foldInner(inner as StridedAxis, width, ptrs, { runs, counted }));
      fold.end(foldOut);
    });
  }
  c.bytes.splice(prologueEnd, 0, ...gen.prologue());
}

/**
 * Emit a function `(out, access0, …, rows, cols)` that runs a fold-free `loop` over a
 * rows × cols rectangle of its 2-D index space, each pointer at the rectangle's first
 * element: another kernel's epilogue on one block of its output. `rowBytes` and `colBytes`
 * step each pointer (the output, then the accesses) one row and one column on; a column
 * step of its element size or 0 (a broadcast operand) lets rows run in SIMD where the loop
 * can. Returns the function's index.
 */
export function emitRectangle(
  m: ModuleBuilder,
  loop: FusedLoop,
  hosts: ReadonlyMap<string, number>,
  rowBytes: readonly number[],
  colBytes: readonly number[],
): number {
  if (loop.fold || loop.outputs.length !== 1) throw new Error("internal: a rectangle loop has one output and no fold");
  const ptrs = Array.from({ length: 1 + loop.accesses.length }, (_, j) => j);
  const [rows, cols] = [ptrs.length, ptrs.length + 1];
  const { code: c, index } = m.func([...ptrs, rows, cols].map((): ValType => I32), []);
  const gen = new Generator(c, loop, hosts);
  const prologueEnd = c.bytes.length;
  const elementBytes = [BYTES[loop.outDTypes[0]], ...loop.accesses.map((a) => BYTES[a.dtype])];
  const width = colBytes.every((s, j) => s === 0 || s === elementBytes[j]) ? vectorWidth(loop) : null;
  const r = c.local(I32);
  forLoop(c, r, 0, inLocal(rows), 1, () => {
    gen.inner({ size: inLocal(cols), strides: colBytes }, width, ptrs);
    ptrs.forEach((p, j) => addTo(c, p, rowBytes[j]));
  });
  c.bytes.splice(prologueEnd, 0, ...gen.prologue());
  return index;
}

class Generator {
  /** The group's reduction, folding values as they are computed. */
  fold: LoopFold | null = null;
  private readonly consts: VectorConsts;
  private readonly scalarLits = new Map<string, number>();
  private readonly prologueCode: number[][] = [];
  constructor(
    private readonly c: Code,
    private readonly loop: FusedLoop,
    private readonly hosts: ReadonlyMap<string, number>,
  ) {
    this.consts = new VectorConsts(c);
  }

  /** Code that sets constants once, before every loop. */
  prologue(): number[] {
    return [...this.prologueCode.flat(), ...this.consts.init()];
  }

  /**
   * The innermost axis, from the pointer locals `ptrs` (outputs first): whole vectors, then
   * the remaining elements one at a time. Its size may be known only at run time.
   */
  inner(axis: { readonly size: Bound; readonly strides: readonly number[] }, width: number | null, ptrs: readonly number[]): void {
    const c = this.c;
    const nOut = this.loop.outputs.length;
    const cursors = ptrs.map((p) => {
      const l = c.local(I32);
      c.get(p).set(l);
      return l;
    });
    const k = c.local(I32);
    const per = width ? 16 / width : 0;
    const size = axis.size;
    let vectorEnd: Bound = 0; // elements in whole vectors
    if (per && typeof size === "number") vectorEnd = Math.floor(size / per) * per;
    else if (per && typeof size !== "number") {
      const end = c.local(I32);
      c.get(size.local).i32(-per).op(Op.i32_and).set(end);
      vectorEnd = inLocal(end);
    }
    forLoop(c, k, 0, vectorEnd, per, () => {
      this.vectorElement(cursors.slice(nOut), cursors.slice(0, nOut), width!, axis.strides.slice(nOut));
      cursors.forEach((l, j) => addTo(c, l, axis.strides[j] * per));
    });
    forLoop(c, k, vectorEnd, size, 1, () => {
      this.scalarElement(cursors.slice(nOut), cursors.slice(0, nOut));
      cursors.forEach((l, j) => addTo(c, l, axis.strides[j]));
    });
  }

  /**
   * One run of a folded loop (its size known while generating): vectors in steps the fold
   * unrolls, then the remaining elements one by one, each in the role the fold's order gives
   * it. `runs`: this run is one of several (the fold's accumulators carry from run to run).
   */
  foldInner(axis: StridedAxis, width: number | null, ptrs: readonly number[], how: { runs: boolean; counted: boolean }): void {
    const c = this.c;
    const fold = this.fold!;
    const nOut = this.loop.outputs.length;
    const cursors = ptrs.map((p) => {
      const l = c.local(I32);
      c.get(p).set(l);
      return l;
    });
    const per = width ? 16 / width : 1;
    const element = (vector: boolean) => {
      if (vector) this.vectorElement(cursors.slice(nOut), cursors.slice(0, nOut), width!, axis.strides.slice(nOut));
      else this.scalarElement(cursors.slice(nOut), cursors.slice(0, nOut));
      cursors.forEach((l, j) => addTo(c, l, axis.strides[j] * (vector ? per : 1)));
    };
    const n = axis.size;
    const k = c.local(I32);
    let next = 0;
    fold.settle();
    if (width !== null) {
      const vectors = Math.floor(n / per);
      const steps = Math.floor(vectors / fold.unroll);
      forLoop(c, k, 0, steps, 1, () => {
        for (let u = 0; u < fold.unroll; u++) element(true);
        fold.settle();
      });
      for (let v = steps * fold.unroll; v < vectors; v++) element(true);
      next = vectors * per;
    }
    // Elements that go to the accumulators in turn: all of them in one of several (even)
    // runs, else all but an odd last one.
    const slotted = how.runs ? n : n - (n % 2);
    fold.role = how.counted ? "counted" : "slot";
    if (width !== null) for (; next < slotted; next++) element(false);
    else {
      forLoop(c, k, next, slotted, 1, () => element(false));
      next = Math.max(next, slotted);
    }
    fold.role = "tail";
    for (; next < n; next++) element(false);
    fold.role = "slot";
    if (how.runs) fold.settle();
  }

  private scalarElement(reads: readonly number[], writes: readonly number[]): void {
    const c = this.c;
    const { accesses, members, outputs } = this.loop;
    const loaded = accesses.map((a, i) => {
      const l = c.local(VALTYPE[NUM[a.dtype]]);
      c.get(reads[i]).mem(...LOAD[a.dtype]).set(l);
      return l;
    });
    const results: number[] = [];
    for (const m of members) {
      const local = (s: Source): number => ("access" in s ? loaded[s.access] : "member" in s ? results[s.member] : this.scalarLiteral(s.literal, s.dtype));
      if (m.fold) this.fold!.scalar(local(m.args[0]));
      results.push(m.fold ? -1 : this.scalarMember(m, m.args.map(local)));
    }
    outputs.forEach((mi, j) => {
      if (!members[mi].fold) c.get(writes[j]).get(results[mi]).mem(...STORE[members[mi].out]);
    });
  }

  /** One member's scalar code on operand locals; its result in a new local. */
  private scalarMember(m: Member, args: readonly number[]): number {
    const c = this.c;
    const value = valueDType(m);
    if (scalarViaSimd(m.op, value)) {
      emitScalarViaSimd(c, m.op, args);
      const out = c.local(VALTYPE[NUM[m.out]]);
      c.set(out);
      return out;
    }
    const viaF64 = m.op.viaF64 === true && value === "float32";
    const locals = args.map((l, i) => {
      if (!(viaF64 && m.ins[i] === "float32")) return l;
      const wide = c.local(F64);
      c.get(l).op(Op.f64_promote_f32).set(wide);
      return wide;
    });
    scalarCode(m.prim, m.op, value)(new ScalarEmitter(c, viaF64 ? "f64" : NUM[value], locals, this.hosts));
    if (viaF64 && m.out === "float32") c.op(Op.f32_demote_f64);
    const out = c.local(VALTYPE[NUM[m.out]]);
    c.set(out);
    return out;
  }

  private scalarLiteral(value: number, dtype: DType): number {
    const key = `${dtype}:${Object.is(value, -0) ? "-0" : value}`;
    let l = this.scalarLits.get(key);
    if (l === undefined) {
      l = this.c.local(VALTYPE[NUM[dtype]]);
      this.scalarLits.set(key, l);
      const set = new Code([]);
      if (dtype === "float32") set.f32(value);
      else if (dtype === "float64") set.f64(value);
      else set.i32(dtype === "bool" ? (value ? 1 : 0) : value);
      this.prologueCode.push(set.set(l).bytes);
    }
    return l;
  }

  private vectorElement(reads: readonly number[], writes: readonly number[], width: number, strides: readonly number[]): void {
    const c = this.c;
    const { accesses, members, outputs } = this.loop;
    const loaded = accesses.map((a, i) => {
      const l = c.local(V128);
      this.vectorLoad(a.dtype, reads[i], strides[i] === 0, width);
      c.set(l);
      return l;
    });
    const results: number[] = [];
    for (const m of members) {
      const local = (s: Source): number =>
        "access" in s ? loaded[s.access] : "member" in s ? results[s.member] : this.consts.local(vectorLiteral(s.literal, s.dtype));
      if (m.fold) {
        this.fold!.vector(local(m.args[0]));
        results.push(-1); // a fold has no per-element value
        continue;
      }
      const lane = laneOf(m, width)!;
      m.op.simd![lane]!(new VectorEmitter(c, lane, m.args.map(local), this.consts));
      const out = c.local(V128);
      c.set(out);
      results.push(out);
    }
    outputs.forEach((mi, j) => {
      if (!members[mi].fold) this.vectorStore(members[mi].out, writes[j], results[mi]);
    });
  }

  /** A vector of operands; a bool arrives as a lane mask; a zero stride splats one element. */
  private vectorLoad(dtype: DType, ptr: number, splat: boolean, width: number): void {
    const c = this.c;
    if (dtype === "bool") {
      if (!splat) return loadMask(c, ptr, width, 0);
      c.get(ptr).simd(Simd.v128_load8_splat).idx(0).idx(0);
      c.simd(Simd.v128_const).op(...new Array<number>(16).fill(0));
      c.simd(width === 4 ? Simd.i32x4_ne : Simd.i64x2_ne);
      return;
    }
    c.get(ptr);
    if (!splat) c.simdMem(Simd.v128_load, 0, 0);
    else c.simd(BYTES[dtype] === 4 ? Simd.v128_load32_splat : Simd.v128_load64_splat).idx(BYTES[dtype] === 4 ? 2 : 3).idx(0);
  }

  /** Store a vector; a bool result is a 4-lane mask narrowed to four 0/1 bytes. */
  private vectorStore(dtype: DType, ptr: number, value: number): void {
    const c = this.c;
    c.get(ptr);
    if (dtype !== "bool") {
      c.get(value).simdMem(Simd.v128_store, 0, 0);
      return;
    }
    c.get(value).get(value).simd(Simd.i16x8_narrow_i32x4_s);
    const half = c.local(V128);
    c.set(half).get(half).get(half).simd(Simd.i8x16_narrow_i16x8_s);
    c.simd(Simd.v128_const).op(...splatBytes("i8x16", 1)).simd(Simd.v128_and);
    c.lane(Simd.i32x4_extract_lane, 0).mem(Op.i32_store, 0);
  }
}

/** A literal as v128 lanes: its value in every lane; a bool as an all-ones or zero mask. */
function vectorLiteral(value: number, dtype: DType): number[] {
  if (dtype === "bool") return splatBytes("i8x16", value ? -1 : 0);
  return splatBytes(LANE[dtype], value);
}
