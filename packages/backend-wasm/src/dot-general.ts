import type { DType, Eqn, FusedGroup, SingleKernelTable, Params, ShapedArray } from "@lintra/core-ir";
import { type GemmEpilogue, rowBytes } from "./gemm-epilogue.js";
import { type StridedAxis, mergeAxes, rowMajorStrides, stridedLoops } from "./loop-gen.js";
import { DEFAULT_TILING, F32_LANES, F64_LANES, I32_LANES, type GemmSpec, type LaneType, buildGemm, gemmScratchBytes } from "./matmul.js";
import { splitGemm } from "./matmul-split.js";
import type { SplitTask } from "./thread-pool.js";
import { BYTES, type WasmBuffer } from "./memory.js";
import { allocFor, kernelKey, runtime } from "./runtime.js";
import type { KernelFn } from "./compile.js";
import { I32, type ModuleBuilder } from "./wasm/encoder.js";
import { Op } from "./wasm/opcodes.js";

type DotParams = Params<"dot_general">;

const LANES: Partial<Record<DType, LaneType>> = { float32: F32_LANES, float64: F64_LANES, int32: I32_LANES };

/** A group of an operand's dims viewed as one: total size, element stride. */
interface Flat {
  readonly size: number;
  readonly stride: number;
}

/**
 * View `dims` (outermost first) of a row-major operand as one dim, or null when they do
 * not walk memory at one stride (then the operand needs a copy). Size-1 dims never matter.
 */
function flatten(shape: readonly number[], strides: readonly number[], dims: readonly number[]): Flat | null {
  const live = dims.filter((d) => shape[d] !== 1);
  const size = dims.reduce((n, d) => n * shape[d], 1);
  if (live.length === 0) return { size, stride: 0 };
  for (let t = 0; t + 1 < live.length; t++) {
    if (strides[live[t]] !== strides[live[t + 1]] * shape[live[t + 1]]) return null;
  }
  return { size, stride: strides[live[live.length - 1]] };
}

const freeDims = (n: number, used: readonly number[]): number[] => Array.from({ length: n }, (_, d) => d).filter((d) => !used.includes(d));

/** How to run one dot_general: which operands to copy into canonical order, then one GEMM. */
interface DotPlan {
  readonly gemm: GemmSpec;
  /** Permutation to copy lhs into ([batch…, free…, contracting…]), or null to use it in place. */
  readonly lhsPerm: number[] | null;
  /** Permutation to copy rhs into ([batch…, contracting…, free…]), or null. */
  readonly rhsPerm: number[] | null;
}

/** Contracting pairs ordered so both operands' K dims flatten, when some order does. */
function contractingOrder(l: ShapedArray, r: ShapedArray, p: DotParams): { lc: number[]; rc: number[] } {
  const ls = rowMajorStrides(l.shape);
  const rs = rowMajorStrides(r.shape);
  const pairs = p.lhsContracting.map((d, t) => [d, p.rhsContracting[t]] as const);
  const orders = [
    pairs,
    [...pairs].sort((x, y) => ls[y[0]] - ls[x[0]]),
    [...pairs].sort((x, y) => rs[y[1]] - rs[x[1]]),
  ];
  const ok = (o: (typeof pairs)[number][], which: 0 | 1) =>
    flatten(which ? r.shape : l.shape, which ? rs : ls, o.map((q) => q[which])) !== null;
  const best = orders.find((o) => ok(o, 0) && ok(o, 1)) ?? orders.find((o) => ok(o, 0)) ?? orders.find((o) => ok(o, 1)) ?? pairs;
  return { lc: best.map((q) => q[0]), rc: best.map((q) => q[1]) };
}

