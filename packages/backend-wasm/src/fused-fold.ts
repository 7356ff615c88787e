import type { DType } from "@lintra/core-ir";
import { STORE } from "./elementwise.js";
import { type Code, F64, V128 } from "./wasm/encoder.js";
import { Op, Simd } from "./wasm/opcodes.js";
import { VALTYPE, NUM } from "./elementwise-ops.js";

/*
 * A reduction at the end of a fused loop: each element's value is folded into accumulators
 * as it is computed (a vector accumulator for the SIMD part, a scalar one for the rest),
 * then the lanes are folded into the scalar and the result stored once per output element.
 * float32 sums fold in float64, as the single-op reduction kernels do.
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

export class Fold {
  /** The scalar accumulator (float64 for a float32 sum). */
  private readonly acc: number;
  /** Vector accumulators: two float64x2 halves for a float32 sum, else one of the value's lanes. */
  private readonly vacc: number[] = [];
  private readonly wide: boolean;

  constructor(
    private readonly c: Code,
    private readonly kind: FoldKind,
    private readonly dtype: DType,
    vector: boolean,
  ) {
    this.wide = kind === "sum" && dtype === "float32";
    this.acc = c.local(this.wide ? F64 : VALTYPE[NUM[dtype]]);
    if (vector) this.vacc = Array.from({ length: this.wide ? 2 : 1 }, () => c.local(V128));
  }

  private get identity(): number {
    return IDENTITY[this.kind][this.dtype === "int32" ? "int32" : "float"];
  }

  /** Set every accumulator to the fold's identity (once per output element). */
  begin(): void {
    const c = this.c;
    this.scalarConst(this.wide ? "float64" : this.dtype, this.identity).set(this.acc);
    for (const v of this.vacc) {
      if (this.wide) c.f64(0).simd(Simd.f64x2_splat);
      else this.scalarConst(this.dtype, this.identity).simd(Simd[`${this.lanes}_splat` as "f32x4_splat"]);
      c.set(v);
    }
  }

  /** Fold a scalar value (in a local of the value's type). */
  scalar(value: number): void {
    const c = this.c;
    if (this.kind === "sum") {
      c.get(this.acc).get(value);
      if (this.wide) c.op(Op.f64_promote_f32);
      c.op(Op[`${this.wide ? "f64" : NUM[this.dtype]}_add` as "f32_add"]).set(this.acc);
      return;
    }
    this.combineScalar(value);
  }

  /** Fold a vector of values (a v128 local of the value's lanes). */
  vector(value: number): void {
    const c = this.c;
    if (this.wide) {
      const [lo, hi] = this.vacc;
      c.get(lo).get(value).simd(Simd.f64x2_promote_low_f32x4).simd(Simd.f64x2_add).set(lo);
      c.get(hi).get(value).get(value).simd(Simd.i8x16_shuffle).op(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
      c.simd(Simd.f64x2_promote_low_f32x4).simd(Simd.f64x2_add).set(hi);
      return;
    }
    const name = this.kind === "sum" ? "add" : this.dtype === "int32" ? `${this.kind}_s` : this.kind;
    c.get(this.vacc[0]).get(value).simd(Simd[`${this.lanes}_${name}` as "f32x4_add"]).set(this.vacc[0]);
  }

  /** Fold the vector lanes into the scalar, then store the result at `ptr` (an i32 local). */
  end(ptr: number): void {
    const c = this.c;
    const lanes = this.wide ? 2 : 16 / (this.dtype === "float64" ? 8 : 4);
    for (const v of this.vacc) {
      for (let l = 0; l < lanes; l++) {
        const lane = c.local(this.wide ? F64 : VALTYPE[NUM[this.dtype]]);
        c.get(v).lane(Simd[`${this.wide ? "f64x2" : this.lanes}_extract_lane` as "f32x4_extract_lane"], l).set(lane);
        if (this.kind === "sum") c.get(this.acc).get(lane).op(Op[`${this.wide ? "f64" : NUM[this.dtype]}_add` as "f32_add"]).set(this.acc);
        else this.combineScalar(lane);
      }
    }
    c.get(ptr).get(this.acc);
    if (this.wide) c.op(Op.f32_demote_f64);
    c.mem(...STORE[this.dtype]);
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

  private scalarConst(dtype: DType, v: number): Code {
    if (dtype === "float32") return this.c.f32(v);
    if (dtype === "float64") return this.c.f64(v);
    return this.c.i32(v);
  }
}
