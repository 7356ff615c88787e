import { type ConcreteArray, type Prim, type Tracer, bind1 } from "@lintra/core-ir";
import { type Rng, arr, randArray } from "./check-grads.js";

/**
 * One row per differentiable primitive (JAX's GradTestSpec): how to build its float
 * inputs inside the primitive's smooth domain, and the function of those inputs.
 * Non-float operands (predicates, indices) are fixed constants closed over.
 */
export interface GradSpec {
  name: string;
  prim: Prim;
  inputs: (r: Rng) => ConcreteArray[];
  f: (...xs: Tracer[]) => Tracer;
  /** Also check second order (smooth primitives). */
  order2?: boolean;
  tol?: { rtol?: number; atol?: number; eps?: number; adjoint?: number };
}

const b = (prim: Prim, params: object = {}) => (...xs: Tracer[]) => bind1(prim, xs, params as never);
const u = (lo: number, hi: number, shape = [2, 3]) => (r: Rng) => [randArray(r, shape, lo, hi)];
const u2 = (lo: number, hi: number, lo2 = lo, hi2 = hi, shape = [2, 3]) => (r: Rng) => [randArray(r, shape, lo, hi), randArray(r, shape, lo2, hi2)];
/** Values of random sign bounded away from zero. */
const awayFromZero = (shape = [2, 3]) => (r: Rng) => [arr(Array.from({ length: shape.reduce((a, c) => a * c, 1) }, () => (r.uniform(0, 1) < 0.5 ? -1 : 1) * r.uniform(0.3, 2)), shape)];
/** Values k + 0.3 .. k + 0.4: away from every jump of floor/ceil/round. */
const offInteger = (r: Rng) => [arr(Array.from({ length: 6 }, () => r.int(-3, 3) + r.uniform(0.3, 0.4)), [2, 3])];

const unary = (prim: Prim, inputs: GradSpec["inputs"], order2 = true): GradSpec => ({ name: prim, prim, inputs, f: b(prim), order2 });
const binary = (prim: Prim, inputs: GradSpec["inputs"], order2 = true): GradSpec => ({ name: prim, prim, inputs, f: b(prim), order2 });

const pred = arr([1, 0, 1, 1, 0, 0], [2, 3], "bool");
const idx = arr([2, 0, 2, 1], [4], "int32");
const idxRows = arr([1, 0, 1], [3], "int32");
const idxCols = arr([2, 2, 0], [3], "int32");
const i32 = (v: number) => arr([v], [], "int32");

