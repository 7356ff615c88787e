import type { DType, SingleKernelTable, ShapedArray } from "@lintra/core-ir";
import { SimdExt, type StridedAxis, addTo, forLoop, mergeAxes, rowMajorStrides, simdLoad, stridedLoops } from "./loop-gen.js";
import { BYTES, type WasmBuffer } from "./memory.js";
import { allocFor, runtime } from "./runtime.js";
import { type Code, F32, F64, I32, type ModuleBuilder, V128 } from "./wasm/encoder.js";
import type { ValType } from "./wasm/opcodes.js";
import { Op, Simd } from "./wasm/opcodes.js";

type Kind = "sum" | "prod" | "max" | "min";

/**
 * How one reduction folds one dtype, as scalar and as v128 code. Loads take the address
 * from the stack; `combine` folds the value on top of the stack into the accumulator
 * under it (it may use the two scratch locals).
 */
interface Fold {
  readonly inBytes: number;
  readonly outBytes: number;
  /** Input elements per vector load. */
  readonly lanes: number;
  readonly acc: ValType;
  identity(c: Code): void;
  load(c: Code, offset: number): void;
  combine(c: Code, t: Scratch): void;
  vIdentity(c: Code): void;
  vLoad(c: Code, offset: number): void;
  vCombine(c: Code): void;
  /** Vector accumulator on the stack → one lane as a scalar accumulator. */
  vExtract(c: Code, lane: number): void;
  /** Address and scalar accumulator on the stack → the output element. */
  store(c: Code, offset: number): void;
}

