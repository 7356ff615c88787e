import type { DType } from "@lintra/core-ir";
import { expF32x4, logisticF32x4, tanhF32x4 } from "./math-simd.js";
import { type Code, uleb } from "./wasm/encoder.js";
import { F32, F64, I32, Op, OpFC, Simd, V128, type ValType } from "./wasm/opcodes.js";

// The elementwise op table: for each primitive, how to emit its scalar code and, where a
// SIMD instruction sequence exists, its vector code. Kernels (elementwise.ts) wrap these in
// loops; a fused-expression generator can chain the same emitters over locals.

/** Scalar compute type of a value; bools compute as i32 holding 0 or 1. */
export type Num = "f32" | "f64" | "i32";
/** A SIMD lane shape, chosen by the operand dtype (bool → i8x16). */
export type Lane = "f32x4" | "f64x2" | "i32x4" | "i8x16";

export const NUM: Record<DType, Num> = { float32: "f32", float64: "f64", int32: "i32", bool: "i32" };
export const LANE: Record<DType, Lane> = { float32: "f32x4", float64: "f64x2", int32: "i32x4", bool: "i8x16" };
export const VALTYPE: Record<Num, ValType> = { f32: F32, f64: F64, i32: I32 };

/** i32 instructions whose names differ from the float ones (signed compares). */
const I32_NAMES: Record<string, string> = { lt: "lt_s", gt: "gt_s", le: "le_s", ge: "ge_s", div: "div_s", rem: "rem_s" };

function opcode(table: Record<string, number>, name: string): number {
  const code = table[name];
  if (code === undefined) throw new Error(`internal: no instruction ${name}`);
  return code;
}

/**
 * Emits scalar code for one element. Operands sit in locals (`arg(i)` pushes one); the
 * code leaves the result on the stack. Host functions are called by name.
 */
export class ScalarEmitter {
  constructor(
    readonly c: Code,
    readonly t: Num,
    private readonly args: readonly number[],
    private readonly hosts: ReadonlyMap<string, number>,
  ) {}

  arg(i: number): this {
    this.c.get(this.args[i]);
    return this;
  }
  /** The instruction `name` for the compute type: f32.add, f64.lt, i32.lt_s … */
  i(name: string): this {
    const n = this.t === "i32" ? (I32_NAMES[name] ?? name) : name;
    this.c.op(opcode(Op, `${this.t}_${n}`));
    return this;
  }
  /** A constant of the compute type. */
  k(v: number): this {
    if (this.t === "f32") this.c.f32(v);
    else if (this.t === "f64") this.c.f64(v);
    else this.c.i32(v);
    return this;
  }
  op(...bytes: number[]): this {
    this.c.op(...bytes);
    return this;
  }
  select(): this {
    return this.op(Op.select);
  }
  call(host: string): this {
    const f = this.hosts.get(host);
    if (f === undefined) throw new Error(`internal: host function ${host} not imported`);
    this.c.call(f);
    return this;
  }
  tmp(type: ValType = VALTYPE[this.t]): number {
    return this.c.local(type);
  }
  get(l: number): this {
    this.c.get(l);
    return this;
  }
  set(l: number): this {
    this.c.set(l);
    return this;
  }
}

/** v128 constants hoisted into locals, so a loop body reads a register instead of rebuilding them. */
export class VectorConsts {
  private readonly locals = new Map<string, { bytes: number[]; local: number }>();
  constructor(private readonly c: Code) {}

  local(bytes: number[]): number {
    const key = bytes.join(",");
    let entry = this.locals.get(key);
    if (!entry) this.locals.set(key, (entry = { bytes, local: this.c.local(V128) }));
    return entry.local;
  }
  /** Code setting every constant requested so far; it goes before the loop. */
  init(): number[] {
    const out: number[] = [];
    for (const { bytes, local } of this.locals.values()) {
      out.push(0xfd, Simd.v128_const, ...bytes, Op.local_set);
      uleb(out, local);
    }
    return out;
  }
}

/** Emits SIMD code for one vector of operands (v128 locals); leaves a v128 on the stack. */
export class VectorEmitter {
  constructor(
    readonly c: Code,
    readonly lane: Lane,
    private readonly args: readonly number[],
    private readonly consts?: VectorConsts,
  ) {}

