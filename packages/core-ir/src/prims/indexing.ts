import { DTypeError, ShapeError } from "../errors.js";
import { declarePrimitive } from "../registry.js";
import { type ShapedArray, fmtShape, shapesEqual } from "../shape.js";
import { checkAxes } from "./checks.js";

declare module "../registry.js" {
  interface PrimParamMap {
    /**
     * gather(x, i_0 … i_{k-1}): indices (int32, one common shape B) select along `axes`.
     * out[b…, r…] = x[with i_j[b…] at axes[j], r… at the other axes]; out shape = B ++ rest.
     * Indices are clamped into range.
     */
    gather: { axes: readonly number[] };
    /** scatter_add(x, updates, i_0 … i_{k-1}): x with updates added at the gathered positions. */
    scatter_add: { axes: readonly number[] };
    /** dynamic_slice(x, s_0 … s_{n-1}): window of `sliceSizes` at scalar int32 starts, clamped to fit. */
    dynamic_slice: { sliceSizes: readonly number[] };
    /** dynamic_update_slice(x, update, s_0 … s_{n-1}): x with a window overwritten by update. */
    dynamic_update_slice: Record<string, never>;
  }
}

const FAMILY = "indexing";

function checkIndices(prim: string, indices: readonly ShapedArray[]): readonly number[] {
  if (indices.length === 0) throw new ShapeError(`${prim}: expected at least one index array`);
  for (const i of indices) {
    if (i.dtype !== "int32") throw new DTypeError(`${prim}: index array has dtype ${i.dtype} (${i}); expected int32`);
    if (!shapesEqual(i.shape, indices[0].shape)) {
      throw new ShapeError(`${prim}: index arrays must share one shape, got ${indices.map((a) => fmtShape(a.shape)).join(", ")}`);
    }
  }
  return indices[0].shape;
}

function gatherShape(prim: string, x: ShapedArray, indices: readonly ShapedArray[], axes: readonly number[]): number[] {
  if (axes.length !== indices.length) throw new ShapeError(`${prim}: ${indices.length} index arrays but ${axes.length} axes`);
  checkAxes(prim, axes, x.ndim);
  for (const a of axes) if (x.shape[a] === 0) throw new ShapeError(`${prim}: cannot index into empty axis ${a} of ${fmtShape(x.shape)}`);
  const batch = checkIndices(prim, indices);
  return [...batch, ...x.shape.filter((_, i) => !axes.includes(i))];
}

declarePrimitive({
  name: "gather",
  family: FAMILY,
  arity: "variadic",
  linearity: "linear",
  linearArgs: [0],
  shapeRule: ([x, ...indices], { axes }) => gatherShape("gather", x, indices, axes),
  dtypeRule: ([x]) => x.dtype,
  doc: "pick elements/slices of x at integer index arrays along `axes` (clamped)",
});

declarePrimitive({
  name: "scatter_add",
  family: FAMILY,
  arity: "variadic",
  linearity: "linear",
  linearArgs: [0, 1],
  shapeRule: ([x, updates, ...indices], { axes }) => {
    const expected = gatherShape("scatter_add", x, indices, axes);
    if (!shapesEqual(updates.shape, expected)) {
      throw new ShapeError(`scatter_add: updates have shape ${fmtShape(updates.shape)}; expected ${fmtShape(expected)} (index shape ++ remaining operand dims)`);
    }
    return x.shape;
  },
  dtypeRule: ([x, updates]) => {
    if (x.dtype !== updates.dtype) throw new DTypeError(`scatter_add: operand ${x} and updates ${updates} must have the same dtype`);
    if (x.dtype === "bool") throw new DTypeError("scatter_add: dtype bool; expected a numeric dtype");
    return x.dtype;
  },
  doc: "x with updates added at integer index arrays along `axes` (clamped; duplicates accumulate)",
});

function checkStarts(prim: string, x: ShapedArray, starts: readonly ShapedArray[]) {
  if (starts.length !== x.ndim) throw new ShapeError(`${prim}: got ${starts.length} start indices; expected ${x.ndim} for operand ${fmtShape(x.shape)}`);
  for (const s of starts) {
    if (s.ndim !== 0 || s.dtype !== "int32") throw new DTypeError(`${prim}: start index ${s}; expected a scalar int32`);
  }
}

declarePrimitive({
  name: "dynamic_slice",
  family: FAMILY,
  arity: "variadic",
  linearity: "linear",
  linearArgs: [0],
  shapeRule: ([x, ...starts], { sliceSizes }) => {
    checkStarts("dynamic_slice", x, starts);
    if (sliceSizes.length !== x.ndim || sliceSizes.some((s, i) => !Number.isInteger(s) || s < 0 || s > x.shape[i])) {
      throw new ShapeError(`dynamic_slice: sliceSizes ${JSON.stringify(sliceSizes)} do not fit operand ${fmtShape(x.shape)}`);
    }
    return sliceSizes;
  },
  dtypeRule: ([x]) => x.dtype,
  doc: "window of static size at dynamic (clamped) start indices",
});

declarePrimitive({
  name: "dynamic_update_slice",
  family: FAMILY,
  arity: "variadic",
  linearity: "linear",
  linearArgs: [0, 1],
  shapeRule: ([x, update, ...starts]) => {
    checkStarts("dynamic_update_slice", x, starts);
    if (update.ndim !== x.ndim || update.shape.some((s, i) => s > x.shape[i])) {
      throw new ShapeError(`dynamic_update_slice: update ${fmtShape(update.shape)} does not fit operand ${fmtShape(x.shape)}`);
    }
    return x.shape;
  },
  dtypeRule: ([x, update]) => {
    if (x.dtype !== update.dtype) throw new DTypeError(`dynamic_update_slice: operand ${x} and update ${update} must have the same dtype`);
    return x.dtype;
  },
  doc: "operand with the window at dynamic (clamped) start indices replaced by update",
});
