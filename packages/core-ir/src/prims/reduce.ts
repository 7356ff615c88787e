import { DTypeError, ShapeError } from "../errors.js";
import { type Prim, declarePrimitive } from "../registry.js";
import { checkAxes, checkDTypeClass, sameDTypes } from "./checks.js";
import type { DTypeClass } from "./checks.js";
import { fmtShape } from "../shape.js";

declare module "../registry.js" {
  interface PrimParamMap {
    reduce_sum: { axes: readonly number[] };
    reduce_max: { axes: readonly number[] };
    reduce_min: { axes: readonly number[] };
    reduce_prod: { axes: readonly number[] };
    argmax: { axis: number };
    argmin: { axis: number };
    cumsum: { axis: number; reverse: boolean };
    /** Contract lhsContracting with rhsContracting; output dims: batch, lhs free, rhs free. */
    dot_general: {
      lhsContracting: readonly number[];
      rhsContracting: readonly number[];
      lhsBatch: readonly number[];
      rhsBatch: readonly number[];
    };
  }
}

const FAMILY = "reduce";

function reduction(name: Prim, cls: DTypeClass, doc: string, linear: boolean) {
  declarePrimitive({
    name,
    family: FAMILY,
    arity: 1,
    linearity: linear ? "linear" : "none",
    linearArgs: linear ? [0] : [],
    shapeRule: ([x], params) => {
      const { axes } = params as { axes: readonly number[] };
      checkAxes(name, axes, x.ndim);
      return x.shape.filter((_, i) => !axes.includes(i));
    },
    dtypeRule: ([x]) => (checkDTypeClass(name, x, cls), x.dtype),
    doc,
  });
}

reduction("reduce_sum", "numeric", "sum over `axes` (removed from the shape)", true);
reduction("reduce_max", "any", "maximum over `axes`; NaN propagates; empty: -Inf (int32: -2^31, bool: false)", false);
reduction("reduce_min", "any", "minimum over `axes`; NaN propagates; empty: +Inf (int32: 2^31-1, bool: true)", false);
reduction("reduce_prod", "numeric", "product over `axes`", false);

for (const name of ["argmax", "argmin"] as const) {
  declarePrimitive({
    name,
    family: FAMILY,
    arity: 1,
    linearity: "none",
    linearArgs: [],
    shapeRule: ([x], { axis }) => {
      checkAxes(name, [axis], x.ndim, "axis");
      if (x.shape[axis] === 0) throw new ShapeError(`${name}: axis ${axis} of ${fmtShape(x.shape)} is empty; expected a non-empty axis`);
      return x.shape.filter((_, i) => i !== axis);
    },
    dtypeRule: () => "int32",
    doc: `index (int32) of the first ${name === "argmax" ? "maximum" : "minimum"} along \`axis\`; NaN counts as extreme`,
  });
}

declarePrimitive({
  name: "cumsum",
  family: FAMILY,
  arity: 1,
  linearity: "linear",
  linearArgs: [0],
  shapeRule: ([x], { axis }) => (checkAxes("cumsum", [axis], x.ndim, "axis"), x.shape),
  dtypeRule: ([x]) => (checkDTypeClass("cumsum", x, "numeric"), x.dtype),
  doc: "inclusive running sum along `axis` (from the end when `reverse`)",
});

declarePrimitive({
  name: "dot_general",
  family: FAMILY,
  arity: 2,
  linearity: "bilinear",
  linearArgs: [0, 1],
  shapeRule: ([lhs, rhs], { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb }) => {
    const where = `dot_general(${fmtShape(lhs.shape)}, ${fmtShape(rhs.shape)}; contracting ${JSON.stringify([lc, rc])}, batch ${JSON.stringify([lb, rb])})`;
    if (lc.length !== rc.length || lb.length !== rb.length) throw new ShapeError(`${where}: contracting and batch dimension lists must pair up`);
    checkAxes("dot_general", [...lc, ...lb], lhs.ndim, "lhs dimensions");
    checkAxes("dot_general", [...rc, ...rb], rhs.ndim, "rhs dimensions");
    lc.forEach((d, i) => {
      if (lhs.shape[d] !== rhs.shape[rc[i]]) {
        throw new ShapeError(`${where}: contracting dimension sizes differ (${lhs.shape[d]} vs ${rhs.shape[rc[i]]})`);
      }
    });
    lb.forEach((d, i) => {
      if (lhs.shape[d] !== rhs.shape[rb[i]]) throw new ShapeError(`${where}: batch dimension sizes differ (${lhs.shape[d]} vs ${rhs.shape[rb[i]]})`);
    });
    const lfree = lhs.shape.filter((_, i) => !lc.includes(i) && !lb.includes(i));
    const rfree = rhs.shape.filter((_, i) => !rc.includes(i) && !rb.includes(i));
    return [...lb.map((d) => lhs.shape[d]), ...lfree, ...rfree];
  },
  dtypeRule: (avals) => {
    const d = sameDTypes("dot_general", avals);
    if (d === "bool") throw new DTypeError("dot_general: operands have dtype bool; expected float32, float64 or int32");
    return d;
  },
  doc: "generalised matrix product: sum over contracting dims, elementwise over batch dims",
});
