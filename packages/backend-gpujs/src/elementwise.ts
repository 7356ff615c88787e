import { type DType, type SingleKernelTable, type Prim, type ShapedArray, UnsupportedPrimitiveError } from "@lintra/core-ir";
import type { Helper } from "./glsl.js";
import * as m from "./glsl-math.js";
import { boolOps, convert, floatCompare, floatOps, fmod, intCompare, intOps, select } from "./glsl-ops.js";
import type { GpujsBuffer, Runtime } from "./runtime.js";
import { kernelSource, keyOf, operandNames } from "./source.js";

/** The helper that computes an elementwise primitive, per class of operand dtype. */
type Row = Partial<Record<"float" | "int" | "bool", Helper>>;

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

type MapPrim = keyof typeof MAP_TABLE;

const dtypeClass = (d: DType): keyof Row => (d === "int32" ? "int" : d === "bool" ? "bool" : "float");

type Kernel = (inputs: GpujsBuffer[], avals: ShapedArray[], params: unknown, out: ShapedArray) => GpujsBuffer;

/** out[i] = helper(x[i], y[i], …) for operands of one shape. */
function mapKernel(rt: () => Runtime, prim: Prim, row: Row, operand = 0): Kernel {
  return (inputs, avals, _params, out) => {
    const h = row[dtypeClass(avals[operand].dtype)];
    if (!h) throw new UnsupportedPrimitiveError(prim, "gpujs", avals[operand].dtype);
    const names = operandNames(inputs.length);
    const source = () => kernelSource(names, [`return ${h.name}(${names.map((a) => `${a}[i]`).join(", ")});`]);
    return rt().run({ key: keyOf("map", h.name, out.size), size: out.size, source, helpers: [h] }, inputs);
  };
}

/** The cast for a pair of dtypes; undefined when the stored values stay as they are. */
function castHelper(from: DType, to: DType): Helper | undefined {
  const f = dtypeClass(from);
  const t = dtypeClass(to);
  if (f === t || t === "float" || f === "bool") return undefined;
  if (t === "int") return convert.floatToInt;
  return f === "float" ? convert.floatToBool : convert.intToBool;
}

function iota(rt: () => Runtime, shape: readonly number[], dimension: number, out: ShapedArray): GpujsBuffer {
  const inner = shape.slice(dimension + 1).reduce((a, b) => a * b, 1);
  const source = () => kernelSource([], [`return Math.floor(i / ${inner}) % ${shape[dimension]};`]);
  return rt().run({ key: keyOf("iota", shape, dimension), size: out.size, source }, []);
}

export function elementwiseKernels(rt: () => Runtime): SingleKernelTable<GpujsBuffer> {
  const maps = Object.fromEntries(Object.entries(MAP_TABLE).map(([prim, row]) => [prim, mapKernel(rt, prim as Prim, row)])) as {
    [P in MapPrim]: Kernel;
  };
  return {
    ...maps,
    select: mapKernel(rt, "select", { float: select, int: select, bool: select }, 1),
    convert_element_type: ([x], [aval], { newDtype }, out) => {
      const h = castHelper(aval.dtype, newDtype);
      return h ? mapKernel(rt, "convert_element_type", { [dtypeClass(aval.dtype)]: h })([x], [aval], {}, out) : rt().share(x);
    },
    stop_gradient: ([x]) => rt().share(x),
    iota: (_inputs, _avals, { shape, dimension }, out) => iota(rt, shape, dimension, out),
  };
}
