import { type FirstOrderPrim, type Params, type Prim, type ShapedArray, type Tracer, bind1, getPrimitive, ops } from "@lintra/core-ir";
import { condJvp, scanJvp, whileJvp } from "./jvp-control.js";
import { customJvpCallJvp, customLinJvp, customVjpCallJvp } from "./jvp-custom.js";
import { checkpointJvp, jitJvp, nameJvp } from "./jvp-jit.js";
import { type Tangent, Zero, addTangents, instantiate, isZero } from "./zero.js";

const { add, sub, mul, div, neg, select, fullLike, expandReduced, reduceSum, convert } = ops;

/** Forward mode for one primitive: the primal outputs and their tangents (symbolic zeros allowed). */
export type JvpRule<P extends Prim> = (primals: Tracer[], tangents: Tangent[], params: Params<P>, outAvals: ShapedArray[]) => [Tracer[], Tangent[]];

/** The one-output form the first-order rows are written in. */
type JvpRule1<P extends Prim> = (primals: Tracer[], tangents: Tangent[], params: Params<P>, outAval: ShapedArray) => [Tracer, Tangent];

/** Rows written in one-output form, as list rules. */
function oneOutput<T extends Record<string, JvpRule1<never>>>(rows: T): { [K in keyof T]: JvpRule<K & Prim> } {
  const out: Record<string, JvpRule<never>> = {};
  for (const [name, rule] of Object.entries(rows)) {
    out[name] = (primals, tangents, params, outAvals) => {
      const [y, dy] = rule(primals, tangents, params, outAvals[0]);
      return [[y], [dy]];
    };
  }
  return out as { [K in keyof T]: JvpRule<K & Prim> };
}

// ---------------------------------------------------------------------------------------
// Family helpers.

const apply = <P extends Prim>(prim: P, xs: Tracer[], params: Params<P>) => bind1(prim, xs, params);

/** Linear in its linear arguments (jointly): the tangent is the primitive applied to tangents. */
function defLinear<P extends Prim>(prim: P): JvpRule1<P> {
  return (primals, tangents, params, outAval) => {
    const { linearArgs } = getPrimitive(prim);
    const isLin = (i: number) => linearArgs === "all" || linearArgs.includes(i);
    if (tangents.every((t, i) => !isLin(i) || isZero(t))) return [apply(prim, primals, params), new Zero(outAval)];
    const args = primals.map((p, i) => (isLin(i) ? instantiate(tangents[i]) : p));
    return [apply(prim, primals, params), apply(prim, args, params)];
  };
}

/** Bilinear: d(x ⊗ y) = dx ⊗ y + x ⊗ dy. */
function defBilinear<P extends Prim>(prim: P): JvpRule1<P> {
  return ([x, y], [tx, ty], params) => {
    const left = isZero(tx) ? tx : apply(prim, [tx, y], params);
    const right = isZero(ty) ? ty : apply(prim, [x, ty], params);
    return [apply(prim, [x, y], params), addTangents(left, right)];
  };
}

/** Piecewise constant (or integer-valued) output: the tangent is zero. */
function defJvpZero<P extends Prim>(prim: P): JvpRule1<P> {
  return (primals, _tangents, params, outAval) => [apply(prim, primals, params), new Zero(outAval)];
}

/** Unary with derivative `deriv(x, y)` where y = f(x): dy = deriv · dx. */
function defUnary<P extends Prim>(prim: P, deriv: (x: Tracer, y: Tracer) => Tracer): JvpRule1<P> {
  return ([x], [t], params) => {
    const y = apply(prim, [x], params);
    return [y, mul(instantiate(t), deriv(x, y))];
  };
}

/** Binary with partials `dx(x, y, out)` and `dy(x, y, out)`: skips the term of a zero tangent. */
function defBinary<P extends Prim>(prim: P, dx: (x: Tracer, y: Tracer, out: Tracer) => Tracer, dy: (x: Tracer, y: Tracer, out: Tracer) => Tracer): JvpRule1<P> {
  return ([x, y], [tx, ty], params) => {
    const out = apply(prim, [x, y], params);
    const left = isZero(tx) ? tx : mul(tx, dx(x, y, out));
    const right = isZero(ty) ? ty : mul(ty, dy(x, y, out));
    return [out, addTangents(left, right)];
  };
}

const c = (x: Tracer, v: number) => fullLike(x, v);
const sq = (x: Tracer) => mul(x, x);
const un = <P extends Prim>(prim: P, x: Tracer) => bind1(prim, [x], {} as Params<P>);
const cmp = (prim: "eq" | "gt" | "lt", x: Tracer, y: Tracer) => bind1(prim, [x, y], {});