  arg(i: number): this {
    this.c.get(this.args[i]);
    return this;
  }
  /** The lane instruction `name`: f32x4.add, i32x4.lt_s … */
  v(name: string): this {
    this.c.simd(opcode(Simd, `${this.lane}_${name}`));
    return this;
  }
  /** A lane-agnostic v128 instruction (and, or, bitselect …). */
  simd(op: number): this {
    this.c.simd(op);
    return this;
  }
  /** v128.const with every lane equal to `v`. */
  splat(v: number, lane: Lane = this.lane): this {
    const bytes = splatBytes(lane, v);
    if (this.consts) this.c.get(this.consts.local(bytes));
    else this.c.simd(Simd.v128_const).op(...bytes);
    return this;
  }
  tmp(): number {
    return this.c.local(V128);
  }
  get(l: number): this {
    this.c.get(l);
    return this;
  }
  set(l: number): this {
    this.c.set(l);
    return this;
  }
}

export function splatBytes(lane: Lane, v: number): number[] {
  const lanes = { f32x4: new Float32Array(4), f64x2: new Float64Array(2), i32x4: new Int32Array(4), i8x16: new Int8Array(16) }[lane];
  lanes.fill(v);
  return Array.from(new Uint8Array(lanes.buffer));
}

export type ScalarCode = (e: ScalarEmitter) => void;
export type VectorCode = (v: VectorEmitter) => void;

export interface ElementwiseOp {
  readonly arity: number;
  /** Scalar code for float operands (f32 or f64, by `e.t`). */
  readonly float?: ScalarCode;
  /** Scalar code for int32 operands; also bool operands unless `bool` is given. */
  readonly int?: ScalarCode;
  readonly bool?: ScalarCode;
  /** float32 operands are computed in float64 and rounded once on store, as backend-cpu does. */
  readonly viaF64?: boolean;
  /** Host functions (module "host", f64 → f64) the scalar code calls. */
  readonly hosts?: readonly string[];
  /** SIMD code per lane shape; a bool operand of a wider-lane op arrives as a lane mask. */
  readonly simd?: Partial<Record<Lane, VectorCode>>;
  /**
   * float32 operands take the f32x4 code in scalar loops too (on a splatted vector, lane 0):
   * for ops whose SIMD code is an approximation of its own (math-simd.ts), so that every
   * element gives the same bits whichever loop computes it (vector body, scalar tail, a fused
   * scalar loop, single kernel or compiled program).
   */
  readonly scalarFromSimd?: boolean;
}

/** Whether `op` on `value` operands runs its f32x4 code in scalar loops (see `scalarFromSimd`). */
export const scalarViaSimd = (op: ElementwiseOp, value: DType): boolean => op.scalarFromSimd === true && value === "float32";

/** Push `op` for float32 operands in `args` (f32 locals) through its f32x4 code: lane 0 of a splat. */
export function emitScalarViaSimd(c: Code, op: ElementwiseOp, args: readonly number[]): void {
  const vectors = args.map((a) => {
    const v = c.local(V128);
    c.get(a).simd(Simd.f32x4_splat).set(v);
    return v;
  });
  op.simd!.f32x4!(new VectorEmitter(c, "f32x4", vectors));
  c.lane(Simd.f32x4_extract_lane, 0);
}

// ---------------------------------------------------------------------------------------
// Builders for the common shapes of entry.

const args = (n: number) => (e: ScalarEmitter | VectorEmitter) => {
  for (let i = 0; i < n; i++) e.arg(i);
};

/** An op that is one instruction of the same name for every compute type. */
const inst = (name: string, arity: number): ScalarCode => (e) => (args(arity)(e), e.i(name));
const vinst = (name: string, arity: number): VectorCode => (v) => (args(arity)(v), v.v(name));
const vraw = (op: number, arity: number): VectorCode => (v) => (args(arity)(v), v.simd(op));

const lanes = (code: VectorCode, ...ls: Lane[]): Partial<Record<Lane, VectorCode>> => Object.fromEntries(ls.map((l) => [l, code]));

/** A float op computed by a host function in float64. */
const host = (name: string, arity = 1): ElementwiseOp => ({
  arity,
  float: (e) => (args(arity)(e), e.call(name)),
  viaF64: true,
  hosts: [name],
});

/** A float op with one wasm instruction, scalar and f32x4/f64x2 (exactly rounded: no promotion needed). */
const floatInst = (name: string, arity: number): ElementwiseOp => ({
  arity,
  float: inst(name, arity),
  simd: lanes(vinst(name, arity), "f32x4", "f64x2"),
});

