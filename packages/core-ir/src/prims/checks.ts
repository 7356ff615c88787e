import { type DType, isBool, isFloat } from "../dtype.js";
import { DTypeError, ShapeError } from "../errors.js";
import { type Shape, type ShapedArray, fmtShape, shapesEqual } from "../shape.js";

/** Which dtypes an operand may have. */
export type DTypeClass = "float" | "numeric" | "integral" | "int" | "any";

const accepts: Record<DTypeClass, (d: DType) => boolean> = {
  float: isFloat,
  numeric: (d) => !isBool(d),
  integral: (d) => d === "int32" || d === "bool",
  int: (d) => d === "int32",
  any: () => true,
};

const expected: Record<DTypeClass, string> = {
  float: "float32 or float64",
  numeric: "float32, float64 or int32",
  integral: "int32 or bool",
  int: "int32",
  any: "any dtype",
};

export function checkDTypeClass(prim: string, aval: ShapedArray, cls: DTypeClass, what = "operand"): void {
  if (!accepts[cls](aval.dtype)) {
    throw new DTypeError(`${prim}: ${what} has dtype ${aval.dtype} (${aval}); expected ${expected[cls]}`);
  }
}

export function sameDTypes(prim: string, avals: readonly ShapedArray[]): DType {
  const d = avals[0].dtype;
  if (avals.some((a) => a.dtype !== d)) {
    throw new DTypeError(`${prim}: operands must have the same dtype, got ${avals.map(String).join(", ")}`);
  }
  return d;
}

export function sameShapes(prim: string, avals: readonly ShapedArray[]): Shape {
  const s = avals[0].shape;
  if (avals.some((a) => !shapesEqual(a.shape, s))) {
    throw new ShapeError(
      `${prim}: operands must have the same shape (broadcasting is explicit at this level), got ${avals.map((a) => fmtShape(a.shape)).join(", ")}`,
    );
  }
  return s;
}

export function checkAxes(prim: string, axes: readonly number[], ndim: number, what = "axes"): void {
  const seen = new Set<number>();
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= ndim || seen.has(a)) {
      throw new ShapeError(`${prim}: ${what} ${JSON.stringify(axes)} invalid for rank ${ndim}; expected distinct integers in [0, ${ndim - 1}]`);
    }
    seen.add(a);
  }
}