export function planDot(l: ShapedArray, r: ShapedArray, p: DotParams): DotPlan {
  const { lc, rc } = contractingOrder(l, r, p);
  const lb = p.lhsBatch;
  const rb = p.rhsBatch;
  const lf = freeDims(l.ndim, [...lb, ...lc]);
  const rf = freeDims(r.ndim, [...rb, ...rc]);
  let ls = rowMajorStrides(l.shape);
  let rs = rowMajorStrides(r.shape);
  let lhsPerm: number[] | null = null;
  let rhsPerm: number[] | null = null;
  let am = flatten(l.shape, ls, lf);
  let ak = flatten(l.shape, ls, lc);
  if (!am || !ak) {
    lhsPerm = [...lb, ...lf, ...lc];
    ls = copiedStrides(l.shape, lhsPerm);
    am = flatten(l.shape, ls, lf)!;
    ak = flatten(l.shape, ls, lc)!;
  }
  let bk = flatten(r.shape, rs, rc);
  let bn = flatten(r.shape, rs, rf);
  if (!bk || !bn) {
    rhsPerm = [...rb, ...rc, ...rf];
    rs = copiedStrides(r.shape, rhsPerm);
    bk = flatten(r.shape, rs, rc)!;
    bn = flatten(r.shape, rs, rf)!;
  }
  const M = am.size;
  const N = bn.size;
  const batchShape = lb.map((d) => l.shape[d]);
  const cs = rowMajorStrides(batchShape).map((s) => s * M * N);
  const axes: StridedAxis[] = lb.map((d, t) => ({ size: l.shape[d], strides: [cs[t], ls[d], rs[rb[t]]] }));
  const batch = mergeAxes(axes).map((ax) => ({ size: ax.size, a: ax.strides[1], b: ax.strides[2] }));
  const gemm: GemmSpec = { M, K: ak.size, N, aM: am.stride, aK: ak.stride, bK: bk.stride, bN: bn.stride, batch };
  return { gemm, lhsPerm, rhsPerm };
}

/** Element strides of the original dims after a copy that lays them out in `perm` order. */
function copiedStrides(shape: readonly number[], perm: readonly number[]): number[] {
  const permuted = rowMajorStrides(perm.map((d) => shape[d]));
  const out = new Array<number>(shape.length);
  perm.forEach((d, t) => (out[d] = permuted[t]));
  return out;
}

/**
 * Emit `run(dst, src)`: dst (contiguous, dims in `perm` order) = src's elements, read
 * through src's strides. Merged loops; the innermost one is a plain element copy.
 */
function buildPermuteCopy(m: ModuleBuilder, aval: ShapedArray, perm: readonly number[]): void {
  const bytes = BYTES[aval.dtype];
  const src = rowMajorStrides(aval.shape);
  const dst = rowMajorStrides(perm.map((d) => aval.shape[d]));
  const axes = mergeAxes(perm.map((d, t) => ({ size: aval.shape[d], strides: [dst[t] * bytes, src[d] * bytes] })));
  const { code: c } = m.func([I32, I32], [], "run");
  const [load, store, align] = bytes === 8 ? [Op.i64_load, Op.i64_store, 3] : [Op.i32_load, Op.i32_store, 2];
  stridedLoops(c, axes, [0, 1], () => {
    c.get(0).get(1).mem(load, align).mem(store, align);
  });
}

/**
 * Emit `run(out, a, b)` for a product whose contraction has size 1: out[batch, i, j] =
 * a[batch, i] · b[batch, j], an outer product per batch member, as one strided loop —
 * the GEMM's packing and blocking only cost there (per-example weight gradients under
 * vmap are such products).
 */
function buildOuterProduct(m: ModuleBuilder, dtype: DType, g: GemmSpec): void {
  const bytes = BYTES[dtype];
  const [load, mul, store, align] =
    dtype === "float64" ? [Op.f64_load, Op.f64_mul, Op.f64_store, 3] : dtype === "float32" ? [Op.f32_load, Op.f32_mul, Op.f32_store, 2] : [Op.i32_load, Op.i32_mul, Op.i32_store, 2];
  // The output is row-major over [batch…, M, N]: a batch axis's stride is what follows it.
  let outStride = g.M * g.N;
  const batch: StridedAxis[] = [];
  for (let t = g.batch.length - 1; t >= 0; t--) {
    const ax = g.batch[t];
    batch.unshift({ size: ax.size, strides: [outStride * bytes, ax.a * bytes, ax.b * bytes] });
    outStride *= ax.size;
  }
  const axes = mergeAxes([
    ...batch,
    { size: g.M, strides: [g.N * bytes, g.aM * bytes, 0] },
    { size: g.N, strides: [bytes, 0, g.bN * bytes] },
  ]);
  const { code: c } = m.func([I32, I32, I32], [], "run");
  stridedLoops(c, axes, [0, 1, 2], () => {
    c.get(0).get(1).mem(load, align).get(2).mem(load, align).op(mul).mem(store, align);
  });
}

/** Which code computes a planned product: none (an empty sum is zeros), an outer product, or the GEMM. */
const pathOf = (g: GemmSpec): "empty" | "outer" | "gemm" => (g.K === 0 ? "empty" : g.K === 1 ? "outer" : "gemm");

