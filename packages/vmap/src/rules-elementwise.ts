/**
 * Batching rules of the elementwise primitives. Operands have one shape at this level
 * (broadcasting is explicit), so a batched elementwise op is the same op on operands whose
 * batch axes are lined up: the batch axis stays where the operands have it.
 */
import { type FirstOrderPrim, type Params, bind1 } from "@lintra/core-ir";
import type { BatchRule1 } from "./batch-rules.js";
import { type FamilyBatchRules, alignBatch } from "./rules-shared.js";

/** Elementwise: the same op on the aligned operands, the batch axis where they have it. */
function elementwise<P extends FirstOrderPrim>(prim: P): BatchRule1<P> {
  return (args, dims, params: Params<P>, axisSize) => {
    const [xs, d] = alignBatch(args, dims, axisSize);
    return [bind1(prim, xs, params), d];
  };
}

export const elementwiseBatchRules = {
  neg: elementwise("neg"),
  abs: elementwise("abs"),
  sign: elementwise("sign"),
  floor: elementwise("floor"),
  ceil: elementwise("ceil"),
  round: elementwise("round"),
  exp: elementwise("exp"),
  log: elementwise("log"),
  log1p: elementwise("log1p"),
  expm1: elementwise("expm1"),
  sqrt: elementwise("sqrt"),
  rsqrt: elementwise("rsqrt"),
  sin: elementwise("sin"),
  cos: elementwise("cos"),
  tan: elementwise("tan"),
  asin: elementwise("asin"),
  acos: elementwise("acos"),
  atan: elementwise("atan"),
  sinh: elementwise("sinh"),
  cosh: elementwise("cosh"),
  tanh: elementwise("tanh"),
  logistic: elementwise("logistic"),
  erf: elementwise("erf"),
  is_finite: elementwise("is_finite"),
  not: elementwise("not"),
  add: elementwise("add"),
  sub: elementwise("sub"),
  mul: elementwise("mul"),
  div: elementwise("div"),
  rem: elementwise("rem"),
  pow: elementwise("pow"),
  max: elementwise("max"),
  min: elementwise("min"),
  atan2: elementwise("atan2"),
  and: elementwise("and"),
  or: elementwise("or"),
  xor: elementwise("xor"),
  shift_left: elementwise("shift_left"),
  shift_right_logical: elementwise("shift_right_logical"),
  shift_right_arithmetic: elementwise("shift_right_arithmetic"),
  eq: elementwise("eq"),
  ne: elementwise("ne"),
  lt: elementwise("lt"),
  le: elementwise("le"),
  gt: elementwise("gt"),
  ge: elementwise("ge"),
  select: elementwise("select"), // predicate and both branches lined up; a shared predicate is broadcast
  convert_element_type: elementwise("convert_element_type"),
  bitcast_convert_type: elementwise("bitcast_convert_type"),
  stop_gradient: elementwise("stop_gradient"),
  // iota has no operands, so no batch trace ever sees it (bind goes to the trace below);
  // should a caller ask anyway, the answer is the one unbatched iota.
  iota: (_args, _dims, params) => [bind1("iota", [], params), null],
} satisfies FamilyBatchRules;