/** Scratch locals for scalar combines that need them (int32 max/min via select). */
interface Scratch {
  readonly a: number;
  readonly b: number;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

const scalarOps = {
  f32: { sum: Op.f32_add, prod: Op.f32_mul, max: Op.f32_max, min: Op.f32_min },
  f64: { sum: Op.f64_add, prod: Op.f64_mul, max: Op.f64_max, min: Op.f64_min },
} as const;

/**
 * float32 sums and products run in float64, two elements per vector (as the cpu
 * reference, which folds in doubles and rounds once): results stay finite and accurate
 * where a float32 accumulator would overflow or drift.
 */
function f32InF64(kind: "sum" | "prod"): Fold {
  const id = kind === "sum" ? 0 : 1;
  return {
    inBytes: 4, outBytes: 4, lanes: 2, acc: F64,
    identity: (c) => void c.f64(id),
    load: (c, off) => void c.mem(Op.f32_load, 2, off).op(Op.f64_promote_f32),
    combine: (c) => void c.op(scalarOps.f64[kind]),
    vIdentity: (c) => void c.f64(id).simd(Simd.f64x2_splat),
    vLoad: (c, off) => (simdLoad(c, SimdExt.v128_load64_zero, 3, off), c.simd(SimdExt.f64x2_promote_low_f32x4)),
    vCombine: (c) => void c.simd(kind === "sum" ? Simd.f64x2_add : Simd.f64x2_mul),
    vExtract: (c, lane) => void c.lane(Simd.f64x2_extract_lane, lane),
    store: (c, off) => void c.op(Op.f32_demote_f64).mem(Op.f32_store, 2, off),
  };
}

function floatFold(dtype: "float32" | "float64", kind: Kind): Fold {
  if (dtype === "float32" && (kind === "sum" || kind === "prod")) return f32InF64(kind);
  const f32 = dtype === "float32";
  const id = { sum: 0, prod: 1, max: -Infinity, min: Infinity }[kind];
  const vop = f32
    ? { sum: Simd.f32x4_add, prod: Simd.f32x4_mul, max: Simd.f32x4_max, min: Simd.f32x4_min }[kind]
    : { sum: Simd.f64x2_add, prod: Simd.f64x2_mul, max: Simd.f64x2_max, min: Simd.f64x2_min }[kind];
  const [load, store, align] = f32 ? [Op.f32_load, Op.f32_store, 2] : [Op.f64_load, Op.f64_store, 3];
  return {
    inBytes: f32 ? 4 : 8, outBytes: f32 ? 4 : 8, lanes: f32 ? 4 : 2, acc: f32 ? F32 : F64,
    identity: (c) => void (f32 ? c.f32(id) : c.f64(id)),
    load: (c, off) => void c.mem(load, align, off),
    combine: (c) => void c.op(scalarOps[f32 ? "f32" : "f64"][kind]),
    vIdentity: (c) => void (f32 ? c.f32(id).simd(Simd.f32x4_splat) : c.f64(id).simd(Simd.f64x2_splat)),
    vLoad: (c, off) => void c.simdMem(Simd.v128_load, off, 0),
    vCombine: (c) => void c.simd(vop),
    vExtract: (c, lane) => void c.lane(f32 ? Simd.f32x4_extract_lane : Simd.f64x2_extract_lane, lane),
    store: (c, off) => void c.mem(store, align, off),
  };
}

/** int32: exact, wrapping sums and products; max/min by comparison. */
function int32Fold(kind: Kind): Fold {
  const id = { sum: 0, prod: 1, max: INT32_MIN, min: INT32_MAX }[kind];
  const vop = { sum: Simd.i32x4_add, prod: Simd.i32x4_mul, max: Simd.i32x4_max_s, min: Simd.i32x4_min_s }[kind];
  const combine = (c: Code, t: Scratch) => {
    if (kind === "sum") return void c.op(Op.i32_add);
    if (kind === "prod") return void c.op(Op.i32_mul);
    c.set(t.b).set(t.a).get(t.a).get(t.b).get(t.a).get(t.b);
    c.op(kind === "max" ? Op.i32_gt_s : Op.i32_lt_s, Op.select);
  };
  return {
    inBytes: 4, outBytes: 4, lanes: 4, acc: I32,
    identity: (c) => void c.i32(id),
    load: (c, off) => void c.mem(Op.i32_load, 2, off),
    combine,
    vIdentity: (c) => void c.i32(id).simd(Simd.i32x4_splat),
    vLoad: (c, off) => void c.simdMem(Simd.v128_load, off, 0),
    vCombine: (c) => void c.simd(vop),
    vExtract: (c, lane) => void c.lane(Simd.i32x4_extract_lane, lane),
    store: (c, off) => void c.mem(Op.i32_store, 2, off),
  };
}

const I8X16_SPLAT = 0x0f;
const I8X16_EXTRACT_LANE_U = 0x16;

/** bool (bytes 0/1): max is `or`, min is `and`, sixteen elements per vector. */
function boolFold(kind: "max" | "min"): Fold {
  const id = kind === "max" ? 0 : 1;
  return {
    inBytes: 1, outBytes: 1, lanes: 16, acc: I32,
    identity: (c) => void c.i32(id),
    load: (c, off) => void c.mem(Op.i32_load8_u, 0, off),
    combine: (c) => void c.op(kind === "max" ? Op.i32_or : Op.i32_and),
    vIdentity: (c) => void c.i32(id).simd(I8X16_SPLAT),
    vLoad: (c, off) => void c.simdMem(Simd.v128_load, off, 0),
    vCombine: (c) => void c.simd(kind === "max" ? Simd.v128_or : Simd.v128_and),
    vExtract: (c, lane) => void c.lane(I8X16_EXTRACT_LANE_U, lane),
    store: (c, off) => void c.mem(Op.i32_store8, 0, off),
  };
}

function foldFor(kind: Kind, dtype: DType): Fold {
  if (dtype === "float32" || dtype === "float64") return floatFold(dtype, kind);
  if (dtype === "int32") return int32Fold(kind);
  if (kind === "max" || kind === "min") return boolFold(kind);
  throw new Error(`internal: reduce ${kind} has no wasm kernel for ${dtype}`);
}

/** The value of an empty reduction. */
function identityValue(kind: Kind, dtype: DType): number {
  if (kind === "sum") return 0;
  if (kind === "prod") return 1;
  if (dtype === "bool") return kind === "max" ? 0 : 1;
  if (dtype === "int32") return kind === "max" ? INT32_MIN : INT32_MAX;
  return kind === "max" ? -Infinity : Infinity;
}

/**
 * The iteration of a reduction: kept axes (outer, in output order, strides [out, in]) and
 * reduced axes (strides [in]), merged, in bytes.
 */
export interface ReducePlan {
  readonly outer: StridedAxis[];
  readonly reduced: StridedAxis[];
}

export function planReduce(shape: readonly number[], axes: readonly number[], inBytes: number, outBytes: number): ReducePlan {
  const strides = rowMajorStrides(shape);
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const outStrides = rowMajorStrides(kept.map((d) => shape[d]));
  const outer = mergeAxes(kept.map((d, t) => ({ size: shape[d], strides: [outStrides[t] * outBytes, strides[d] * inBytes] })));
  // reduced axes walked innermost-stride last, so a contiguous run ends the nest
  const order = [...axes].sort((x, y) => strides[y] - strides[x]);
  const reduced = mergeAxes(order.map((d) => ({ size: shape[d], strides: [strides[d] * inBytes] })));
  return { outer, reduced };
}

/**
 * Vector accumulators a contiguous run is folded into, in turn. Fused loops that end in a
 * float sum fold in the same order (fused-fold.ts), so jit and eager agree bit for bit.
 */
export const RUN_ACCUMULATORS = 4;
const UNROLL = RUN_ACCUMULATORS;

/**
 * Reduce a contiguous run: the innermost reduced axis has stride one element. Each
 * output folds UNROLL vector accumulators over the run (independent chains), then the
 * lanes, then the scalar tail.
 */
function emitRunReduce(c: Code, f: Fold, plan: ReducePlan, out: number, inp: number): void {
  const inner = plan.reduced[plan.reduced.length - 1];
  const rest = plan.reduced.slice(0, -1);
  const L = inner.size;
  const t: Scratch = { a: c.local(f.acc), b: c.local(f.acc) };
  const accs = Array.from({ length: UNROLL }, () => c.local(V128));
  const sacc = c.local(f.acc);
  const p = c.local(I32);
  const q = c.local(I32);
  const i = c.local(I32);
  const step = f.lanes * f.inBytes;
  const blocks = Math.floor(L / (UNROLL * f.lanes));
  const extraVecs = Math.floor((L % (UNROLL * f.lanes)) / f.lanes);
  const tail = L % f.lanes;
  stridedLoops(c, plan.outer, [out, inp], () => {
    for (const v of accs) (f.vIdentity(c), c.set(v));
    f.identity(c);
    c.set(sacc);
    c.get(inp).set(p);
    stridedLoops(c, rest, [p], () => {
      c.get(p).set(q);
      forLoop(c, i, 0, blocks, 1, () => {
        accs.forEach((v, u) => {
          c.get(v).get(q);
          f.vLoad(c, u * step);
          f.vCombine(c);
          c.set(v);
        });
        addTo(c, q, UNROLL * step);
      });
      for (let u = 0; u < extraVecs; u++) {
        c.get(accs[u]).get(q);
        f.vLoad(c, u * step);
        f.vCombine(c);
        c.set(accs[u]);
      }
      for (let e = 0; e < tail; e++) {
        c.get(sacc).get(q);
        f.load(c, extraVecs * step + e * f.inBytes);
        f.combine(c, t);
        c.set(sacc);
      }
    });
    foldAccs(c, f, accs, sacc, t);
    c.get(out).get(sacc);
    f.store(c, 0);
  });
}

/** Fold the vector accumulators and then their lanes into the scalar accumulator. */
function foldAccs(c: Code, f: Fold, accs: readonly number[], sacc: number, t: Scratch): void {
  for (let u = 1; u < accs.length; u++) {
    c.get(accs[0]).get(accs[u]);
    f.vCombine(c);
    c.set(accs[0]);
  }
  for (let lane = 0; lane < f.lanes; lane++) {
    c.get(sacc).get(accs[0]);
    f.vExtract(c, lane);
    f.combine(c, t);
    c.set(sacc);
  }
}

/** Outputs one block of emitAcrossReduce covers: V vectors of accumulators. */
const acrossWidth = (f: Fold): number => Math.max(1, Math.min(8, Math.floor(64 / (f.lanes * f.inBytes)) * 2)) * f.lanes;

/**
 * Reduce across rows: the innermost kept axis is contiguous, so vectors run along the
 * output. A block of outputs keeps one accumulator per vector while the reduced axes
 * are walked; ragged ends use fewer vectors and then scalars.
 */
function emitAcrossReduce(c: Code, f: Fold, plan: ReducePlan, out: number, inp: number): void {
  const J = plan.outer[plan.outer.length - 1];
  const outer = plan.outer.slice(0, -1);
  const W = acrossWidth(f);
  const V = W / f.lanes;
  const t: Scratch = { a: c.local(f.acc), b: c.local(f.acc) };
  const accs = Array.from({ length: V }, () => c.local(V128));
  const sacc = c.local(f.acc);
  const pin = c.local(I32);
  const pout = c.local(I32);
  const p = c.local(I32);
  const i = c.local(I32);
  const block = (nv: number, base: number) => {
    for (let v = 0; v < nv; v++) (f.vIdentity(c), c.set(accs[v]));
    c.get(pin).set(p);
    stridedLoops(c, plan.reduced, [p], () => {
      for (let v = 0; v < nv; v++) {
        c.get(accs[v]).get(p);
        f.vLoad(c, (base + v * f.lanes) * f.inBytes);
        f.vCombine(c);
        c.set(accs[v]);
      }
    });
    for (let v = 0; v < nv; v++) {
      for (let lane = 0; lane < f.lanes; lane++) {
        c.get(pout).get(accs[v]);
        f.vExtract(c, lane);
        f.store(c, (base + v * f.lanes + lane) * f.outBytes);
      }
    }
  };
  const scalar = (j: number) => {
    f.identity(c);
    c.set(sacc);
    c.get(pin).set(p);
    stridedLoops(c, plan.reduced, [p], () => {
      c.get(sacc).get(p);
      f.load(c, j * f.inBytes);
      f.combine(c, t);
      c.set(sacc);
    });
    c.get(pout).get(sacc);
    f.store(c, j * f.outBytes);
  };
  const blocks = Math.floor(J.size / W);
  const left = J.size - blocks * W;
  stridedLoops(c, outer, [out, inp], () => {
    c.get(inp).set(pin);
    c.get(out).set(pout);
    forLoop(c, i, 0, blocks, 1, () => {
      block(V, 0);
      addTo(c, pin, W * f.inBytes);
      addTo(c, pout, W * f.outBytes);
    });
    const nv = Math.floor(left / f.lanes);
    if (nv > 0) block(nv, 0);
    for (let j = nv * f.lanes; j < left; j++) scalar(j);
  });
}

/** Whether each output folds a contiguous run (else vectors run along the outputs). */
const foldsRuns = (f: Fold, plan: ReducePlan): boolean => plan.reduced[plan.reduced.length - 1]?.strides[0] === f.inBytes;

function buildReduce(m: ModuleBuilder, f: Fold, plan: ReducePlan): void {
  const { code: c } = m.func([I32, I32], [], "run");
  if (foldsRuns(f, plan)) emitRunReduce(c, f, plan, 0, 1);
  else if (plan.outer.length > 0 && plan.outer[plan.outer.length - 1].strides[1] === f.inBytes) emitAcrossReduce(c, f, plan, 0, 1);
  else emitAcrossReduce(c, f, { outer: [...plan.outer, { size: 1, strides: [f.outBytes, f.inBytes] }], reduced: plan.reduced }, 0, 1);
}

/** Input elements below which another thread costs more than it saves (a reduction streams memory). */
const MIN_ELEMENTS_PER_THREAD = 2 ** 18;

/**
 * The reduction split over `parts` threads along its outermost kept axis, as plans and
 * byte offsets [out, in]. Every output is folded exactly as unsplit (where vectors run
 * along that axis, parts are whole blocks of them), so results are bit-identical.
 * Null for a reduction to one value: splitting it would change the order of its sum.
 */
function splitReduce(f: Fold, plan: ReducePlan, parts: number): { plan: ReducePlan; offsets: [number, number] }[] | null {
  if (plan.outer.length === 0) return null;
  const [axis, ...rest] = plan.outer;
  const unit = !foldsRuns(f, plan) && rest.length === 0 ? acrossWidth(f) : 1;
  const per = Math.ceil(Math.ceil(axis.size / unit) / parts) * unit;
  const out: { plan: ReducePlan; offsets: [number, number] }[] = [];
  for (let start = 0; start < axis.size; start += per) {
    const part = { size: Math.min(per, axis.size - start), strides: axis.strides };
    out.push({ plan: { outer: [part, ...rest], reduced: plan.reduced }, offsets: [start * axis.strides[0], start * axis.strides[1]] });
  }
  return out;
}

/** Run a reduction, split over threads when it is large enough to pay. */
function runReduce(kind: Kind, aval: ShapedArray, axes: readonly number[], outPtr: number, inPtr: number): void {
  const { kernels, threads } = runtime();
  const f = foldFor(kind, aval.dtype);
  const plan = planReduce(aval.shape, axes, f.inBytes, f.outBytes);
  // a key built by hand: kernelKey's JSON costs more than a small reduction
  const key = `reduce_${kind}|${aval.dtype}|${aval.shape}|${axes}`;
  const n = aval.size >= 2 * MIN_ELEMENTS_PER_THREAD ? Math.min(threads.threads, Math.floor(aval.size / MIN_ELEMENTS_PER_THREAD)) : 1;
  const parts = n > 1 ? splitReduce(f, plan, n) : null;
  if (!parts || parts.length < 2) return void kernels.get(key, (m) => buildReduce(m, f, plan))(outPtr, inPtr);
  const tasks = parts.map((p) => ({
    fn: kernels.get(`${key}|part ${p.plan.outer[0].size}`, (m) => buildReduce(m, f, p.plan)),
    args: [outPtr + p.offsets[0], inPtr + p.offsets[1]],
  }));
  threads.run(tasks);
}

const reduceKernel =
  (kind: Kind) =>
  (inputs: WasmBuffer[], [aval]: ShapedArray[], { axes }: { axes: readonly number[] }, out: ShapedArray): WasmBuffer => {
    const buf = allocFor(out);
    if (out.size === 0) return buf;
    const { mem } = runtime();
    if (aval.size === 0) {
      mem.view(buf, out.dtype, out.size).fill(identityValue(kind, aval.dtype));
      return buf;
    }
    runReduce(kind, aval, axes, buf.ptr, inputs[0].ptr);
    return buf;
  };

/** Scalar element access for argmax/argmin: load, and `v beats best` comparisons. */
function scalarType(dtype: DType): { type: ValType; load: number; align: number; gt: number; lt: number; eq: number; ne: number } {
  switch (dtype) {
    case "float32":
      return { type: F32, load: Op.f32_load, align: 2, gt: Op.f32_gt, lt: Op.f32_lt, eq: Op.f32_eq, ne: Op.f32_ne };
    case "float64":
      return { type: F64, load: Op.f64_load, align: 3, gt: Op.f64_gt, lt: Op.f64_lt, eq: Op.f64_eq, ne: Op.f64_ne };
    case "int32":
      return { type: I32, load: Op.i32_load, align: 2, gt: Op.i32_gt_s, lt: Op.i32_lt_s, eq: Op.i32_eq, ne: Op.i32_ne };
    case "bool":
      return { type: I32, load: Op.i32_load8_u, align: 0, gt: Op.i32_gt_s, lt: Op.i32_lt_s, eq: Op.i32_eq, ne: Op.i32_ne };
  }
}

/**
 * Index of the first extreme along `axis`. An element takes over when it beats the best
 * so far or is NaN, and nothing takes over from a NaN: the first NaN wins.
 */
function buildArg(m: ModuleBuilder, which: "max" | "min", aval: ShapedArray, axis: number): void {
  const s = scalarType(aval.dtype);
  const bytes = BYTES[aval.dtype];
  const plan = planReduce(aval.shape, [axis], bytes, 4);
  const n = aval.shape[axis];
  const stride = rowMajorStrides(aval.shape)[axis] * bytes;
  const isFloat = aval.dtype === "float32" || aval.dtype === "float64";
  const { code: c } = m.func([I32, I32], [], "run");
  const [out, inp] = [0, 1];
  const best = c.local(s.type);
  const v = c.local(s.type);
  const at = c.local(I32);
  const r = c.local(I32);
  const p = c.local(I32);
  stridedLoops(c, plan.outer, [out, inp], () => {
    c.get(inp).mem(s.load, s.align).set(best);
    c.i32(0).set(at);
    c.get(inp).set(p);
    forLoop(c, r, 1, n, 1, () => {
      addTo(c, p, stride);
      c.get(p).mem(s.load, s.align).set(v);
      c.get(v).get(best).op(which === "max" ? s.gt : s.lt);
      // floats: (v > best or v is NaN) and best is not NaN
      if (isFloat) c.get(v).get(v).op(s.ne, Op.i32_or).get(best).get(best).op(s.eq, Op.i32_and);
      c.if(() => {
        c.get(v).set(best);
        c.get(r).set(at);
      });
    });
    c.get(out).get(at).mem(Op.i32_store, 2);
  });
}

const argKernel =
  (which: "max" | "min") =>
  (inputs: WasmBuffer[], [aval]: ShapedArray[], { axis }: { axis: number }, out: ShapedArray): WasmBuffer => {
    const buf = allocFor(out);
    if (out.size === 0) return buf;
    const fn = runtime().kernels.get(`arg${which}|${aval.dtype}|${aval.shape}|${axis}`, (m) => buildArg(m, which, aval, axis));
    fn(buf.ptr, inputs[0].ptr);
    return buf;
  };

/**
 * Inclusive running sums along `axis` (from the end when `reverse`), accumulated like
 * reduce_sum (float32 in float64) and stored at every step. When a kept axis is
 * contiguous, vectors run across it; otherwise each line is summed in order.
 */
function buildCumsum(m: ModuleBuilder, aval: ShapedArray, axis: number, reverse: boolean): void {
  const f = foldFor("sum", aval.dtype);
  const bytes = f.inBytes;
  const strides = rowMajorStrides(aval.shape);
  const n = aval.shape[axis];
  const step = (reverse ? -1 : 1) * strides[axis] * bytes;
  const start = reverse ? (n - 1) * strides[axis] * bytes : 0;
  const kept = aval.shape.map((_, d) => d).filter((d) => d !== axis);
  let outer = mergeAxes(kept.map((d) => ({ size: aval.shape[d], strides: [strides[d] * bytes, strides[d] * bytes] })));
  const { code: c } = m.func([I32, I32], [], "run");
  const [out, inp] = [0, 1];
  const t: Scratch = { a: c.local(f.acc), b: c.local(f.acc) };
  const pin = c.local(I32);
  const pout = c.local(I32);
  const k = c.local(I32);
  const inner = outer[outer.length - 1];
  const across = inner !== undefined && inner.strides[1] === bytes;
  const J = across ? inner.size : 1;
  if (across) outer = outer.slice(0, -1);
  const V = 4;
  const W = V * f.lanes;
  const accs = Array.from({ length: V }, () => c.local(V128));
  const sacc = c.local(f.acc);
  const bin = c.local(I32);
  const bout = c.local(I32);
  const blk = c.local(I32);
  // Walk the axis once for `vectors` vectors then `scalar` elements from bin/bout + base.
  const line = (base: number, vectors: number, scalar: boolean) => {
    for (let u = 0; u < vectors; u++) (f.vIdentity(c), c.set(accs[u]));
    if (scalar) (f.identity(c), c.set(sacc));
    c.get(bin).i32(start).op(Op.i32_add).set(pin);
    c.get(bout).i32(start).op(Op.i32_add).set(pout);
    forLoop(c, k, 0, n, 1, () => {
      for (let u = 0; u < vectors; u++) {
        const off = (base + u * f.lanes) * bytes;
        c.get(accs[u]).get(pin);
        f.vLoad(c, off);
        f.vCombine(c);
        c.set(accs[u]);
        for (let lane = 0; lane < f.lanes; lane++) {
          c.get(pout).get(accs[u]);
          f.vExtract(c, lane);
          f.store(c, off + lane * bytes);
        }
      }
      if (scalar) {
        const off = (base + vectors * f.lanes) * bytes;
        c.get(sacc).get(pin);
        f.load(c, off);
        f.combine(c, t);
        c.set(sacc);
        c.get(pout).get(sacc);
        f.store(c, off);
      }
      addTo(c, pin, step);
      addTo(c, pout, step);
    });
  };
  const blocks = Math.floor(J / W);
  const nv = Math.floor((J - blocks * W) / f.lanes);
  const scalars = J - blocks * W - nv * f.lanes;
  stridedLoops(c, outer, [out, inp], () => {
    c.get(inp).set(bin);
    c.get(out).set(bout);
    forLoop(c, blk, 0, blocks, 1, () => {
      line(0, V, false);
      addTo(c, bin, W * bytes);
      addTo(c, bout, W * bytes);
    });
    if (nv > 0) line(0, nv, false);
    for (let e = 0; e < scalars; e++) line(nv * f.lanes + e, 0, true);
  });
}

function cumsumKernel(inputs: WasmBuffer[], [aval]: ShapedArray[], { axis, reverse }: { axis: number; reverse: boolean }, out: ShapedArray): WasmBuffer {
  const buf = allocFor(out);
  if (out.size === 0) return buf;
  const fn = runtime().kernels.get(`cumsum|${aval.dtype}|${aval.shape}|${axis}|${reverse}`, (m) => buildCumsum(m, aval, axis, reverse));
  fn(buf.ptr, inputs[0].ptr);
  return buf;
}

export const reduceKernels: SingleKernelTable<WasmBuffer> = {
  reduce_sum: reduceKernel("sum"),
  reduce_prod: reduceKernel("prod"),
  reduce_max: reduceKernel("max"),
  reduce_min: reduceKernel("min"),
  argmax: argKernel("max"),
  argmin: argKernel("min"),
  cumsum: cumsumKernel,
};
