import { ShapeError } from "../errors.js";
import { declarePrimitive } from "../registry.js";
import { checkShape, fmtShape, isPermutation, shapeSize } from "../shape.js";
import { checkAxes, sameDTypes } from "./checks.js";

declare module "../registry.js" {
  interface PrimParamMap {
    broadcast_in_dim: { shape: readonly number[]; broadcastDimensions: readonly number[] };
    reshape: { newSizes: readonly number[] };
    transpose: { permutation: readonly number[] };
    rev: { dimensions: readonly number[] };
    slice: { startIndices: readonly number[]; limitIndices: readonly number[]; strides: readonly number[] | null };
    /** [low, high, interior] per dimension; low/high may be negative (cropping). */
    pad: { paddingConfig: readonly (readonly [number, number, number])[] };
    concatenate: { dimension: number };
  }
}

const FAMILY = "movement";

declarePrimitive({
  name: "broadcast_in_dim",
  family: FAMILY,
  arity: 1,
  linearity: "linear",
  linearArgs: [0],
  shapeRule: ([x], { shape, broadcastDimensions: dims }) => {
    checkShape(shape, "broadcast_in_dim");
    const bad = () =>
      new ShapeError(
        `broadcast_in_dim: cannot broadcast operand of shape ${fmtShape(x.shape)} to ${fmtShape(shape)} with broadcastDimensions ${JSON.stringify(dims)}; ` +
          "expected one strictly increasing output dimension per operand dimension, each of size 1 or equal",
      );
    if (dims.length !== x.ndim) throw bad();
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i];
      if (!Number.isInteger(d) || d < 0 || d >= shape.length || (i > 0 && d <= dims[i - 1])) throw bad();
      if (x.shape[i] !== 1 && x.shape[i] !== shape[d]) throw bad();
    }
    return shape;
  },
  dtypeRule: ([x]) => x.dtype,
  doc: "broadcast operand into `shape`; operand dim i becomes output dim broadcastDimensions[i]",
});

declarePrimitive({
  name: "reshape",
  family: FAMILY,
  arity: 1,
  linearity: "linear",
  linearArgs: [0],
  shapeRule: ([x], { newSizes }) => {
    checkShape(newSizes, "reshape");
    if (shapeSize(newSizes) !== x.size) {
      throw new ShapeError(`reshape: cannot reshape array of shape ${fmtShape(x.shape)} (size ${x.size}) into shape ${fmtShape(newSizes)} (size ${shapeSize(newSizes)})`);
    }
    return newSizes;
  },
  dtypeRule: ([x]) => x.dtype,
  doc: "same elements in row-major order, new shape",
});

declarePrimitive({
  name: "transpose",
  family: FAMILY,
  arity: 1,
  linearity: "linear",
  linearArgs: [0],
  shapeRule: ([x], { permutation }) => {
    if (!isPermutation(permutation, x.ndim)) {
      throw new ShapeError(`transpose: permutation ${JSON.stringify(permutation)} is not a permutation of the ${x.ndim} axes of ${fmtShape(x.shape)}`);
    }
    return permutation.map((p) => x.shape[p]);
  },
  dtypeRule: ([x]) => x.dtype,
  doc: "output dim i is operand dim permutation[i]",
});

declarePrimitive({
  name: "rev",
  family: FAMILY,
  arity: 1,
  linearity: "linear",
  linearArgs: [0],
  shapeRule: ([x], { dimensions }) => (checkAxes("rev", dimensions, x.ndim, "dimensions"), x.shape),
  dtypeRule: ([x]) => x.dtype,
  doc: "reverse the order of elements along `dimensions`",
});

declarePrimitive({
  name: "slice",
  family: FAMILY,
  arity: 1,
  linearity: "linear",
  linearArgs: [0],
  shapeRule: ([x], { startIndices: start, limitIndices: limit, strides }) => {
    const n = x.ndim;
    if (start.length !== n || limit.length !== n || (strides && strides.length !== n)) {
      throw new ShapeError(`slice: startIndices, limitIndices and strides must each have ${n} entries for operand ${fmtShape(x.shape)}`);
    }
    return x.shape.map((d, i) => {
      const s = strides ? strides[i] : 1;
      if (!(Number.isInteger(start[i]) && Number.isInteger(limit[i]) && Number.isInteger(s)) || start[i] < 0 || limit[i] > d || start[i] > limit[i] || s < 1) {
        throw new ShapeError(
          `slice: invalid bounds on dim ${i} of ${fmtShape(x.shape)}: start ${start[i]}, limit ${limit[i]}, stride ${s}; expected 0 <= start <= limit <= ${d} and stride >= 1`,
        );
      }
      return Math.ceil((limit[i] - start[i]) / s);
    });
  },
  dtypeRule: ([x]) => x.dtype,
  doc: "static strided window start:limit:stride per dimension",
});

declarePrimitive({
  name: "pad",
  family: FAMILY,
  arity: 2,
  linearity: "linear",
  linearArgs: [0, 1],
  shapeRule: ([x, v], { paddingConfig }) => {
    if (v.ndim !== 0) throw new ShapeError(`pad: padding value must be a scalar, got shape ${fmtShape(v.shape)}`);
    if (paddingConfig.length !== x.ndim) {
      throw new ShapeError(`pad: paddingConfig has ${paddingConfig.length} entries; expected ${x.ndim} for operand ${fmtShape(x.shape)}`);
    }
    return x.shape.map((d, i) => {
      const [lo, hi, interior] = paddingConfig[i];
      const out = lo + hi + d + Math.max(0, d - 1) * interior;
      if (![lo, hi, interior].every(Number.isInteger) || interior < 0 || out < 0) {
        throw new ShapeError(`pad: invalid padding [${lo}, ${hi}, ${interior}] for dim ${i} of size ${d}; expected integers, interior >= 0, non-negative result`);
      }
      return out;
    });
  },
  dtypeRule: (avals) => sameDTypes("pad", avals),
  doc: "pad with a scalar: low/high at the edges (negative crops), interior between elements",
});

declarePrimitive({
  name: "concatenate",
  family: FAMILY,
  arity: "variadic",
  linearity: "linear",
  linearArgs: "all",
  shapeRule: (avals, { dimension }) => {
    if (avals.length === 0) throw new ShapeError("concatenate: expected at least one operand");
    const first = avals[0];
    if (!Number.isInteger(dimension) || dimension < 0 || dimension >= first.ndim) {
      throw new ShapeError(`concatenate: dimension ${dimension} out of range for operands of rank ${first.ndim}`);
    }
    let total = 0;
    for (const a of avals) {
      if (a.ndim !== first.ndim || a.shape.some((d, i) => i !== dimension && d !== first.shape[i])) {
        throw new ShapeError(
          `concatenate: operand shapes ${avals.map((b) => fmtShape(b.shape)).join(", ")} must agree except on dimension ${dimension}`,
        );
      }
      total += a.shape[dimension];
    }
    return first.shape.map((d, i) => (i === dimension ? total : d));
  },
  dtypeRule: (avals) => sameDTypes("concatenate", avals),
  doc: "join operands along `dimension`",
});