/** Weight of x in max/min: 1 where x wins, ½ at ties (as JAX splits them), 0 where it loses. */
function chooserWeight(wins: "gt" | "lt", x: Tracer, y: Tracer): Tracer {
  const one = c(x, 1);
  const zero = c(x, 0);
  return select(cmp(wins, x, y), one, select(cmp("eq", x, y), c(x, 0.5), zero));
}

/** reduce_max/min: the tangent at the chosen locations, averaged over ties. */
function chooserReduce<P extends "reduce_max" | "reduce_min">(prim: P): JvpRule1<P> {
  return ([x], [t], params) => {
    const { axes } = params as Params<"reduce_max">;
    const y = apply(prim, [x], params);
    const hit = convert(cmp("eq", x, expandReduced(y, x.shape, axes)), x.dtype);
    const count = reduceSum(hit, axes);
    return [y, div(reduceSum(mul(instantiate(t), hit), axes), count)];
  };
}

/**
 * reduce_prod: ∂/∂x_i ∏x = ∏_{j≠i} x_j, computed so it is right where inputs are zero:
 * with P = product of the nonzero entries and k = number of zeros in the group,
 * the partial is P/x_i if k = 0, P at the zero if k = 1, and 0 otherwise.
 */
const reduceProdJvp: JvpRule1<"reduce_prod"> = ([x], [t], params) => {
  const { axes } = params;
  const y = apply("reduce_prod", [x], params);
  const isZ = cmp("eq", x, c(x, 0));
  const safe = select(isZ, c(x, 1), x);
  const p = expandReduced(apply("reduce_prod", [safe], params), x.shape, axes);
  const k = expandReduced(reduceSum(convert(isZ, x.dtype), axes), x.shape, axes);
  const zero = c(x, 0);
  const partial = select(cmp("eq", k, zero), div(p, safe), select(isZ, select(cmp("eq", k, c(x, 1)), p, zero), zero));
  return [y, reduceSum(mul(instantiate(t), partial), axes)];
};

/** pow: d(x^y) = y x^(y-1) dx + log(x) x^y dy, with 0 where y = 0 (first) or x = 0 (second). */
const powJvp: JvpRule1<"pow"> = defBinary(
  "pow",
  (x, y) => select(cmp("eq", y, c(y, 0)), c(x, 0), mul(y, bind1("pow", [x, sub(y, c(y, 1))], {}))),
  (x, _y, out) => mul(un("log", select(cmp("eq", x, c(x, 0)), c(x, 1), x)), out),
);

// ---------------------------------------------------------------------------------------
// The table: one row per primitive; the compiler rejects a missing one.

