import type { DType } from "@lintra/core-ir";
import { STORE } from "./elementwise.js";
import { VALTYPE, NUM } from "./elementwise-ops.js";
import { RUN_ACCUMULATORS } from "./reduce.js";
import { type Code, F64, I32, V128 } from "./wasm/encoder.js";
import { Op, Simd } from "./wasm/opcodes.js";

/*
 * A reduction at the end of a fused loop: each element's value is folded into accumulators
 * as it is computed, then the result is stored once per output element.
 *
 * Float sums (`OrderedSum`) fold in exactly the order of the reduction kernel (reduce.ts's
 * run reduction), so a sum fused into a loop has the same bits as the sum of the stored
 * values: the element at position k of the run goes to lane k mod 2 of vector accumulator
 * ⌊k/2⌋ mod 4, the odd last element to the scalar accumulator; the vectors are added in
 * order, then their lanes onto the scalar. float32 sums fold in float64, as the kernel does.
 * Max, min and int32 sums (`Fold`) are the same in any order.
 */

export type FoldKind = "sum" | "max" | "min";

export const FOLD_KIND: Record<string, FoldKind> = { reduce_sum: "sum", reduce_max: "max", reduce_min: "min" };

const IDENTITY: Record<FoldKind, Record<"float" | "int32", number>> = {
  sum: { float: 0, int32: 0 },
  max: { float: -Infinity, int32: -2147483648 },
  min: { float: Infinity, int32: 2147483647 },
};

/** Whether a reduction of this dtype folds inside a loop (bools are left to the single-op kernels). */
export const foldable = (dtype: DType): boolean => dtype !== "bool";

/** Whether the fold's result depends on the order of its elements (float sums). */
export const foldIsOrdered = (kind: FoldKind, dtype: DType): boolean => kind === "sum" && (dtype === "float32" || dtype === "float64");

/**
 * How a scalar element is folded: into the accumulators in turn ("slot"), onto the scalar
 * accumulator ("tail": the odd last element of a run), or by a run-time count of the
 * elements seen ("counted": where the last element falls inside a loop).
 */
export type ElementRole = "slot" | "tail" | "counted";

/** What the loop generator drives: the fold of one output element's values. */
export interface LoopFold {
  /** Vectors per step of an unrolled inner loop (a step that leaves the accumulators in place). */
  readonly unroll: number;
  /** How the next scalar elements are folded (ordered sums only). */
  role: ElementRole;
  /** Set every accumulator to the identity (once per output element). */
  begin(): void;
  /** Fold a vector of values (a v128 local of the value's lanes). */
  vector(value: number): void;
  /** Fold a scalar value (in a local of the value's type). */
  scalar(value: number): void;
  /** Put the accumulators back where a loop's next iteration expects them. */
  settle(): void;
  /** Fold the accumulators together and store the result at `ptr` (an i32 local). */
  end(ptr: number): void;
}

/** How a fold is generated. */
export interface FoldShape {
  /** Whether the loop runs on v128 values. */
  readonly vector: boolean;
  /** Elements folded into each output. */
  readonly total: number;
  /** Whether scalar elements are counted at run time (see ElementRole). */
  readonly counted: boolean;
}

export function makeFold(c: Code, kind: FoldKind, dtype: DType, shape: FoldShape): LoopFold {
  return foldIsOrdered(kind, dtype) ? new OrderedSum(c, dtype as "float32" | "float64", shape) : new Fold(c, kind, dtype, shape.vector);
}

const LANES = 2; // float64 lanes per accumulator vector

/**
 * A float sum in the kernel's order. Accumulator slots (four float64x2 vectors, or eight
 * float64 scalars when the loop is scalar) rotate: `base` is where the slot for the next
 * element is, known while the code is generated; `settle` moves the locals so that it is
 * the first again (at a loop's back edge, where code runs more than once).
 */
class OrderedSum implements LoopFold {
  readonly unroll: number;
  role: ElementRole = "slot";
  private readonly sacc: number;
  private readonly slots: number[];
  private readonly wide: boolean;
  private base = 0;
  /** Vector slots: the lane the next scalar element goes to (a float32 pair after the vectors). */
  private lane = 0;
  private readonly counter: number;
  private readonly isVector: boolean;
  private readonly total: number;

