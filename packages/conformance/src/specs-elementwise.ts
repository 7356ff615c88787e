import { DTYPES, type DType, type Shape } from "@lintra/core-ir";
import { type CaseDraft, type FamilySpecs, LARGE, LARGE_SIDE, MEDIUM, type PrimSpec } from "./case.js";
import { type Domain, EDGE_VALUES, type Operand, edgePairs, edgeValues, fixed, random } from "./host-data.js";
import type { ToleranceClass } from "./tolerance.js";

/** The shapes every elementwise primitive runs on, besides edge values. */
const SHAPES: readonly (readonly [string, Shape])[] = [
  ["scalar", []],
  ["empty [0]", [0]],
  ["empty [2,0,3]", [2, 0, 3]],
  ["[7]", [7]],
  ["[3,5]", [3, 5]],
  [`[${MEDIUM}]`, [MEDIUM]],
];
const LARGE_SHAPE: readonly [string, Shape] = [`large [${LARGE}]`, [LARGE]];

/** Cases for a map over `arity` same-shaped operands drawn from `domains` (one per operand). */
function mapCases(arity: 1 | 2, domains: readonly Domain[], large: boolean) {
  return (dtype: DType): CaseDraft<never>[] => {
    const operands = (shape: Shape): Operand[] => Array.from({ length: arity }, (_, i) => random(shape, dtype, domains[i]));
    const params = {} as never;
    const shapes = large ? [...SHAPES, LARGE_SHAPE] : SHAPES;
    return [
      ...shapes.map(([name, shape]) => ({ name, operands: operands(shape), params })),
      { name: "edge values", operands: arity === 1 ? [edgeValues(dtype)] : edgePairs(dtype), params },
    ];
  };
}

/** A unary row; `large` adds the large case (a few rows per family have one). */
const unary = (tolerance: ToleranceClass, domain: Domain = {}, large = false): PrimSpec<never> => ({ tolerance, cases: mapCases(1, [domain], large) });
const binary = (tolerance: ToleranceClass, x: Domain = {}, y: Domain = {}, large = false): PrimSpec<never> => ({ tolerance, cases: mapCases(2, [x, y], large) });

const positive: Domain = { float: [0, 5] };
const unit: Domain = { float: [-1, 1] };
const wide: Domain = { float: [-10, 10] };
/** Small integers, so that comparisons and max/min see ties. */
const ties: Domain = { int: [-3, 3] };

/** select(pred, onTrue, onFalse): a random predicate; edge values against themselves reversed. */
const select: PrimSpec<"select"> = {
  tolerance: "exact",
  cases: (dtype) => {
    const operands = (shape: Shape) => [random(shape, "bool"), random(shape, dtype), random(shape, dtype)];
    const e = EDGE_VALUES[dtype];
    const edge = [fixed(e.map((_, i) => i % 2), [e.length], "bool"), edgeValues(dtype), fixed([...e].reverse(), [e.length], dtype)];
    return [
      ...[...SHAPES, LARGE_SHAPE].map(([name, shape]) => ({ name, operands: operands(shape), params: {} })),
      { name: "edge values", operands: edge, params: {} },
    ];
  },
};

/** Casts to every dtype (the first to the same dtype), on random and edge values. */
const convert: PrimSpec<"convert_element_type"> = {
  tolerance: "exact",
  cases: (dtype) => {
    const targets = [dtype, ...DTYPES.filter((d) => d !== dtype)];
    const other = targets[1];
    return [
      ...targets.flatMap((to) => [
        { name: `to ${to} [3,5]`, operands: [random([3, 5], dtype)], params: { newDtype: to } },
        { name: `to ${to} edge values`, operands: [edgeValues(dtype)], params: { newDtype: to } },
      ]),
      { name: `to ${other} scalar`, operands: [random([], dtype)], params: { newDtype: other } },
      { name: `to ${other} empty [0]`, operands: [random([0], dtype)], params: { newDtype: other } },
      { name: `to ${other} large [${LARGE}]`, operands: [random([LARGE], dtype, wide)], params: { newDtype: other } },
    ];
  },
};

