import { type DType, type Params, type FirstOrderPrim, isFloat } from "@lintra/core-ir";
import type { Case } from "./case.js";
import { INT32_MAX, INT32_MIN, type Operand, TINY_NORMAL, fixed } from "./host-data.js";
import { specs } from "./specs.js";
import { type Tolerance, toleranceFor } from "./tolerance.js";

/*
 * Values worked out by hand, independent of any backend: the reference agrees with itself,
 * so these are what can fail when the suite runs on backend-cpu. Each check runs on every
 * listed dtype the suite covers; expected values are rounded to the dtype before comparing.
 */

/** A check: operands built for one dtype, and the result's values (row-major). */
export interface KnownValue {
  readonly name: string;
  readonly prim: FirstOrderPrim;
  readonly dtypes: readonly DType[];
  readonly operands: (dtype: DType) => Operand[];
  readonly params: object;
  readonly expected: readonly number[];
}

const F: DType[] = ["float32", "float64"];
const I: DType[] = ["int32"];
const FI: DType[] = [...F, ...I];
const FIB: DType[] = [...FI, "bool"];

type In = readonly number[] | ((dtype: DType) => Operand);
const operand = (x: In, dtype: DType): Operand => (typeof x === "function" ? x(dtype) : fixed(x, [x.length], dtype));
const shaped = (values: number[], shape: number[]) => (dtype: DType) => fixed(values, shape, dtype);
const int32 = (values: number[], shape = [values.length]) => () => fixed(values, shape, "int32");
const bool = (values: number[]) => () => fixed(values, [values.length], "bool");

function known(name: string, prim: FirstOrderPrim, dtypes: DType[], inputs: In[], expected: number[], params: object = {}): KnownValue {
  return { name, prim, dtypes, operands: (dtype) => inputs.map((x) => operand(x, dtype)), params, expected };
}

const PI = 3.141592653589793;
const HALF_PI = 1.5707963267948966;
const INF = Infinity;
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