  constructor(
    private readonly c: Code,
    private readonly dtype: "float32" | "float64",
    shape: FoldShape,
  ) {
    this.isVector = shape.vector;
    this.total = shape.total;
    this.counter = shape.counted ? c.local(I32) : -1;
    this.wide = dtype === "float32";
    this.sacc = c.local(F64);
    this.slots = Array.from({ length: shape.vector ? RUN_ACCUMULATORS : RUN_ACCUMULATORS * LANES }, () => c.local(shape.vector ? V128 : F64));
    // a step of whole rotations: four float64x2 vectors, or two float32x4 (four pairs)
    this.unroll = this.wide ? RUN_ACCUMULATORS / 2 : RUN_ACCUMULATORS;
  }

  begin(): void {
    const c = this.c;
    c.f64(0).set(this.sacc);
    for (const s of this.slots) (this.isVector ? c.f64(0).simd(Simd.f64x2_splat) : c.f64(0)).set(s);
    this.base = 0;
    this.lane = 0;
    if (this.counter >= 0) c.i32(0).set(this.counter);
  }

  private get current(): number {
    return this.slots[this.base];
  }

  private advance(): void {
    this.base = (this.base + 1) % this.slots.length;
  }

  private addToCurrent(wideValue: () => void): void {
    this.c.get(this.current);
    wideValue();
    this.c.simd(Simd.f64x2_add).set(this.current);
    this.advance();
  }

  vector(value: number): void {
    const c = this.c;
    if (!this.wide) return this.addToCurrent(() => c.get(value));
    this.addToCurrent(() => c.get(value).simd(Simd.f64x2_promote_low_f32x4));
    this.addToCurrent(() => {
      c.get(value).get(value).simd(Simd.i8x16_shuffle).op(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
      c.simd(Simd.f64x2_promote_low_f32x4);
    });
  }

  scalar(value: number): void {
    const c = this.c;
    const x = this.wide ? c.local(F64) : value;
    if (this.wide) c.get(value).op(Op.f64_promote_f32).set(x);
    const onScalar = () => void c.get(this.sacc).get(x).op(Op.f64_add).set(this.sacc);
    if (this.role === "tail") return onScalar();
    if (this.role === "counted") {
      if (this.isVector || this.base !== 0) throw new Error("internal: counted elements fold into settled scalar slots");
      if (this.counter < 0) throw new Error("internal: a counted fold needs its counter from the start");
      c.get(this.counter).i32(this.total - 1).op(Op.i32_eq);
      c.if(onScalar, () => this.slotScalar(x));
      c.get(this.counter).i32(1).op(Op.i32_add).set(this.counter);
      return;
    }
    if (!this.isVector) return this.slotScalar(x);
    // one lane of the current vector: the same addition as the vector's
    c.get(this.current).get(this.current).lane(Simd.f64x2_extract_lane, this.lane).get(x).op(Op.f64_add);
    c.lane(Simd.f64x2_replace_lane, this.lane).set(this.current);
    this.lane = (this.lane + 1) % LANES;
    if (this.lane === 0) this.advance();
  }

  /** Scalar slots: add to the current slot and rotate the locals (base stays first). */
  private slotScalar(x: number): void {
    this.c.get(this.current).get(x).op(Op.f64_add).set(this.current);
    this.advance();
    this.settle();
  }

  settle(): void {
    if (this.lane !== 0) throw new Error("internal: a vector slot is half filled at a loop edge");
    if (this.base === 0) return;
    const n = this.slots.length;
    for (let i = 0; i < n; i++) this.c.get(this.slots[(this.base + i) % n]);
    for (let i = n - 1; i >= 0; i--) this.c.set(this.slots[i]);
    this.base = 0;
  }

  end(ptr: number): void {
    const c = this.c;
    const n = this.slots.length;
    // slot i of the kernel's order: the slots were filled `filled` times since the first was at `base`
    const filled = this.isVector ? Math.floor(this.total / LANES) : Math.floor(this.total / LANES) * LANES;
    const logical = (i: number) => this.slots[(((this.base + i - filled) % n) + n) % n];
    const addLane = (value: () => void) => {
      c.get(this.sacc);
      value();
      c.op(Op.f64_add).set(this.sacc);
    };
    if (this.isVector) {
      c.get(logical(0));
      for (let u = 1; u < RUN_ACCUMULATORS; u++) c.get(logical(u)).simd(Simd.f64x2_add);
      const sum = c.local(V128);
      c.set(sum);
      for (let l = 0; l < LANES; l++) addLane(() => c.get(sum).lane(Simd.f64x2_extract_lane, l));
    } else {
      for (let l = 0; l < LANES; l++) {
        addLane(() => {
          c.get(logical(l));
          for (let u = 1; u < RUN_ACCUMULATORS; u++) c.get(logical(u * LANES + l)).op(Op.f64_add);
        });
      }
    }
    c.get(ptr).get(this.sacc);
    if (this.wide) c.op(Op.f32_demote_f64);
    c.mem(...STORE[this.dtype]);
  }
}

/** Max, min and int32 sums: one scalar and one vector accumulator, in any order. */
class Fold implements LoopFold {
  readonly unroll = 1;
  role: ElementRole = "slot";
  private readonly acc: number;
  private readonly vacc: number | null;

