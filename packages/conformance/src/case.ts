import type { DType, Params, FirstOrderPrim } from "@lintra/core-ir";
import type { Operand } from "./host-data.js";
import type { ToleranceClass } from "./tolerance.js";

/** One generated run of a primitive: operands, params and how to compare the result. */
export interface Case<P extends FirstOrderPrim = FirstOrderPrim> {
  readonly prim: P;
  /** The dtype the case is filed under: the data operand's (the output's for iota). */
  readonly dtype: DType;
  /** `prim dtype what`, e.g. `sin float32 edge values`. */
  readonly name: string;
  readonly operands: readonly Operand[];
  readonly params: Params<P>;
  readonly tolerance: ToleranceClass;
  /** Terms summed or multiplied into one result (accumulated tolerances). */
  readonly terms: number;
  /** An operand or the result has at least 1e5 elements. */
  readonly large: boolean;
}

/** A case as a spec row writes it: the name says only what is special about it. */
export interface CaseDraft<P extends FirstOrderPrim = FirstOrderPrim> {
  readonly name: string;
  readonly operands: readonly Operand[];
  readonly params: Params<P>;
  /** Overrides the primitive's tolerance class (e.g. exact sums of small integers). */
  readonly tolerance?: ToleranceClass;
  readonly terms?: number;
}

/**
 * A primitive's row in the conformance table: its tolerance class and its cases for
 * operands of one dtype. The first case is the representative one: its avals decide
 * whether the primitive accepts the dtype and what the support matrix reports.
 */
export interface PrimSpec<P extends FirstOrderPrim> {
  readonly tolerance: ToleranceClass;
  readonly cases: (dtype: DType) => CaseDraft<P>[];
}

/** Exhaustive by type: declaring a primitive without a conformance row is a compile error. */
export type SpecTable = { readonly [P in FirstOrderPrim]: PrimSpec<P> };
export type FamilySpecs = { readonly [P in FirstOrderPrim]?: PrimSpec<P> };

/**
 * Element count of the large cases: over 1e5 and not a multiple of any SIMD width. They
 * run for a few primitives of each family (the sizes where buffers grow and loops run
 * long); every other primitive runs a medium case instead.
 */
export const LARGE = 100_003;
/** The side of a large square: 317² = 100489. */
export const LARGE_SIDE = 317;
/** Element count of the medium cases: past any unrolled SIMD loop, with a tail of 3. */
export const MEDIUM = 1027;