const firstOrderJvpRules: { [P in FirstOrderPrim]: JvpRule1<P> } = {
  neg: defLinear("neg"),
  abs: defUnary("abs", (x) => un("sign", x)), // d|x| = sign(x) dx, 0 at 0
  sign: defJvpZero("sign"),
  floor: defJvpZero("floor"),
  ceil: defJvpZero("ceil"),
  round: defJvpZero("round"),
  exp: defUnary("exp", (_x, y) => y), // d eˣ = eˣ dx
  log: defUnary("log", (x) => div(c(x, 1), x)), // d log x = dx / x
  log1p: defUnary("log1p", (x) => div(c(x, 1), add(x, c(x, 1)))), // d log(1+x) = dx / (1+x)
  expm1: defUnary("expm1", (_x, y) => add(y, c(y, 1))), // d (eˣ-1) = eˣ dx
  sqrt: defUnary("sqrt", (_x, y) => div(c(y, 0.5), y)), // d √x = dx / (2√x)
  rsqrt: defUnary("rsqrt", (x, y) => mul(c(x, -0.5), div(y, x))), // d x^-½ = -½ x^-3/2 dx
  sin: defUnary("sin", (x) => un("cos", x)), // d sin x = cos x dx
  cos: defUnary("cos", (x) => neg(un("sin", x))), // d cos x = -sin x dx
  tan: defUnary("tan", (_x, y) => add(c(y, 1), sq(y))), // d tan x = (1 + tan² x) dx
  asin: defUnary("asin", (x) => un("rsqrt", sub(c(x, 1), sq(x)))), // d asin x = dx / √(1-x²)
  acos: defUnary("acos", (x) => neg(un("rsqrt", sub(c(x, 1), sq(x))))), // d acos x = -dx / √(1-x²)
  atan: defUnary("atan", (x) => div(c(x, 1), add(c(x, 1), sq(x)))), // d atan x = dx / (1+x²)
  sinh: defUnary("sinh", (x) => un("cosh", x)), // d sinh x = cosh x dx
  cosh: defUnary("cosh", (x) => un("sinh", x)), // d cosh x = sinh x dx
  tanh: defUnary("tanh", (_x, y) => sub(c(y, 1), sq(y))), // d tanh x = (1 - tanh² x) dx
  logistic: defUnary("logistic", (_x, y) => mul(y, sub(c(y, 1), y))), // dσ = σ(1-σ) dx
  erf: defUnary("erf", (x) => mul(c(x, 2 / Math.sqrt(Math.PI)), un("exp", neg(sq(x))))), // d erf x = 2/√π e^(-x²) dx
  is_finite: defJvpZero("is_finite"),
  not: defJvpZero("not"),

  add: ([x, y], [tx, ty]) => [add(x, y), addTangents(tx, ty)],
  sub: ([x, y], [tx, ty]) => [sub(x, y), isZero(ty) ? tx : isZero(tx) ? neg(ty) : sub(tx, ty)],
  mul: defBilinear("mul"),
  // d(x/y) = dx/y - (x/y) dy/y
  div: ([x, y], [tx, ty]) => {
    const out = div(x, y);
    const left = isZero(tx) ? tx : div(tx, y);
    return [out, isZero(ty) ? left : addTangents(left, neg(mul(ty, div(out, y))))];
  },
  // rem(x, y) = x - y·trunc(x/y): d = dx - trunc(x/y) dy
  rem: defBinary(
    "rem",
    (x) => c(x, 1),
    (x, y) => {
      const q = div(x, y);
      return neg(mul(un("sign", q), un("floor", un("abs", q))));
    },
  ),
  pow: powJvp,
  max: defBinary("max", (x, y) => chooserWeight("gt", x, y), (x, y) => chooserWeight("gt", y, x)),
  min: defBinary("min", (x, y) => chooserWeight("lt", x, y), (x, y) => chooserWeight("lt", y, x)),
  // atan2(x, y) = angle of (y, x): d = (y dx - x dy) / (x² + y²)
  atan2: defBinary(
    "atan2",
    (x, y) => div(y, add(sq(x), sq(y))),
    (x, y) => neg(div(x, add(sq(x), sq(y)))),
  ),
  and: defJvpZero("and"),
  or: defJvpZero("or"),
  xor: defJvpZero("xor"),
  shift_left: defJvpZero("shift_left"),
  shift_right_logical: defJvpZero("shift_right_logical"),
  shift_right_arithmetic: defJvpZero("shift_right_arithmetic"),
  eq: defJvpZero("eq"),
  ne: defJvpZero("ne"),
  lt: defJvpZero("lt"),
  le: defJvpZero("le"),
  gt: defJvpZero("gt"),
  ge: defJvpZero("ge"),

  select: defLinear("select"),
  convert_element_type: defLinear("convert_element_type"),
  bitcast_convert_type: defJvpZero("bitcast_convert_type"), // reinterpreted bits: not differentiable (zero, as JAX)
  stop_gradient: defJvpZero("stop_gradient"),
  iota: defJvpZero("iota"),

  broadcast_in_dim: defLinear("broadcast_in_dim"),
  reshape: defLinear("reshape"),
  transpose: defLinear("transpose"),
  rev: defLinear("rev"),
  slice: defLinear("slice"),
  pad: defLinear("pad"),
  concatenate: defLinear("concatenate"),

  reduce_sum: defLinear("reduce_sum"),
  reduce_max: chooserReduce("reduce_max"),
  reduce_min: chooserReduce("reduce_min"),
  reduce_prod: reduceProdJvp,
  argmax: defJvpZero("argmax"),
  argmin: defJvpZero("argmin"),
  cumsum: defLinear("cumsum"),
  dot_general: defBilinear("dot_general"),

  gather: defLinear("gather"),
  scatter_add: defLinear("scatter_add"),
  dynamic_slice: defLinear("dynamic_slice"),
  dynamic_update_slice: defLinear("dynamic_update_slice"),
};

export const jvpRules: { [P in Prim]: JvpRule<P> } = {
  ...oneOutput(firstOrderJvpRules),
  jit: jitJvp, // a jit of the body's JVP
  checkpoint: checkpointJvp, // a checkpoint of the body's JVP, same policy
  name: nameJvp, // the primal named, the tangent as it is
  custom_jvp_call: customJvpCallJvp, // a jit of the user's rule
  custom_vjp_call: customVjpCallJvp, // a jit of fwd, then custom_lin
  custom_lin: customLinJvp, // forward mode through customVjp: a TransformError
  cond: condJvp, // cond of the branches' JVPs
  scan: scanJvp, // scan of the body's JVP, tangent carries beside the carries
  while: whileJvp, // while of the body's JVP
};
