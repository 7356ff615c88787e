import type { DType } from "../dtype.js";
import { assertDType } from "../dtype.js";
import { DTypeError, ShapeError } from "../errors.js";
import { type Linearity, type NoParams, type Prim, declarePrimitive } from "../registry.js";
import { checkShape, fmtShape } from "../shape.js";
import { type DTypeClass, checkDTypeClass, sameDTypes, sameShapes } from "./checks.js";

declare module "../registry.js" {
  interface PrimParamMap {
    // unary
    neg: NoParams; abs: NoParams; sign: NoParams; floor: NoParams; ceil: NoParams; round: NoParams;
    exp: NoParams; log: NoParams; log1p: NoParams; expm1: NoParams; sqrt: NoParams; rsqrt: NoParams;
    sin: NoParams; cos: NoParams; tan: NoParams; asin: NoParams; acos: NoParams; atan: NoParams;
    sinh: NoParams; cosh: NoParams; tanh: NoParams; logistic: NoParams; erf: NoParams;
    is_finite: NoParams; not: NoParams;
    // binary
    add: NoParams; sub: NoParams; mul: NoParams; div: NoParams; rem: NoParams; pow: NoParams;
    max: NoParams; min: NoParams; atan2: NoParams; and: NoParams; or: NoParams; xor: NoParams;
    eq: NoParams; ne: NoParams; lt: NoParams; le: NoParams; gt: NoParams; ge: NoParams;
    shift_left: NoParams; shift_right_logical: NoParams; shift_right_arithmetic: NoParams;
    // others
    select: NoParams;
    convert_element_type: { newDtype: DType };
    bitcast_convert_type: { newDtype: DType };
    stop_gradient: NoParams;
    iota: { dtype: DType; shape: readonly number[]; dimension: number };
  }
}

const FAMILY = "elementwise";

function unary(name: Prim, cls: DTypeClass, doc: string, linearity: Linearity = "none", out?: DType) {
  declarePrimitive({
    name,
    family: FAMILY,
    arity: 1,
    linearity,
    linearArgs: linearity === "none" ? [] : [0],
    shapeRule: ([x]) => x.shape,
    dtypeRule: ([x]) => (checkDTypeClass(name, x, cls), out ?? x.dtype),
    doc,
  });
}

function binary(name: Prim, cls: DTypeClass, doc: string, linearity: Linearity = "none", out?: DType) {
  declarePrimitive({
    name,
    family: FAMILY,
    arity: 2,
    linearity,
    linearArgs: linearity === "none" ? [] : linearity === "linear" && name === "div" ? [0] : [0, 1],
    shapeRule: (avals) => sameShapes(name, avals),
    dtypeRule: (avals) => {
      const d = sameDTypes(name, avals);
      checkDTypeClass(name, avals[0], cls);
      return out ?? d;
    },
    doc,
  });
}

unary("neg", "numeric", "-x", "linear");
unary("abs", "numeric", "|x|");
unary("sign", "numeric", "-1, 0 or 1 (NaN stays NaN, -0 stays -0)");
unary("floor", "float", "round toward -inf");
unary("ceil", "float", "round toward +inf");
unary("round", "float", "round half away from zero");
unary("exp", "float", "e^x");
unary("log", "float", "natural logarithm");
unary("log1p", "float", "log(1 + x), accurate near 0");
unary("expm1", "float", "e^x - 1, accurate near 0");
unary("sqrt", "float", "square root");
unary("rsqrt", "float", "1 / sqrt(x)");
unary("sin", "float", "sine");
unary("cos", "float", "cosine");
unary("tan", "float", "tangent");
unary("asin", "float", "arcsine");
unary("acos", "float", "arccosine");
unary("atan", "float", "arctangent");
unary("sinh", "float", "hyperbolic sine");
unary("cosh", "float", "hyperbolic cosine");
unary("tanh", "float", "hyperbolic tangent");
unary("logistic", "float", "1 / (1 + e^-x)");
unary("erf", "float", "error function");
unary("is_finite", "float", "true where x is neither NaN nor ±Inf", "none", "bool");
unary("not", "integral", "logical not for bool, bitwise not for int32");

