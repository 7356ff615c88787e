/**
 * `lax`: one typed wrapper per primitive, no broadcasting and no type promotion.
 * Operands must already agree in shape and dtype as the primitive's rules require.
 */
import type { DType } from "./dtype.js";
import type { NoParams, Params, Prim } from "./registry.js";
import { type Tracer, bind1 } from "./trace.js";

/** Primitives whose params are empty. */
type PlainPrim = { [P in Prim]: Params<P> extends NoParams ? P : never }[Prim];

/** The params of every parameterless call: one frozen object, not a new one per primitive applied. */
const NO_PARAMS: NoParams = Object.freeze({});

const unary =
  (prim: PlainPrim) =>
  (x: Tracer): Tracer =>
    bind1(prim, [x], NO_PARAMS);
const binary =
  (prim: PlainPrim) =>
  (x: Tracer, y: Tracer): Tracer =>
    bind1(prim, [x, y], NO_PARAMS);

// Elementwise, one operand.
export const neg = unary("neg");
export const abs = unary("abs");
export const sign = unary("sign");
export const floor = unary("floor");
export const ceil = unary("ceil");
/** Rounds half away from zero. */
export const round = unary("round");
export const exp = unary("exp");
export const log = unary("log");
export const log1p = unary("log1p");
export const expm1 = unary("expm1");
export const sqrt = unary("sqrt");
export const rsqrt = unary("rsqrt");
export const sin = unary("sin");
export const cos = unary("cos");
export const tan = unary("tan");
export const asin = unary("asin");
export const acos = unary("acos");
export const atan = unary("atan");
export const sinh = unary("sinh");
export const cosh = unary("cosh");
export const tanh = unary("tanh");
export const logistic = unary("logistic");
export const erf = unary("erf");
export const isFinite = unary("is_finite");
/** Logical not for bool, bitwise not for int32. */
export const not = unary("not");

// Elementwise, two operands of one shape and dtype.
export const add = binary("add");
export const sub = binary("sub");
export const mul = binary("mul");
/** int32: truncating division. */
export const div = binary("div");
/** Remainder with the sign of x (C fmod). */
export const rem = binary("rem");
export const pow = binary("pow");
export const max = binary("max");
export const min = binary("min");
export const atan2 = binary("atan2");
export const and = binary("and");
export const or = binary("or");
export const xor = binary("xor");
export const eq = binary("eq");
export const ne = binary("ne");
export const lt = binary("lt");
export const le = binary("le");
export const gt = binary("gt");
export const ge = binary("ge");
/** int32 `x << y`; 0 where the shift amount y, read as unsigned, is 32 or more. */
export const shiftLeft = binary("shift_left");
/** int32 `x >>> y` (zero-filling); 0 where y, read as unsigned, is 32 or more. */
export const shiftRightLogical = binary("shift_right_logical");
/** int32 `x >> y` (sign-filling); -1 or 0 by the sign of x where y, read as unsigned, is 32 or more. */
export const shiftRightArithmetic = binary("shift_right_arithmetic");

/** `pred ? onTrue : onFalse`, elementwise; `pred` is bool. */
export function select(pred: Tracer, onTrue: Tracer, onFalse: Tracer): Tracer {
  return bind1("select", [pred, onTrue, onFalse], NO_PARAMS);
}

export function convertElementType(x: Tracer, newDtype: DType): Tracer {
  return bind1("convert_element_type", [x], { newDtype });
}

/** The bits of each element reinterpreted as `newDtype` (int32 <-> float32). */
export function bitcastConvertType(x: Tracer, newDtype: DType): Tracer {
  return bind1("bitcast_convert_type", [x], { newDtype });
}

/** Identity whose derivative is zero. */
export const stopGradient = unary("stop_gradient");

/** 0, 1, 2, … along `dimension` of `shape`. */
export function iota(dtype: DType, shape: readonly number[], dimension: number): Tracer {
  return bind1("iota", [], { dtype, shape, dimension });
}