/** add/sub/mul: one instruction for every numeric type; int32 wraps. */
const ringOp = (name: string): ElementwiseOp => ({
  arity: 2,
  float: inst(name, 2),
  int: inst(name, 2),
  simd: lanes(vinst(name, 2), "f32x4", "f64x2", "i32x4"),
});

/** A comparison: 0/1 scalar, all-ones lane mask in SIMD (kernels pack masks to bool bytes). */
const I32X4_CMP: Record<string, string> = { eq: "eq", ne: "ne", lt: "lt_s", gt: "gt_s", le: "le_s", ge: "ge_s" };
const compare = (name: string): ElementwiseOp => ({
  arity: 2,
  float: inst(name, 2),
  int: inst(name, 2),
  simd: {
    ...lanes(vinst(name, 2), "f32x4", "f64x2"),
    i32x4: vinst(I32X4_CMP[name], 2),
    i8x16: vinst(name === "eq" || name === "ne" ? name : `${name}_u`, 2), // bools are unsigned bytes
  },
});

/** and/or/xor: bitwise on int32, logical on bools (0/1 in, 0/1 out). */
const bitwise = (name: "and" | "or" | "xor"): ElementwiseOp => ({
  arity: 2,
  int: inst(name, 2),
  simd: lanes(vraw(Simd[`v128_${name}`], 2), "i32x4", "i8x16"),
});

/** max/min: wasm's float max/min propagate NaN and order -0 < +0, as Math.max/min do. */
const extremum = (name: "max" | "min"): ElementwiseOp => ({
  arity: 2,
  float: inst(name, 2),
  int: (e) => e.arg(0).arg(1).arg(0).arg(1).i(name === "max" ? "gt" : "lt").select(),
  simd: { ...lanes(vinst(name, 2), "f32x4", "f64x2"), i32x4: vinst(`${name}_s`, 2), i8x16: vinst(`${name}_u`, 2) },
});

// ---------------------------------------------------------------------------------------
// Scalar code that needs more than one instruction.

/** sign: x > 0 ? 1 : x < 0 ? -1 : x (keeps NaN and -0). */
const sign: ScalarCode = (e) => e.k(1).k(-1).arg(0).arg(0).k(0).i("lt").select().arg(0).k(0).i("gt").select();
const signVec: VectorCode = (v) =>
  v.splat(1).splat(-1).arg(0).arg(0).splat(0).v("lt").simd(Simd.v128_bitselect).arg(0).splat(0).v("gt").simd(Simd.v128_bitselect);

/** Round half away from zero: t = trunc x; |x - t| ≥ 0.5 ? t + copysign(1, x) : t. */
const round: ScalarCode = (e) => {
  const t = e.tmp();
  e.arg(0).i("trunc").set(t);
  e.get(t).k(1).arg(0).i("copysign").i("add").get(t);
  e.arg(0).get(t).i("sub").i("abs").k(0.5).i("ge").select();
};
const roundVec: VectorCode = (v) => {
  const t = v.tmp();
  v.arg(0).v("trunc").set(t);
  v.get(t).arg(0).splat(1).splat(-0).simd(Simd.v128_bitselect).v("add").get(t); // bitselect with -0: copysign
  v.arg(0).get(t).v("sub").v("abs").splat(0.5).v("ge").simd(Simd.v128_bitselect);
};

/** 1 / (1 + e^-x) without forming e^{+large}: with E = e^{-|x|}, x ≥ 0 ? 1/(1+E) : E/(1+E). */
const logistic: ScalarCode = (e) => {
  const big = e.tmp();
  e.arg(0).i("abs").i("neg").call("exp").set(big);
  e.k(1).k(1).get(big).i("add").i("div");
  e.get(big).k(1).get(big).i("add").i("div");
  e.arg(0).k(0).i("ge").select();
};

/** int32 abs wraps: |-2³¹| = -2³¹. */
const absInt: ScalarCode = (e) => e.k(0).arg(0).i("sub").arg(0).arg(0).k(0).i("lt").select();

/** Truncating int32 division; x / 0 = 0; -2³¹ / -1 wraps (i32.div_s would trap on both). */
const divInt: ScalarCode = (e) => {
  e.k(0);
  e.k(0).arg(0).i("sub");
  e.arg(0).k(1).arg(1).arg(1).op(Op.i32_eqz).arg(1).k(-1).i("eq").i("or").select().i("div");
  e.arg(1).k(-1).i("eq").select();
  e.arg(1).op(Op.i32_eqz).select();
};