binary("add", "numeric", "x + y", "linear");
binary("sub", "numeric", "x - y", "linear");
binary("mul", "numeric", "x * y", "bilinear");
binary("div", "numeric", "x / y (int32: truncating division, x / 0 = 0, wraps on overflow)", "linear");
binary("rem", "numeric", "remainder with the sign of x (C fmod; int32: rem(x, 0) = 0)");
binary("pow", "numeric", "x ^ y, with pow(0, 0) = 1");
binary("max", "any", "elementwise maximum; NaN propagates");
binary("min", "any", "elementwise minimum; NaN propagates");
binary("atan2", "float", "angle of the point (y=x, x=y)");
binary("and", "integral", "logical/bitwise and");
binary("or", "integral", "logical/bitwise or");
binary("xor", "integral", "logical/bitwise xor");
// Shift amounts are read as unsigned, as XLA does: an amount of 32 or more (or a negative one)
// shifts every bit out.
binary("shift_left", "int", "x << y; 0 where y (unsigned) >= 32");
binary("shift_right_logical", "int", "x >>> y, zero-filling; 0 where y (unsigned) >= 32");
binary("shift_right_arithmetic", "int", "x >> y, sign-filling; x < 0 ? -1 : 0 where y (unsigned) >= 32");
for (const [name, doc] of [
  ["eq", "x == y"],
  ["ne", "x != y"],
  ["lt", "x < y"],
  ["le", "x <= y"],
  ["gt", "x > y"],
  ["ge", "x >= y"],
] as const) {
  binary(name, "any", doc, "none", "bool");
}

declarePrimitive({
  name: "select",
  family: FAMILY,
  arity: 3,
  linearity: "linear",
  linearArgs: [1, 2],
  shapeRule: (avals) => sameShapes("select", avals),
  dtypeRule: ([pred, onTrue, onFalse]) => {
    if (pred.dtype !== "bool") throw new DTypeError(`select: predicate has dtype ${pred.dtype} (${pred}); expected bool`);
    return sameDTypes("select", [onTrue, onFalse]);
  },
  doc: "pred ? onTrue : onFalse, elementwise",
});

declarePrimitive({
  name: "convert_element_type",
  family: FAMILY,
  arity: 1,
  linearity: "linear",
  linearArgs: [0],
  shapeRule: ([x]) => x.shape,
  dtypeRule: (_, { newDtype }) => assertDType(newDtype, "convert_element_type"),
  doc: "cast to newDtype (float -> int32 truncates toward zero, saturates, NaN -> 0; -> bool is x != 0)",
});

/** The dtypes `bitcast_convert_type` reinterprets between: one element width, 32 bits. */
const BITCAST_DTYPES: readonly DType[] = ["int32", "float32"];

declarePrimitive({
  name: "bitcast_convert_type",
  family: FAMILY,
  arity: 1,
  linearity: "none",
  linearArgs: [],
  shapeRule: ([x]) => x.shape,
  dtypeRule: ([x], { newDtype }) => {
    const to = assertDType(newDtype, "bitcast_convert_type");
    for (const [d, what] of [[x.dtype, `operand ${x}`], [to, "newDtype"]] as const) {
      if (!BITCAST_DTYPES.includes(d)) {
        throw new DTypeError(`bitcast_convert_type: ${what} has dtype ${d}; expected ${BITCAST_DTYPES.join(" or ")} (the bits of a 32-bit element reinterpreted)`);
      }
    }
    return to;
  },
  doc: "the bits of each element reinterpreted as newDtype (int32 <-> float32)",
});

declarePrimitive({
  name: "stop_gradient",
  family: FAMILY,
  arity: 1,
  linearity: "none",
  linearArgs: [],
  shapeRule: ([x]) => x.shape,
  dtypeRule: ([x]) => x.dtype,
  doc: "identity whose derivative is zero",
});

declarePrimitive({
  name: "iota",
  family: FAMILY,
  arity: 0,
  linearity: "none",
  linearArgs: [],
  shapeRule: (_, { shape, dimension }) => {
    checkShape(shape, "iota");
    if (!Number.isInteger(dimension) || dimension < 0 || dimension >= shape.length) {
      throw new ShapeError(`iota: dimension ${dimension} out of range for shape ${fmtShape(shape)}`);
    }
    return shape;
  },
  dtypeRule: (_, { dtype }) => {
    const d = assertDType(dtype, "iota");
    if (d === "bool") throw new DTypeError("iota: dtype bool is not allowed; expected a numeric dtype");
    return d;
  },
  doc: "0, 1, 2, ... along `dimension`, broadcast over the rest of `shape`",
});