// Reductions and contractions.
export function reduceSum(x: Tracer, axes: readonly number[]): Tracer {
  return bind1("reduce_sum", [x], { axes });
}
export function reduceMax(x: Tracer, axes: readonly number[]): Tracer {
  return bind1("reduce_max", [x], { axes });
}
export function reduceMin(x: Tracer, axes: readonly number[]): Tracer {
  return bind1("reduce_min", [x], { axes });
}
export function reduceProd(x: Tracer, axes: readonly number[]): Tracer {
  return bind1("reduce_prod", [x], { axes });
}
export function argmax(x: Tracer, axis: number): Tracer {
  return bind1("argmax", [x], { axis });
}
export function argmin(x: Tracer, axis: number): Tracer {
  return bind1("argmin", [x], { axis });
}
export function cumsum(x: Tracer, axis: number, { reverse = false }: { reverse?: boolean } = {}): Tracer {
  return bind1("cumsum", [x], { axis, reverse });
}

export interface DotDimensionNumbers {
  lhsContracting: readonly number[];
  rhsContracting: readonly number[];
  lhsBatch?: readonly number[];
  rhsBatch?: readonly number[];
}

/** Output dims: batch, then lhs free, then rhs free. */
export function dotGeneral(lhs: Tracer, rhs: Tracer, dims: DotDimensionNumbers): Tracer {
  const { lhsContracting, rhsContracting, lhsBatch = [], rhsBatch = [] } = dims;
  return bind1("dot_general", [lhs, rhs], { lhsContracting, rhsContracting, lhsBatch, rhsBatch });
}

// Movement.
/** Operand dim i becomes output dim `broadcastDimensions[i]`. */
export function broadcastInDim(x: Tracer, shape: readonly number[], broadcastDimensions: readonly number[]): Tracer {
  return bind1("broadcast_in_dim", [x], { shape, broadcastDimensions });
}
export function reshape(x: Tracer, newSizes: readonly number[]): Tracer {
  return bind1("reshape", [x], { newSizes });
}
export function transpose(x: Tracer, permutation: readonly number[]): Tracer {
  return bind1("transpose", [x], { permutation });
}
export function rev(x: Tracer, dimensions: readonly number[]): Tracer {
  return bind1("rev", [x], { dimensions });
}
export function slice(x: Tracer, startIndices: readonly number[], limitIndices: readonly number[], strides: readonly number[] | null = null): Tracer {
  return bind1("slice", [x], { startIndices, limitIndices, strides });
}
/** `paddingConfig[d] = [low, high, interior]`; `value` is a scalar of x's dtype. */
export function pad(x: Tracer, value: Tracer, paddingConfig: readonly (readonly [number, number, number])[]): Tracer {
  return bind1("pad", [x, value], { paddingConfig });
}
export function concatenate(xs: readonly Tracer[], dimension: number): Tracer {
  return bind1("concatenate", xs, { dimension });
}

// Indexing. Index arrays are int32 and clamped into range.
/** Output shape: index shape ++ x's shape without `axes`. */
export function gather(x: Tracer, indices: readonly Tracer[], axes: readonly number[]): Tracer {
  return bind1("gather", [x, ...indices], { axes });
}
export function scatterAdd(x: Tracer, updates: Tracer, indices: readonly Tracer[], axes: readonly number[]): Tracer {
  return bind1("scatter_add", [x, updates, ...indices], { axes });
}
export function dynamicSlice(x: Tracer, startIndices: readonly Tracer[], sliceSizes: readonly number[]): Tracer {
  return bind1("dynamic_slice", [x, ...startIndices], { sliceSizes });
}
export function dynamicUpdateSlice(x: Tracer, update: Tracer, startIndices: readonly Tracer[]): Tracer {
  return bind1("dynamic_update_slice", [x, update, ...startIndices], {});
}

// Control flow: higher-order primitives with every rule (JVP, partial eval, transpose).
export { cond, foriLoop, scan, switch, whileLoop, type ScanOptions } from "./control.js";