/** int32 remainder with the sign of x; x % 0 = 0 (a divisor of 1 gives it without a trap). */
const remInt: ScalarCode = (e) => e.arg(0).k(1).arg(1).arg(1).op(Op.i32_eqz).select().i("rem");

/** Exact int32 power with wraparound by repeated squaring; x^-n = trunc(1 / x^n). */
const powInt: ScalarCode = (e) => {
  const [n, r, b] = [e.tmp(), e.tmp(), e.tmp()];
  e.arg(1).set(n);
  e.get(n).k(0).i("lt");
  e.c.if(
    (c) => {
      // x == 1 ? 1 : x == -1 ? (n odd ? -1 : 1) : 0
      e.k(1).k(-1).k(1).get(n).k(1).i("and").select();
      e.k(0).arg(0).k(-1).i("eq").select();
      e.arg(0).k(1).i("eq").select();
      c.set(r);
    },
    (c) => {
      e.k(1).set(r).arg(0).set(b);
      c.block((blk) =>
        blk.loop((l) => {
          e.get(n).op(Op.i32_eqz);
          l.op(Op.br_if).idx(1);
          e.get(n).k(1).i("and");
          l.if(() => e.get(r).get(b).i("mul").set(r));
          e.get(b).get(b).i("mul").set(b);
          e.get(n).k(1).op(Op.i32_shr_u).set(n);
          l.op(Op.br).idx(0);
        }),
      );
    },
  );
  e.get(r);
};

/**
 * Shifts read the amount as unsigned, as XLA does: 32 or more shifts every bit out, where
 * wasm's shifts take it mod 32. Scalar only: wasm SIMD shifts take one amount for all lanes.
 */
const shiftOut = (name: "shl" | "shr_u"): ElementwiseOp => ({
  arity: 2,
  int: (e) => e.arg(0).arg(1).i(name).k(0).arg(1).k(32).op(Op.i32_lt_u).select(),
});
/** x >> min_u(s, 31): an out-of-range amount fills with the sign bit. */
const shiftRightArithmetic: ElementwiseOp = {
  arity: 2,
  int: (e) => e.arg(0).arg(1).k(31).arg(1).k(32).op(Op.i32_lt_u).select().i("shr_s"),
};

const identity: ElementwiseOp = {
  arity: 1,
  float: (e) => e.arg(0),
  int: (e) => e.arg(0),
  simd: lanes((v) => v.arg(0), "f32x4", "f64x2", "i32x4", "i8x16"),
};

/** Every elementwise primitive with a fixed scalar map (convert_element_type and iota are separate). */
export const elementwiseOps = {
  neg: { arity: 1, float: inst("neg", 1), int: (e) => e.k(0).arg(0).i("sub"), simd: lanes(vinst("neg", 1), "f32x4", "f64x2", "i32x4") },
  abs: { arity: 1, float: inst("abs", 1), int: absInt, simd: lanes(vinst("abs", 1), "f32x4", "f64x2", "i32x4") },
  sign: {
    arity: 1,
    float: sign,
    int: sign,
    simd: { ...lanes(signVec, "f32x4", "f64x2"), i32x4: (v) => v.arg(0).splat(-1).v("max_s").splat(1).v("min_s") },
  },
  floor: floatInst("floor", 1),
  ceil: floatInst("ceil", 1),
  round: { arity: 1, float: round, simd: lanes(roundVec, "f32x4", "f64x2") },
  exp: { ...host("exp"), simd: { f32x4: expF32x4 }, scalarFromSimd: true },
  log: host("log"),
  log1p: host("log1p"),
  expm1: host("expm1"),
  sqrt: floatInst("sqrt", 1),
  rsqrt: { arity: 1, float: (e) => e.k(1).arg(0).i("sqrt").i("div"), viaF64: true },
  sin: host("sin"),
  cos: host("cos"),
  tan: host("tan"),
  asin: host("asin"),
  acos: host("acos"),
  atan: host("atan"),
  sinh: host("sinh"),
  cosh: host("cosh"),
  tanh: { ...host("tanh"), simd: { f32x4: tanhF32x4 }, scalarFromSimd: true },
  logistic: { arity: 1, float: logistic, viaF64: true, hosts: ["exp"], simd: { f32x4: logisticF32x4 }, scalarFromSimd: true },
  erf: host("erf"),
  is_finite: {
    arity: 1,
    float: (e) => e.arg(0).i("abs").k(Infinity).i("lt"),
    simd: lanes((v) => v.arg(0).v("abs").splat(Infinity).v("lt"), "f32x4", "f64x2"),
  },
  not: {
    arity: 1,
    int: (e) => e.arg(0).k(-1).i("xor"),
    bool: (e) => e.arg(0).k(1).i("xor"),
    simd: { i32x4: vraw(Simd.v128_not, 1), i8x16: (v) => v.arg(0).splat(1).simd(Simd.v128_xor) },
  },

  add: ringOp("add"),
  sub: ringOp("sub"),
  mul: ringOp("mul"),
  div: { arity: 2, float: inst("div", 2), int: divInt, simd: lanes(vinst("div", 2), "f32x4", "f64x2") },
  rem: { ...host("fmod", 2), int: remInt },
  pow: { ...host("pow_ieee", 2), int: powInt },
  max: extremum("max"),
  min: extremum("min"),
  atan2: host("atan2", 2),
  and: bitwise("and"),
  or: bitwise("or"),
  xor: bitwise("xor"),
  shift_left: shiftOut("shl"),
  shift_right_logical: shiftOut("shr_u"),
  shift_right_arithmetic: shiftRightArithmetic,
  eq: compare("eq"),
  ne: compare("ne"),
  lt: compare("lt"),
  le: compare("le"),
  gt: compare("gt"),
  ge: compare("ge"),

  /** select(pred, onTrue, onFalse): wasm `select` scalar, v128.bitselect on the predicate mask. */
  select: {
    arity: 3,
    float: (e) => e.arg(1).arg(2).arg(0).select(),
    int: (e) => e.arg(1).arg(2).arg(0).select(),
    simd: {
      ...lanes((v) => v.arg(1).arg(2).arg(0).simd(Simd.v128_bitselect), "f32x4", "f64x2", "i32x4"),
      i8x16: (v) => v.arg(1).arg(2).arg(0).splat(0).v("ne").simd(Simd.v128_bitselect), // 0/1 bytes to a mask
    },
  },
  stop_gradient: identity,
} satisfies Record<string, ElementwiseOp>;