/**
 * Whether this dot_general's kernel applies `group` to its output (the fusion planner's
 * epilogue test): a 2-D float product run by the GEMM, whose C is the [M, N] output itself,
 * and a group writing one value of C's dtype over C.
 */
export function takesEpilogue(dot: Eqn, group: FusedGroup): boolean {
  const [l, r] = dot.inputs.map((a) => a.aval);
  const out = dot.outs[0].aval;
  if (out.dtype !== "float32" && out.dtype !== "float64") return false;
  if (l.ndim !== 2 || r.ndim !== 2 || out.ndim !== 2 || out.size === 0) return false;
  const { gemm } = planDot(l, r, dot.params as DotParams);
  if (gemm.batch.length > 0 || gemm.M !== out.shape[0] || gemm.N !== out.shape[1] || pathOf(gemm) !== "gemm") return false;
  return group.outputs.length === 1 && group.outputs[0].aval.dtype === out.dtype;
}

/** The kernel that copies an operand into `perm` order (null when it is used in place). */
function copyKernel(aval: ShapedArray, perm: readonly number[] | null): KernelFn | null {
  if (!perm) return null;
  return runtime().kernels.get(kernelKey("dot_general/copy", [aval], perm, aval), (m) => buildPermuteCopy(m, aval, perm));
}

/** A planned and compiled dot_general for one signature (shapes, dtype, params). */
interface Prepared {
  readonly plan: DotPlan;
  readonly lanes: LaneType;
  readonly scratchBytes: number;
  readonly run: KernelFn;
  /** Whether `run` is an outer product (contraction of size 1): `run(out, a, b)`, no scratch. */
  readonly outer: boolean;
  /** Copies of lhs / rhs into canonical order, where needed. */
  readonly copies: readonly [KernelFn | null, KernelFn | null];
  /** The product split over n threads, by n, made on first use. */
  readonly splits: Map<number, Split>;
  /** The group the GEMM applies to each finished block of C, if any. */
  readonly epilogue?: GemmEpilogue;
}

/**
 * A product split into parts: each part's kernel and the byte offsets of its pointers
 * (C, A, B, then the epilogue's operands), and the scratch one part needs.
 */
interface Split {
  readonly parts: readonly { readonly run: KernelFn; readonly offsets: readonly number[] }[];
  readonly scratchBytes: number;
}

/**
 * Floating-point operations each thread must get for a split to pay: handing a worker
 * its share and waking this thread afterwards cost about 30 µs of an otherwise idle
 * core, and 2^22 flops take about 100 µs on one. Smaller shares gain little (a 128³
 * product would, at best, go 1.4× faster on two threads) and lose when the cores are
 * busy with other work and the worker wakes late; so 128³ stays on one thread.
 */
const MIN_FLOPS_PER_THREAD = 2 ** 22;

const gemmKernel = (dtype: DType, lanes: LaneType, g: GemmSpec, epilogue?: GemmEpilogue): KernelFn =>
  runtime().kernels.get(`dot_general|${dtype}|${JSON.stringify(g)}${epilogue ? `|epilogue|${epilogue.key}` : ""}`, (m) =>
    buildGemm(m, lanes, g, DEFAULT_TILING, epilogue),
  );

/** How many threads this product is worth: enough work for each, and rows or batch members to share. */
function threadsFor(g: GemmSpec): number {
  const batch = g.batch.reduce((n, ax) => n * ax.size, 1);
  const flops = 2 * g.M * g.N * g.K * batch;
  if (flops < 2 * MIN_FLOPS_PER_THREAD) return 1;
  const threads = runtime().threads.threads;
  const units = g.batch.length > 0 ? g.batch[0].size : Math.ceil(g.M / DEFAULT_TILING.mr);
  return Math.max(1, Math.min(threads, Math.floor(flops / MIN_FLOPS_PER_THREAD), units));
}

function splitFor(p: Prepared, dtype: DType, threads: number): Split {
  let split = p.splits.get(threads);
  if (!split) {
    const parts = splitGemm(p.plan.gemm, threads, DEFAULT_TILING.mr);
    const by = p.lanes.bytes;
    const e = p.epilogue;
    // An epilogue operand of a part starts at the part's first row (a row-broadcast one stays put).
    const operandOffsets = (row: number) => (e ? e.operands.map((k) => row * rowBytes(e, k)) : []);
    split = {
      parts: parts.map((q) => ({ run: gemmKernel(dtype, p.lanes, q.spec, e), offsets: [...q.offsets.map((o) => o * by), ...operandOffsets(q.row)] })),
      scratchBytes: Math.max(...parts.map((q) => gemmScratchBytes(p.lanes, q.spec))),
    };
    p.splits.set(threads, split);
  }
  return split;
}

