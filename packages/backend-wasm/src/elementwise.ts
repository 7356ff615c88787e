import { type DType, type SingleKernelTable, UnsupportedPrimitiveError } from "@lintra/core-ir";
import { hostMath } from "./compile.js";
import {
  type ElementwiseOp,
  type ElementwisePrim,
  LANE,
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
import { flatWasmKernel, wasmKernel } from "./kernel.js";
import { BYTES, type WasmBuffer } from "./memory.js";
import { type Code, F64, I32, type ModuleBuilder, V128, uleb } from "./wasm/encoder.js";
import { Op, Simd, type ValType } from "./wasm/opcodes.js";

/** `run(out, in0, …)`: i32 byte offsets. */
const runParams = (nInputs: number): ValType[] => new Array<ValType>(nInputs + 1).fill(I32);

export { elementwiseOps, bitcastOp, convertOp } from "./elementwise-ops.js";
export type { ElementwiseOp, ElementwisePrim, Lane, Num } from "./elementwise-ops.js";

/** Scalar load and store instructions per dtype, with their natural alignment (log2 bytes). */
export const LOAD: Record<DType, [number, number]> = {
  float32: [Op.f32_load, 2], float64: [Op.f64_load, 3], int32: [Op.i32_load, 2], bool: [Op.i32_load8_u, 0],
};
export const STORE: Record<DType, [number, number]> = {
  float32: [Op.f32_store, 2], float64: [Op.f64_store, 3], int32: [Op.i32_store, 2], bool: [Op.i32_store8, 0],
};

function simdMem(c: Code, opcode: number, alignLog2: number, offset: number): void {
  c.simd(opcode);
  uleb(c.bytes, alignLog2);
  uleb(c.bytes, offset);
}

/** while (ptr <u end) { body } — pointers are byte offsets, compared unsigned. */
function whileBelow(c: Code, ptr: number, end: number, body: () => void): void {
  c.block((b) => {
    b.get(ptr).get(end).op(Op.i32_ge_u).op(Op.br_if).idx(0);
    b.loop((l) => {
      body();
      l.get(ptr).get(end).op(Op.i32_lt_u).op(Op.br_if).idx(0);
    });
  });
}

/** ptr += bytes for each (pointer local, bytes) pair. */
function advance(c: Code, steps: readonly (readonly [number, number])[]): void {
  for (const [ptr, bytes] of steps) c.get(ptr).i32(bytes).op(Op.i32_add).set(ptr);
}

/** The scalar code for operands of dtype `d`, or an UnsupportedPrimitiveError. */
export function scalarCode(prim: string, op: ElementwiseOp, d: DType) {
  const code = d === "bool" ? (op.bool ?? op.int) : d === "int32" ? op.int : op.float;
  if (!code) throw new UnsupportedPrimitiveError(prim, "wasm", d);
  return code;
}

interface Layout {
  readonly ins: readonly DType[];
  readonly out: DType;
  /** dtype of the values computed on: select's branches, otherwise the operands. */
  readonly value: DType;
}

/** How the SIMD loop runs, if it can: `groups` vectors of operands per output store. */
function vectorPlan(op: ElementwiseOp, { ins, out, value }: Layout): { groups: number } | null {
  if (!op.simd?.[LANE[value]]) return null;
  if (!ins.every((d) => d === value || d === "bool")) return null;
  const w = BYTES[value];
  if (BYTES[out] === w) return { groups: 1 };
  return out === "bool" && w === 4 ? { groups: 4 } : null; // four i32 masks narrow to one byte vector
}

/** A bool operand as a mask in lanes of `w` bytes: four (w = 4) or two (w = 8) bytes widened. */
export function loadMask(c: Code, ptr: number, w: number, offset: number): void {
  const zero = () => c.simd(Simd.v128_const).op(...new Array<number>(16).fill(0));
  c.get(ptr);
  if (w === 1) {
    simdMem(c, Simd.v128_load, 0, offset);
    zero();
    c.simd(Simd.i8x16_ne);
    return;
  }
  simdMem(c, w === 4 ? Simd.v128_load32_zero : Simd.v128_load16_splat, 0, offset);
  c.simd(Simd.i16x8_extend_low_i8x16_u).simd(Simd.i32x4_extend_low_i16x8_u);
  if (w === 8) c.simd(Simd.i64x2_extend_low_i32x4_u);
  zero();
  c.simd(w === 4 ? Simd.i32x4_ne : Simd.i64x2_ne);
}

function vectorBody(c: Code, op: ElementwiseOp, layout: Layout, groups: number, consts: VectorConsts): void {
  const { ins, out, value } = layout;
  const lane = LANE[value];
  const w = BYTES[value];
  const args = ins.map(() => c.local(V128));
  const results = Array.from({ length: groups }, () => c.local(V128));
  for (let g = 0; g < groups; g++) {
    ins.forEach((d, k) => {
      if (d === value) {
        c.get(k + 1);
        simdMem(c, Simd.v128_load, 4, g * 16);
      } else loadMask(c, k + 1, w, (g * 16) / w);
      c.set(args[k]);
    });
    op.simd![lane]!(new VectorEmitter(c, lane, args, consts));
    c.set(results[g]);
  }
  c.get(0);
  if (groups === 4) {
    const [r0, r1, r2, r3] = results;
    c.get(r0).get(r1).simd(Simd.i16x8_narrow_i32x4_s).get(r2).get(r3).simd(Simd.i16x8_narrow_i32x4_s);
    c.simd(Simd.i8x16_narrow_i16x8_s);
  } else c.get(results[0]);
  if (out === "bool") c.simd(Simd.v128_const).op(...splatBytes("i8x16", 1)).simd(Simd.v128_and); // masks → 0/1
  simdMem(c, Simd.v128_store, 4, 0);
}

function scalarBody(c: Code, prim: string, op: ElementwiseOp, layout: Layout, hosts: ReadonlyMap<string, number>): void {
  const { ins, out, value } = layout;
  const shared = scalarViaSimd(op, value);
  const viaF64 = op.viaF64 === true && value === "float32" && !shared;
  const promoted = (d: DType) => viaF64 && d === "float32";
  const locals = ins.map((d) => c.local(promoted(d) ? F64 : VALTYPE[NUM[d]]));
  ins.forEach((d, k) => {
    c.get(k + 1).mem(...LOAD[d]);
    if (promoted(d)) c.op(Op.f64_promote_f32);
    c.set(locals[k]);
  });
  c.get(0);
  if (shared) emitScalarViaSimd(c, op, locals);
  else scalarCode(prim, op, value)(new ScalarEmitter(c, viaF64 ? "f64" : NUM[value], locals, hosts));
  if (viaF64 && out === "float32") c.op(Op.f32_demote_f64);
  c.mem(...STORE[out]);
}

/**
 * Emit `run(out, in0, …)` computing out[i] = op(in0[i], …) for i < n: a SIMD loop over
 * whole vectors where the op has SIMD code for these dtypes (unless `vector` is false),
 * then a scalar loop for the rest.
 */
export function buildElementwise(
  m: ModuleBuilder, prim: string, op: ElementwiseOp, ins: readonly DType[], out: DType, n: number, vector = true,
): void {
  const hosts = new Map<string, number>();
  for (const h of op.hosts ?? []) hosts.set(h, m.importFunc("host", h, new Array(hostMath[h].length).fill(F64), [F64]));
  const { code: c } = m.func(runParams(ins.length), [], "run");
  const layout: Layout = { ins, out, value: ins[ins.length - 1] };
  const end = c.local(I32);
  c.get(0).i32(n * BYTES[out]).op(Op.i32_add).set(end);
  const plan = vector ? vectorPlan(op, layout) : null;
  if (plan) {
    const per = (16 / BYTES[layout.value]) * plan.groups; // elements per iteration
    const vecEnd = c.local(I32);
    c.get(0).i32(Math.floor(n / per) * per * BYTES[out]).op(Op.i32_add).set(vecEnd);
    const consts = new VectorConsts(c);
    const loopStart = c.bytes.length;
    whileBelow(c, 0, vecEnd, () => {
      vectorBody(c, op, layout, plan.groups, consts);
      advance(c, [[0, per * BYTES[out]], ...ins.map((d, k) => [k + 1, per * BYTES[d]] as const)]);
    });
    c.bytes.splice(loopStart, 0, ...consts.init()); // constants are set once, before the loop
  }
  whileBelow(c, 0, end, () => {
    scalarBody(c, prim, op, layout, hosts);
    advance(c, [[0, BYTES[out]], ...ins.map((d, k) => [k + 1, BYTES[d]] as const)]);
  });
}

/** iota: nested loops over (outer, len, inner) storing the middle index. */
function buildIota(m: ModuleBuilder, shape: readonly number[], dimension: number, dtype: DType): void {
  const { code: c } = m.func(runParams(0), [], "run");
  const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const [outerN, lenN, innerN] = [prod(shape.slice(0, dimension)), shape[dimension], prod(shape.slice(dimension + 1))];
  const [o, j, k, outerEnd, lenEnd, innerEnd] = Array.from({ length: 6 }, () => c.local(I32));
  const v = c.local(VALTYPE[NUM[dtype]]);
  c.i32(outerN).set(outerEnd).i32(lenN).set(lenEnd).i32(innerN).set(innerEnd);
  c.forRange(o, (x) => x.i32(0), outerEnd, 1, (x) =>
    x.forRange(j, (y) => y.i32(0), lenEnd, 1, (y) => {
      y.get(j);
      if (dtype === "float32") y.op(Op.f32_convert_i32_s);
      if (dtype === "float64") y.op(Op.f64_convert_i32_s);
      y.set(v);
      y.forRange(k, (z) => z.i32(0), innerEnd, 1, (z) => {
        z.get(0).get(v).mem(...STORE[dtype]);
        advance(z, [[0, BYTES[dtype]]]);
      });
    }),
  );
}

const mapKernel = (prim: ElementwisePrim) =>
  flatWasmKernel(prim, (m, avals, _params, out) => buildElementwise(m, prim, elementwiseOps[prim], avals.map((a) => a.dtype), out.dtype, out.size));

export const elementwiseKernels: SingleKernelTable<WasmBuffer> = {
  ...(Object.fromEntries(Object.keys(elementwiseOps).map((p) => [p, mapKernel(p as ElementwisePrim)])) as SingleKernelTable<WasmBuffer>),
  convert_element_type: flatWasmKernel("convert_element_type", (m, [a], { newDtype }, out) =>
    buildElementwise(m, "convert_element_type", convertOp(a.dtype, newDtype), [a.dtype], out.dtype, out.size),
  ),
  bitcast_convert_type: wasmKernel("bitcast_convert_type", (m, [a], { newDtype }, out) =>
    buildElementwise(m, "bitcast_convert_type", bitcastOp(a.dtype, newDtype), [a.dtype], out.dtype, out.size),
  ),
  iota: wasmKernel("iota", (m, _avals, { shape, dimension, dtype }) => buildIota(m, shape, dimension, dtype)),
};