export type ElementwisePrim = keyof typeof elementwiseOps;

// ---------------------------------------------------------------------------------------
// convert_element_type: scalar code from the source compute type to the target's.

/** The conversion from `from` to `to` as an op (scalar code keyed by the source class). */
export function convertOp(from: DType, to: DType): ElementwiseOp {
  const code = convertScalar(from, to);
  const simd = convertVector(from, to);
  return { arity: 1, float: code, int: code, simd: simd && { [LANE[from]]: simd } };
}

function convertScalar(from: DType, to: DType): ScalarCode {
  const src = NUM[from];
  if (to === "bool") return (e) => e.arg(0).k(0).i("ne"); // NaN != 0: true
  const dst = NUM[to];
  if (src === dst) return (e) => e.arg(0);
  if (dst === "i32") {
    // saturating truncation: NaN -> 0, out of range clamps
    return (e) => (e.arg(0), e.c.fc(src === "f32" ? OpFC.i32_trunc_sat_f32_s : OpFC.i32_trunc_sat_f64_s));
  }
  const conv: Record<string, number> = {
    "i32>f32": Op.f32_convert_i32_s,
    "i32>f64": Op.f64_convert_i32_s,
    "f32>f64": Op.f64_promote_f32,
    "f64>f32": Op.f32_demote_f64,
  };
  return (e) => e.arg(0).op(conv[`${src}>${dst}`]);
}

/** bitcast_convert_type between int32 and float32: a reinterpret (scalar); the same v128 bits (SIMD). */
export function bitcastOp(from: DType, to: DType): ElementwiseOp {
  const reinterpret: ScalarCode =
    from === to ? (e) => e.arg(0) : (e) => e.arg(0).op(from === "int32" ? Op.f32_reinterpret_i32 : Op.i32_reinterpret_f32);
  return { arity: 1, float: reinterpret, int: reinterpret, simd: { [LANE[from]]: (v: VectorEmitter) => v.arg(0) } };
}

/** SIMD conversions between same-width lanes, and to bool via a != 0 mask. */
function convertVector(from: DType, to: DType): VectorCode | undefined {
  if (from === to) return (v) => v.arg(0);
  if (to === "bool") return (v) => v.arg(0).splat(0).v("ne");
  if (from === "float32" && to === "int32") return vraw(Simd.i32x4_trunc_sat_f32x4_s, 1);
  if (from === "int32" && to === "float32") return vraw(Simd.f32x4_convert_i32x4_s, 1);
  return undefined;
}