const elementwise: KnownValue[] = [
  known("sin(0, -0, π/2, -Inf, NaN)", "sin", F, [[0, -0, HALF_PI, -INF, NaN]], [0, -0, 1, NaN, NaN]),
  known("cos(0, -0, Inf)", "cos", F, [[0, -0, INF]], [1, 1, NaN]),
  known("tan(0, -0)", "tan", F, [[0, -0]], [0, -0]),
  known("exp(0, -0, 1, -Inf, Inf, NaN)", "exp", F, [[0, -0, 1, -INF, INF, NaN]], [1, 1, 2.718281828459045, 0, INF, NaN]),
  known("log(1, 0, -0, -1, Inf, 4)", "log", F, [[1, 0, -0, -1, INF, 4]], [0, -INF, -INF, NaN, INF, 1.3862943611198906]),
  known("log1p(-0, -1) and near 0", "log1p", F, [[-0, -1, 1e-10]], [-0, -INF, 9.9999999995e-11]),
  known("expm1(-0, -Inf) and near 0", "expm1", F, [[-0, -INF, 1e-10]], [-0, -1, 1.00000000005e-10]),
  known("sqrt(4, 0, -0, -1, Inf, 2)", "sqrt", F, [[4, 0, -0, -1, INF, 2]], [2, 0, -0, NaN, INF, 1.4142135623730951]),
  known("rsqrt(4, 0, Inf)", "rsqrt", F, [[4, 0, INF]], [0.5, INF, 0]),
  known("tanh(0, -0, ±Inf, 20)", "tanh", F, [[0, -0, INF, -INF, 20]], [0, -0, 1, -1, 1]),
  known("logistic(0, ±Inf, -100, 800)", "logistic", F, [[0, INF, -INF, -100, 800]], [0.5, 1, 0, 3.720075976020836e-44, 1]),
  known("erf(0, -0, ±Inf, 1)", "erf", F, [[0, -0, INF, -INF, 1]], [0, -0, 1, -1, 0.8427007929497149]),
  known("atan(±Inf, 1)", "atan", F, [[INF, -INF, 1]], [HALF_PI, -HALF_PI, 0.7853981633974483]),
  known("asin(1, -1, 2)", "asin", F, [[1, -1, 2]], [HALF_PI, -HALF_PI, NaN]),
  known("acos(1, -1, 0)", "acos", F, [[1, -1, 0]], [0, PI, HALF_PI]),
  known("sinh(0, -0, Inf)", "sinh", F, [[0, -0, INF]], [0, -0, INF]),
  known("cosh(0, -Inf)", "cosh", F, [[0, -INF]], [1, INF]),
  known("atan2 signs and quadrants", "atan2", F, [[0, -0, 1, 0, -0, 0], [-1, -1, 1, 0, 0, -0]], [PI, -PI, 0.7853981633974483, 0, -0, PI]),
  known("pow(0,0)=1 and IEEE special cases", "pow", F, [[0, 2, -8, 1, NaN, -1, 2, 0], [0, 10, 1 / 3, NaN, 0, INF, -1, -1]], [1, 1024, NaN, 1, 1, 1, 0.5, INF]),
  known("round half away from zero", "round", F, [[0.5, 1.5, 2.5, -0.5, -2.5, 0.49999997]], [1, 2, 3, -1, -3, 0]),
  known("floor(-0.5, 0.5, -0, Inf, -1.5)", "floor", F, [[-0.5, 0.5, -0, INF, -1.5]], [-1, 0, -0, INF, -2]),
  known("ceil(-0.5, 0.5, -0, -Inf)", "ceil", F, [[-0.5, 0.5, -0, -INF]], [-0, 1, -0, -INF]),
  known("sign keeps -0 and NaN", "sign", F, [[-3, 0, -0, NaN, INF]], [-1, 0, -0, NaN, 1]),
  known("neg(0, -0, Inf)", "neg", F, [[0, -0, INF]], [-0, 0, -INF]),
  known("abs(-0, -Inf, NaN, -3)", "abs", F, [[-0, -INF, NaN, -3]], [0, INF, NaN, 3]),
  known("mul keeps the sign of zero", "mul", F, [[-0, 0, INF, 3], [1, -1, 0, -0]], [-0, -0, NaN, -0]),
  known("add of signed zeros and infinities", "add", F, [[-0, -0, INF], [-0, 0, -INF]], [-0, 0, NaN]),
  known("sub(x, x)", "sub", F, [[0, INF, -0], [0, INF, -0]], [0, NaN, 0]),
  known("div by signed zeros", "div", F, [[1, -1, 0, 1, 6], [0, 0, 0, -0, 3]], [INF, -INF, NaN, -INF, 2]),
  known("rem has the sign of x", "rem", F, [[5.5, -5.5, 5, 1, INF], [2, 2, 0, INF, 1]], [1.5, -1.5, NaN, 1, NaN]),
  known("max propagates NaN", "max", F, [[NaN, 1, -0, 2], [1, NaN, 0, 1]], [NaN, NaN, 0, 2]),
  known("min propagates NaN", "min", F, [[NaN, 1, -0, 2], [1, NaN, 0, 1]], [NaN, NaN, -0, 1]),
  known("is_finite", "is_finite", F, [[1, INF, -INF, NaN, 0]], [1, 0, 0, 0, 1]),
  known("eq with NaN and -0", "eq", F, [[NaN, 1, -0], [NaN, 1, 0]], [0, 1, 1]),
  known("ne with NaN and -0", "ne", F, [[NaN, 1, -0], [NaN, 1, 0]], [1, 0, 0]),
  known("lt with NaN", "lt", F, [[NaN, 1, -0], [1, 2, 0]], [0, 1, 0]),
  known("le with NaN", "le", F, [[NaN, 2, -0], [1, 2, 0]], [0, 1, 1]),
  known("gt with NaN", "gt", F, [[1, NaN, 3], [NaN, 1, 2]], [0, 0, 1]),
  known("ge with NaN", "ge", F, [[NaN, 2, -0], [1, 2, 0]], [0, 1, 1]),
  known("select", "select", FIB, [bool([1, 0, 1]), [1, 0, 1], [0, 1, 1]], [1, 1, 1]),
  known("select picks", "select", FI, [bool([1, 0, 1]), [1, 2, 3], [4, 5, 6]], [1, 5, 3]),
  known("stop_gradient is identity", "stop_gradient", F, [[1, -0, NaN]], [1, -0, NaN]),
  known("convert to int32 truncates toward 0", "convert_element_type", F, [[-2.7, 2.7, -0.5, 1000]], [-2, 2, 0, 1000], { newDtype: "int32" }),
  known("convert to bool is x != 0", "convert_element_type", F, [[0, -0, 0.5, NaN]], [0, 0, 1, 1], { newDtype: "bool" }),
  known("convert int32 to float32 rounds", "convert_element_type", I, [[16777217, -1]], [16777216, -1], { newDtype: "float32" }),
  known("convert bool to int32", "convert_element_type", ["bool"], [[1, 0]], [1, 0], { newDtype: "int32" }),
];