  constructor(
    private readonly c: Code,
    private readonly kind: FoldKind,
    private readonly dtype: DType,
    vector: boolean,
  ) {
    this.acc = c.local(VALTYPE[NUM[dtype]]);
    this.vacc = vector ? c.local(V128) : null;
  }

  private get identity(): number {
    return IDENTITY[this.kind][this.dtype === "int32" ? "int32" : "float"];
  }

  begin(): void {
    this.scalarConst(this.identity).set(this.acc);
    if (this.vacc !== null) this.scalarConst(this.identity).simd(Simd[`${this.lanes}_splat` as "f32x4_splat"]).set(this.vacc);
  }

  scalar(value: number): void {
    if (this.kind === "sum") this.c.get(this.acc).get(value).op(Op.i32_add).set(this.acc);
    else this.combineScalar(value);
  }

  vector(value: number): void {
    const name = this.kind === "sum" ? "add" : this.dtype === "int32" ? `${this.kind}_s` : this.kind;
    this.c.get(this.vacc!).get(value).simd(Simd[`${this.lanes}_${name}` as "f32x4_add"]).set(this.vacc!);
  }

  settle(): void {}

  end(ptr: number): void {
    const c = this.c;
    if (this.vacc !== null) {
      for (let l = 0; l < 16 / (this.dtype === "float64" ? 8 : 4); l++) {
        const lane = c.local(VALTYPE[NUM[this.dtype]]);
        c.get(this.vacc).lane(Simd[`${this.lanes}_extract_lane` as "f32x4_extract_lane"], l).set(lane);
        this.scalar(lane);
      }
    }
    c.get(ptr).get(this.acc).mem(...STORE[this.dtype]);
  }

  private get lanes(): "f32x4" | "f64x2" | "i32x4" {
    return this.dtype === "float32" ? "f32x4" : this.dtype === "float64" ? "f64x2" : "i32x4";
  }

  /** acc = max/min(acc, value): wasm's float max/min propagate NaN; int32 by compare and select. */
  private combineScalar(value: number): void {
    const c = this.c;
    if (this.dtype === "int32") {
      c.get(this.acc).get(value).get(this.acc).get(value).op(this.kind === "max" ? Op.i32_gt_s : Op.i32_lt_s).op(Op.select).set(this.acc);
      return;
    }
    c.get(this.acc).get(value).op(Op[`${NUM[this.dtype]}_${this.kind}` as "f32_max"]).set(this.acc);
  }

  private scalarConst(v: number): Code {
    if (this.dtype === "float32") return this.c.f32(v);
    if (this.dtype === "float64") return this.c.f64(v);
    return this.c.i32(v);
  }
}