export const gradSpecs: GradSpec[] = [
  unary("neg", u(-2, 2)),
  unary("abs", awayFromZero()),
  unary("sign", awayFromZero(), false),
  unary("floor", offInteger, false),
  unary("ceil", offInteger, false),
  unary("round", offInteger, false),
  unary("exp", u(-2, 2)),
  unary("log", u(0.5, 3)),
  unary("log1p", u(-0.5, 2)),
  unary("expm1", u(-2, 2)),
  unary("sqrt", u(0.5, 3)),
  unary("rsqrt", u(0.5, 3)),
  unary("sin", u(-3, 3)),
  unary("cos", u(-3, 3)),
  unary("tan", u(-1.2, 1.2)),
  unary("asin", u(-0.8, 0.8)),
  unary("acos", u(-0.8, 0.8)),
  unary("atan", u(-3, 3)),
  unary("sinh", u(-2, 2)),
  unary("cosh", u(-2, 2)),
  unary("tanh", u(-2, 2)),
  unary("logistic", u(-4, 4)),
  unary("erf", u(-2, 2)),

  binary("add", u2(-2, 2)),
  binary("sub", u2(-2, 2)),
  binary("mul", u2(-2, 2)),
  binary("div", u2(-2, 2, 0.5, 2)),
  binary("rem", u2(1.2, 1.4, 0.9, 1.0)),
  binary("pow", u2(0.5, 2, -1, 2)),
  binary("max", u2(-2, 2)),
  binary("min", u2(-2, 2)),
  binary("atan2", u2(-2, 2, 0.5, 2)),

  { name: "select", prim: "select", inputs: u2(-2, 2), f: (x, y) => bind1("select", [pred, x, y], {}), order2: true },
  { name: "convert_element_type f64->f32", prim: "convert_element_type", inputs: u(-2, 2), f: b("convert_element_type", { newDtype: "float32" }), tol: { rtol: 1e-4, atol: 1e-5, eps: 1e-2, adjoint: 1e-6 } /* float32 intermediate */ },
  {
    name: "convert_element_type f32->f64",
    prim: "convert_element_type",
    inputs: u(-2, 2),
    // round-trip: the inner cast makes f32 values, the outer one is differentiated at float64 precision
    f: (x) => bind1("convert_element_type", [bind1("convert_element_type", [x], { newDtype: "float32" })], { newDtype: "float64" }),
    tol: { rtol: 1e-4, atol: 1e-5, eps: 1e-2, adjoint: 1e-6 } /* float32 intermediate */,
  },

  { name: "broadcast_in_dim", prim: "broadcast_in_dim", inputs: u(-2, 2, [3, 1]), f: b("broadcast_in_dim", { shape: [2, 3, 4], broadcastDimensions: [1, 2] }) },
  { name: "reshape", prim: "reshape", inputs: u(-2, 2), f: b("reshape", { newSizes: [3, 2] }) },
  { name: "transpose", prim: "transpose", inputs: u(-2, 2, [2, 3, 4]), f: b("transpose", { permutation: [2, 0, 1] }) },
  { name: "rev", prim: "rev", inputs: u(-2, 2), f: b("rev", { dimensions: [1] }) },
  { name: "slice strided", prim: "slice", inputs: u(-2, 2, [4, 7]), f: b("slice", { startIndices: [1, 1], limitIndices: [4, 7], strides: [2, 3] }) },
  {
    name: "pad negative+interior",
    prim: "pad",
    inputs: (r) => [randArray(r, [3, 4]), randArray(r, [])],
    f: b("pad", { paddingConfig: [[1, -1, 1], [-1, 2, 0]] }),
  },
  { name: "concatenate", prim: "concatenate", inputs: (r) => [randArray(r, [2, 1]), randArray(r, [2, 3]), randArray(r, [2, 2])], f: b("concatenate", { dimension: 1 }) },

  { name: "reduce_sum", prim: "reduce_sum", inputs: u(-2, 2, [2, 3, 4]), f: b("reduce_sum", { axes: [0, 2] }) },
  { name: "reduce_max", prim: "reduce_max", inputs: u(-2, 2, [3, 4]), f: b("reduce_max", { axes: [1] }), order2: true },
  { name: "reduce_min", prim: "reduce_min", inputs: u(-2, 2, [3, 4]), f: b("reduce_min", { axes: [0] }), order2: true },
  { name: "reduce_prod", prim: "reduce_prod", inputs: u(0.5, 1.5, [3, 4]), f: b("reduce_prod", { axes: [1] }), order2: true },
  { name: "cumsum", prim: "cumsum", inputs: u(-2, 2, [3, 4]), f: b("cumsum", { axis: 1, reverse: false }) },
  { name: "cumsum reverse", prim: "cumsum", inputs: u(-2, 2, [3, 4]), f: b("cumsum", { axis: 0, reverse: true }) },
  {
    name: "dot_general matmul",
    prim: "dot_general",
    inputs: (r) => [randArray(r, [3, 4]), randArray(r, [4, 5])],
    f: b("dot_general", { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] }),
    order2: true,
  },
  {
    name: "dot_general batch, odd dims",
    prim: "dot_general",
    inputs: (r) => [randArray(r, [4, 2, 3]), randArray(r, [3, 5, 2, 4])],
    f: b("dot_general", { lhsContracting: [2, 0], rhsContracting: [0, 3], lhsBatch: [1], rhsBatch: [2] }),
    order2: true,
  },

  { name: "gather", prim: "gather", inputs: u(-2, 2, [3, 2]), f: (x) => bind1("gather", [x, idx], { axes: [0] }) },
  { name: "gather 2-d points", prim: "gather", inputs: u(-2, 2, [2, 3, 2]), f: (x) => bind1("gather", [x, idxRows, idxCols], { axes: [0, 1] }) },
  {
    name: "scatter_add",
    prim: "scatter_add",
    inputs: (r) => [randArray(r, [3, 2]), randArray(r, [4, 2])],
    f: (x, upd) => bind1("scatter_add", [x, upd, idx], { axes: [0] }),
  },
  { name: "dynamic_slice", prim: "dynamic_slice", inputs: u(-2, 2, [4, 5]), f: (x) => bind1("dynamic_slice", [x, i32(1), i32(3)], { sliceSizes: [2, 2] }) },
  {
    name: "dynamic_update_slice",
    prim: "dynamic_update_slice",
    inputs: (r) => [randArray(r, [4, 5]), randArray(r, [2, 3])],
    f: (x, upd) => bind1("dynamic_update_slice", [x, upd, i32(2), i32(1)], {}),
  },
];