const integers: KnownValue[] = [
  known("add wraps", "add", I, [[INT32_MAX, INT32_MIN], [1, -1]], [INT32_MIN, INT32_MAX]),
  known("mul wraps", "mul", I, [[65536, -3, 46341], [65536, 7, 46341]], [0, -21, -2147479015]),
  known("div truncates; MIN / -1 wraps", "div", I, [[-7, 7, 7, INT32_MIN], [2, -2, 2, -1]], [-3, -3, 3, INT32_MIN]),
  known("rem has the sign of x", "rem", I, [[-7, 7, 7], [2, -2, 3]], [-1, 1, 1]),
  known("neg and abs of INT32_MIN wrap", "neg", I, [[INT32_MIN, 5]], [INT32_MIN, -5]),
  known("abs of INT32_MIN wraps", "abs", I, [[INT32_MIN, -5]], [INT32_MIN, 5]),
  known("pow is exact and wraps", "pow", I, [[2, 3, -2, 2], [10, 0, 3, 31]], [1024, 1, -8, INT32_MIN]),
  known("sign", "sign", I, [[-5, 0, 7]], [-1, 0, 1]),
  known("max over the int32 range", "max", I, [[INT32_MIN, 3], [INT32_MAX, -3]], [INT32_MAX, 3]),
  known("not is bitwise", "not", I, [[0, -1, 5]], [-1, 0, -6]),
  known("and is bitwise", "and", I, [[12, -1], [10, 7]], [8, 7]),
  known("or is bitwise", "or", I, [[12, -1], [10, 7]], [14, -1]),
  known("xor is bitwise", "xor", I, [[12, -1], [10, 7]], [6, -8]),
  known("shift_left; amounts of 32 or more, or negative, shift every bit out", "shift_left", I, [[1, 1, 1, -1, 5], [31, 32, -1, 4, 0]], [INT32_MIN, 0, 0, -16, 5]),
  known("shift_right_logical fills with zeros", "shift_right_logical", I, [[-1, -1, INT32_MIN, 40], [28, 32, 31, -2]], [15, 0, 1, 0]),
  known("shift_right_arithmetic fills with the sign", "shift_right_arithmetic", I, [[-8, -8, 8, INT32_MIN], [1, 32, 33, 31]], [-4, -1, 0, -1]),
  known("bitcast int32 -> float32", "bitcast_convert_type", I, [[1065353216, -1082130432, 2139095040, 0, INT32_MIN, 1]], [1, -1, INF, 0, -0, 1.401298464324817e-45], { newDtype: "float32" }),
  known("bitcast float32 -> int32", "bitcast_convert_type", ["float32"], [[1, -1, -INF, -0, 0.5]], [1065353216, -1082130432, -8388608, INT32_MIN, 1056964608], { newDtype: "int32" }),
  known("not", "not", ["bool"], [[0, 1]], [1, 0]),
  known("and", "and", ["bool"], [[0, 1, 1], [1, 1, 0]], [0, 1, 0]),
  known("or", "or", ["bool"], [[0, 1, 0], [0, 1, 1]], [0, 1, 1]),
  known("xor", "xor", ["bool"], [[0, 1, 1], [1, 1, 0]], [1, 0, 1]),
];

