import type { DType, Prim } from "@lintra/core-ir";
import type { Helper } from "./glsl.js";
import * as m from "./glsl-math.js";
import { boolOps, convert, floatCompare, floatOps, fmod, intCompare, intOps, select } from "./glsl-ops.js";

/*
 * The one place per elementwise op: which GLSL helper computes an element from the operand
 * elements, per class of operand dtype. Single-op kernels (elementwise.ts) and fused kernels
 * (fused.ts) both call the helper `elementOp` names, so an op computes the same in both.
 */

/** The helper that computes an elementwise primitive, per class of operand dtype. */
type Row = Partial<Record<DTypeClass, Helper>>;
type DTypeClass = "float" | "int" | "bool";

const floatOnly = (h: Helper): Row => ({ float: h });

/** Every elementwise primitive that maps operands to one value: its helper per dtype class. */
export const MAP_TABLE = {
  neg: { float: floatOps.neg, int: intOps.neg },
  abs: { float: floatOps.abs, int: intOps.abs },
  sign: { float: floatOps.sign, int: intOps.sign },
  floor: floatOnly(floatOps.floor),
  ceil: floatOnly(floatOps.ceil),
  round: floatOnly(floatOps.round),
  exp: floatOnly(m.exp),
  log: floatOnly(m.log),
  log1p: floatOnly(m.log1p),
  expm1: floatOnly(m.expm1),
  sqrt: floatOnly(floatOps.sqrt),
  rsqrt: floatOnly(floatOps.rsqrt),
  sin: floatOnly(m.sin),
  cos: floatOnly(m.cos),
  tan: floatOnly(m.tan),
  asin: floatOnly(m.asin),
  acos: floatOnly(m.acos),
  atan: floatOnly(m.atan),
  sinh: floatOnly(m.sinh),
  cosh: floatOnly(m.cosh),
  tanh: floatOnly(m.tanh),
  logistic: floatOnly(m.logistic),
  erf: floatOnly(m.erf),
  is_finite: floatOnly(floatOps.is_finite),
  not: { int: intOps.not, bool: boolOps.not },

  add: { float: floatOps.add, int: intOps.add },
  sub: { float: floatOps.sub, int: intOps.sub },
  mul: { float: floatOps.mul, int: intOps.mul },
  div: { float: floatOps.div, int: intOps.div },
  rem: { float: fmod, int: intOps.rem },
  pow: { float: m.pow, int: intOps.pow },
  max: { float: floatOps.max, int: intOps.max, bool: boolOps.max },
  min: { float: floatOps.min, int: intOps.min, bool: boolOps.min },
  atan2: floatOnly(m.atan2),
  and: { int: intOps.and, bool: boolOps.and },
  or: { int: intOps.or, bool: boolOps.or },
  xor: { int: intOps.xor, bool: boolOps.xor },

  eq: { float: floatCompare.eq, int: intCompare.eq, bool: intCompare.eq },
  ne: { float: floatCompare.ne, int: intCompare.ne, bool: intCompare.ne },
  lt: { float: floatCompare.lt, int: intCompare.lt, bool: intCompare.lt },
  le: { float: floatCompare.le, int: intCompare.le, bool: intCompare.le },
  gt: { float: floatCompare.gt, int: intCompare.gt, bool: intCompare.gt },
  ge: { float: floatCompare.ge, int: intCompare.ge, bool: intCompare.ge },
} satisfies { [P in Prim]?: Row };

export type MapPrim = keyof typeof MAP_TABLE;

/** The elementwise primitives with a row here (besides the MAP_TABLE ones). */
const OTHER_PRIMS = ["select", "convert_element_type", "stop_gradient"] as const;
export type ElementwisePrim = MapPrim | (typeof OTHER_PRIMS)[number];

export const ELEMENTWISE_PRIMS: readonly ElementwisePrim[] = [...(Object.keys(MAP_TABLE) as MapPrim[]), ...OTHER_PRIMS];

export const dtypeClass = (d: DType): DTypeClass => (d === "int32" ? "int" : d === "bool" ? "bool" : "float");

/** The cast for a pair of dtypes; undefined when the stored values stay as they are. */
function castHelper(from: DType, to: DType): Helper | undefined {
  const f = dtypeClass(from);
  const t = dtypeClass(to);
  if (f === t || t === "float" || f === "bool") return undefined;
  if (t === "int") return convert.floatToInt;
  return f === "float" ? convert.floatToBool : convert.intToBool;
}

/** How one element is computed: a helper called on the operand elements, or the (first) operand as it is. */
export type ElementOp = { readonly helper: Helper } | "identity";

/**
 * The op of an elementwise equation on operands of `dtypes`; undefined when this backend has
 * no helper for them (the single-op kernel throws UnsupportedPrimitiveError, the fuser skips it).
 */
export function elementOp(prim: string, dtypes: readonly DType[], params: unknown): ElementOp | undefined {
  switch (prim) {
    case "select":
      return { helper: select };
    case "stop_gradient":
      return "identity";
    case "convert_element_type": {
      const h = castHelper(dtypes[0], (params as { newDtype: DType }).newDtype);
      return h ? { helper: h } : "identity";
    }
  }
  const row: Row | undefined = Object.hasOwn(MAP_TABLE, prim) ? MAP_TABLE[prim as MapPrim] : undefined;
  const h = row?.[dtypeClass(dtypes[0])];
  return h ? { helper: h } : undefined;
}