// Planning and building cache keys cost more than a small product: memoise per signature.
const prepared = new Map<string, Prepared>();

function prepare(avals: ShapedArray[], params: DotParams, out: ShapedArray, epilogue?: GemmEpilogue): Prepared {
  const [l, r] = avals;
  const signature = `${out.dtype}|${l.shape}|${r.shape}|${params.lhsContracting}|${params.rhsContracting}|${params.lhsBatch}|${params.rhsBatch}`;
  const key = epilogue ? `${signature}|epilogue|${epilogue.key}` : signature;
  let p = prepared.get(key);
  if (!p) {
    const lanes = LANES[out.dtype];
    if (!lanes) throw new Error(`internal: dot_general has no wasm kernel for ${out.dtype}`);
    const plan = planDot(l, r, params);
    const outer = pathOf(plan.gemm) === "outer";
    if (epilogue && (outer || plan.gemm.batch.length > 0)) throw new Error("internal: only the GEMM of a 2-D product takes an epilogue");
    const run = outer
      ? runtime().kernels.get(`dot_general/outer|${out.dtype}|${JSON.stringify(plan.gemm)}`, (m) => buildOuterProduct(m, out.dtype, plan.gemm))
      : gemmKernel(out.dtype, lanes, plan.gemm, epilogue);
    const copies = [copyKernel(l, plan.lhsPerm), copyKernel(r, plan.rhsPerm)] as const;
    p = { plan, lanes, scratchBytes: outer ? 0 : gemmScratchBytes(lanes, plan.gemm), run, copies, outer, splits: new Map(), ...(epilogue ? { epilogue } : {}) };
    prepared.set(key, p);
  }
  return p;
}

/** An epilogue to run on the product, and its operands' pointers (in `operands` order). */
export interface EpilogueCall {
  readonly epilogue: GemmEpilogue;
  readonly operands: readonly number[];
}

/** Counts products run with an epilogue (tests check that one was planned and run). */
export const gemmEpilogueTesting = { runs: 0 };

/**
 * The product of `inputs` into `into` (or a new buffer); with an epilogue (a product that
 * `takesEpilogue`), the buffer holds the epilogue's output instead.
 */
export function dotGeneral(inputs: WasmBuffer[], avals: ShapedArray[], params: DotParams, out: ShapedArray, into?: WasmBuffer, call?: EpilogueCall): WasmBuffer {
  const buf = into ?? allocFor(out);
  if (out.size === 0) return buf;
  const { mem } = runtime();
  if (avals[0].shape.some((d, i) => d === 0 && params.lhsContracting.includes(i))) {
    if (call) throw new Error("internal: an empty product takes no epilogue");
    mem.view(buf, out.dtype, out.size).fill(0); // an empty sum
    return buf;
  }
  const p = prepare(avals, params, out, call?.epilogue);
  const extra = call?.operands ?? [];
  if (call) gemmEpilogueTesting.runs++;
  const { scratchBytes, run, copies, outer } = p;
  const temps: WasmBuffer[] = [];
  const operand = (i: 0 | 1) => {
    const copy = copies[i];
    if (!copy) return inputs[i];
    const into = mem.alloc(avals[i].size * BYTES[avals[i].dtype]);
    temps.push(into);
    copy(into.ptr, inputs[i].ptr);
    return into;
  };
  try {
    const a = operand(0);
    const b = operand(1);
    if (outer) {
      run(buf.ptr, a.ptr, b.ptr);
      return buf;
    }
    const threads = threadsFor(p.plan.gemm);
    if (threads > 1) {
      const split = splitFor(p, out.dtype, threads);
      const ptrs = [buf.ptr, a.ptr, b.ptr, ...extra];
      const tasks = split.parts.map((q): SplitTask => ({ fn: q.run, args: ptrs.map((ptr, j) => ptr + q.offsets[j]) }));
      runtime().threads.run(tasks, split.scratchBytes);
      return buf;
    }
    const scratch = mem.alloc(scratchBytes);
    temps.push(scratch);
    run(buf.ptr, a.ptr, b.ptr, ...extra, scratch.ptr);
  } finally {
    for (const t of temps) mem.release(t);
  }
  return buf;
}

export const dotGeneralKernels: SingleKernelTable<WasmBuffer> = {
  dot_general: (inputs, avals, params, out) => dotGeneral(inputs, avals, params, out),
};