/** iota takes its dtype as a param: one check per dtype. */
const iotaChecks: KnownValue[] = FI.flatMap((dtype) => [
  { name: "iota [2,3] dimension 0", prim: "iota", dtypes: [dtype], operands: () => [], params: { dtype, shape: [2, 3], dimension: 0 }, expected: [0, 0, 0, 1, 1, 1] },
  { name: "iota [2,3] dimension 1", prim: "iota", dtypes: [dtype], operands: () => [], params: { dtype, shape: [2, 3], dimension: 1 }, expected: [0, 1, 2, 0, 1, 2] },
]);

const reductions: KnownValue[] = [
  known("sum of 1..1000 is 500500", "reduce_sum", FI, [oneTo(1000)], [500500], { axes: [0] }),
  known("sum of nothing is 0", "reduce_sum", FI, [[]], [0], { axes: [0] }),
  known("sum over rows and columns", "reduce_sum", FI, [shaped([1, 2, 3, 4, 5, 6], [2, 3])], [5, 7, 9], { axes: [0] }),
  known("product of 1..5 is 120", "reduce_prod", FI, [oneTo(5)], [120], { axes: [0] }),
  known("product of nothing is 1", "reduce_prod", FI, [[]], [1], { axes: [0] }),
  known("max with NaN is NaN", "reduce_max", F, [[1, NaN, 3]], [NaN], { axes: [0] }),
  known("max of nothing is -Inf", "reduce_max", F, [[]], [-INF], { axes: [0] }),
  known("min with NaN is NaN", "reduce_min", F, [[3, NaN, 1]], [NaN], { axes: [0] }),
  known("min of nothing is +Inf", "reduce_min", F, [[]], [INF], { axes: [0] }),
  known("max along rows", "reduce_max", FI, [shaped([1, 5, 7, 2], [2, 2])], [5, 7], { axes: [1] }),
  known("argmax picks the first maximum", "argmax", FI, [[1, 3, 3, 2]], [1], { axis: 0 }),
  known("argmin picks the first minimum", "argmin", FI, [[2, 1, 1]], [1], { axis: 0 }),
  known("argmax: NaN counts as the maximum", "argmax", F, [[1, NaN, 5, NaN]], [1], { axis: 0 }),
  known("argmin: NaN counts as the minimum", "argmin", F, [[1, NaN, -5]], [1], { axis: 0 }),
  known("argmax of all -Inf is 0", "argmax", F, [[-INF, -INF]], [0], { axis: 0 }),
  known("cumsum", "cumsum", FI, [[1, 2, 3, 4]], [1, 3, 6, 10], { axis: 0, reverse: false }),
  known("cumsum reverse", "cumsum", FI, [[1, 2, 3, 4]], [10, 9, 7, 4], { axis: 0, reverse: true }),
  known("dot [1,2,3]·[4,5,6] = 32", "dot_general", FI, [[1, 2, 3], [4, 5, 6]], [32], { lhsContracting: [0], rhsContracting: [0], lhsBatch: [], rhsBatch: [] }),
  known("2×2 matmul", "dot_general", FI, [shaped([1, 2, 3, 4], [2, 2]), shaped([5, 6, 7, 8], [2, 2])], [19, 22, 43, 50], {
    lhsContracting: [1],
    rhsContracting: [0],
    lhsBatch: [],
    rhsBatch: [],
  }),
  known("dot with NaN·0 and Inf·0 is NaN", "dot_general", F, [shaped([NaN, 1, INF, 1], [2, 2]), [0, 1]], [NaN, NaN], {
    lhsContracting: [1],
    rhsContracting: [0],
    lhsBatch: [],
    rhsBatch: [],
  }),
];