/** Every int32. */
const int32Range: Domain = { int: [-2147483648, 2147483647] };
/** Shift amounts on both sides of the 32-bit width, negative ones included (read as unsigned: out of range). */
const amounts: Domain = { int: [-3, 40] };

/** Reinterprets int32 <-> float32 (and each to itself), on random and edge values. */
const bitcast: PrimSpec<"bitcast_convert_type"> = {
  tolerance: "exact",
  cases: (dtype) => {
    const other: DType = dtype === "int32" ? "float32" : "int32";
    return [
      ...[other, dtype].flatMap((to) => [
        { name: `to ${to} [3,5]`, operands: [random([3, 5], dtype, int32Range)], params: { newDtype: to } },
        { name: `to ${to} edge values`, operands: [edgeValues(dtype)], params: { newDtype: to } },
      ]),
      { name: `to ${other} scalar`, operands: [random([], dtype, int32Range)], params: { newDtype: other } },
      { name: `to ${other} empty [0]`, operands: [random([0], dtype)], params: { newDtype: other } },
      { name: `to ${other} large [${LARGE}]`, operands: [random([LARGE], dtype, int32Range)], params: { newDtype: other } },
    ];
  },
};

/** iota has no operands: the dtype is a param. */
const iota: PrimSpec<"iota"> = {
  tolerance: "exact",
  cases: (dtype) =>
    (
      [
        ["[7] dimension 0", [7], 0],
        ["[3,5] dimension 1", [3, 5], 1],
        ["[2,3,5] dimension 1", [2, 3, 5], 1],
        ["empty [0]", [0], 0],
        ["empty [3,0] dimension 0", [3, 0], 0],
        [`large [${LARGE_SIDE},${LARGE_SIDE}] dimension 0`, [LARGE_SIDE, LARGE_SIDE], 0],
      ] as const
    ).map(([name, shape, dimension]) => ({ name, operands: [], params: { dtype, shape, dimension } })),
};

/** Comparisons and max/min: exact, on small integers so that ties occur. */
const compare = (): PrimSpec<never> => binary("exact", ties, ties);

export const elementwiseSpecs = {
  neg: unary("exact", {}, true),
  abs: unary("exact"),
  sign: unary("exact", ties),
  floor: unary("exact"),
  ceil: unary("exact"),
  round: unary("exact", { float: [-4, 4] }),
  exp: unary("transcendental", wide, true),
  log: unary("transcendental", positive),
  log1p: unary("transcendental", { float: [-1, 4] }),
  expm1: unary("transcendental", wide),
  sqrt: unary("rounded", positive),
  rsqrt: unary("rounded", positive),
  sin: unary("transcendental", wide),
  cos: unary("transcendental", wide),
  tan: unary("transcendental", { float: [-1.5, 1.5] }),
  asin: unary("transcendental", unit),
  acos: unary("transcendental", unit),
  atan: unary("transcendental", wide),
  sinh: unary("transcendental", wide),
  cosh: unary("transcendental", wide),
  tanh: unary("transcendental"),
  logistic: unary("transcendental", wide),
  erf: unary("transcendental"),
  is_finite: unary("exact"),
  not: unary("exact"),

  add: binary("rounded", {}, {}, true),
  sub: binary("rounded"),
  mul: binary("rounded"),
  div: binary("rounded", {}, { float: [-3, 3], int: [-20, 20] }),
  rem: binary("rounded", { float: [-30, 30] }, { float: [-4, 4], int: [-20, 20] }),
  pow: binary("transcendental", { float: [0, 3], int: [-5, 5] }, { float: [-4, 4], int: [0, 12] }),
  max: compare(),
  min: compare(),
  atan2: binary("transcendental"),
  and: binary("exact"),
  or: binary("exact"),
  xor: binary("exact"),
  shift_left: binary("exact", int32Range, amounts),
  shift_right_logical: binary("exact", int32Range, amounts, true),
  shift_right_arithmetic: binary("exact", int32Range, amounts),
  eq: compare(),
  ne: compare(),
  lt: binary("exact", ties, ties, true),
  le: compare(),
  gt: compare(),
  ge: compare(),

  select,
  convert_element_type: convert,
  bitcast_convert_type: bitcast,
  stop_gradient: unary("exact"),
  iota,
} satisfies FamilySpecs;