const movement: KnownValue[] = [
  known("broadcast a row", "broadcast_in_dim", FIB, [[1, 0]], [1, 0, 1, 0], { shape: [2, 2], broadcastDimensions: [1] }),
  known("broadcast a column", "broadcast_in_dim", FI, [[1, 2]], [1, 1, 2, 2], { shape: [2, 2], broadcastDimensions: [0] }),
  known("transpose 2×3", "transpose", FI, [shaped([1, 2, 3, 4, 5, 6], [2, 3])], [1, 4, 2, 5, 3, 6], { permutation: [1, 0] }),
  known("rev", "rev", FI, [[1, 2, 3]], [3, 2, 1], { dimensions: [0] }),
  known("strided slice 1:8:3", "slice", FI, [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]], [1, 4, 7], { startIndices: [1], limitIndices: [8], strides: [3] }),
  known("pad with interior", "pad", FI, [[1, 2], (d) => fixed([0], [], d)], [0, 1, 0, 2, 0], { paddingConfig: [[1, 1, 1]] }),
  known("pad with negative low/high crops", "pad", FI, [[1, 2, 3, 4], (d) => fixed([9], [], d)], [2, 3], { paddingConfig: [[-1, -1, 0]] }),
  known("concatenate", "concatenate", FIB, [[1, 0], [1]], [1, 0, 1], { dimension: 0 }),
  known("reshape", "reshape", FI, [shaped([1, 2, 3, 4], [2, 2])], [1, 2, 3, 4], { newSizes: [4] }),
];

const indexing: KnownValue[] = [
  known("gather clamps indices", "gather", FI, [[10, 20, 30], int32([-1, 5, 1])], [10, 30, 20], { axes: [0] }),
  known("gather rows", "gather", FI, [shaped([1, 2, 3, 4, 5, 6], [3, 2]), int32([2, 0])], [5, 6, 1, 2], { axes: [0] }),
  known("scatter_add sums duplicates and clamps", "scatter_add", FI, [[0, 0, 0], [1, 2, 3], int32([1, 1, 9])], [0, 3, 3], { axes: [0] }),
  known("dynamic_slice clamps the start (high)", "dynamic_slice", FI, [[0, 1, 2, 3, 4], int32([4], [])], [3, 4], { sliceSizes: [2] }),
  known("dynamic_slice clamps the start (low)", "dynamic_slice", FI, [[0, 1, 2, 3, 4], int32([-3], [])], [0, 1], { sliceSizes: [2] }),
  known("dynamic_update_slice clamps the start", "dynamic_update_slice", FI, [[0, 0, 0, 0], [7, 8], int32([3], [])], [0, 0, 7, 8], {}),
];

/** Every hand-computed check. */
export const knownValues: readonly KnownValue[] = [
  ...elementwise,
  ...integers,
  ...iotaChecks,
  ...reductions,
  ...movement,
  ...indexing,
];

/** The check as a case on `dtype`, runnable by `runExpected`. */
export function knownCase(k: KnownValue, dtype: DType): Case {
  const tolerance = specs[k.prim].tolerance;
  return {
    prim: k.prim,
    dtype,
    name: `${k.prim} ${dtype} ${k.name}`,
    operands: k.operands(dtype),
    params: k.params as Params<FirstOrderPrim>,
    tolerance: tolerance === "accumulated" ? "exact" : tolerance,
    terms: 1,
    large: false,
  };
}

/**
 * How close a known value must be: the primitive's tolerance, without the absolute slack
 * near zero (the expected values here are not near a zero of the function). Accumulated
 * checks use integers, whose sums are exact.
 */
export function knownTolerance(c: Case, outDType: DType): Tolerance {
  const tol = toleranceFor(c.tolerance, outDType);
  if (tol.kind !== "close" || !isFloat(outDType)) return tol;
  return { ...tol, atol: TINY_NORMAL[outDType as "float32" | "float64"] };
}

/** Expected values rounded to the result's dtype. */
export function roundedExpected(values: readonly number[], outDType: DType): number[] {
  return outDType === "float32" ? values.map(Math.fround) : [...values];
}
