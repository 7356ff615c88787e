/** Contractions: matmul, dot, inner, vdot, outer, tensordot — all one `dot_general` each. */
import { ShapeError, type Tracer, ValueError, fmtShape } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { type ArrayLike, broadcastShapes, broadcastTo, promoteArgs, toNumeric } from "../operands.js";
import { multiply } from "./arithmetic.js";
import { axesArg, fmtArg } from "./arguments.js";

const operands = (op: string, x: ArrayLike, y: ArrayLike) => promoteArgs(op, [x, y], toNumeric);

function mismatch(op: string, a: Tracer, b: Tracer, detail: string): ShapeError {
  return new ShapeError(`${op}: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not aligned: ${detail}`);
}

/**
 * Matrix product as NumPy's `matmul`: 1-D operands are vectors, leading (batch) dimensions
 * broadcast, the last axis of x contracts with the second-to-last of y.
 */
export function matmul(x: ArrayLike, y: ArrayLike): Tracer {
  const [a, b] = operands("np.matmul", x, y);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`np.matmul: operands must have at least 1 dimension, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; use multiply for scalars`);
  }
  const ka = a.shape[a.ndim - 1];
  const kbAxis = b.ndim === 1 ? 0 : b.ndim - 2;
  if (ka !== b.shape[kbAxis]) {
    throw mismatch("np.matmul", a, b, `inner dimensions differ (${ka} in the last axis of x vs ${b.shape[kbAxis]} in axis ${kbAxis - b.ndim} of y)`);
  }
  if (a.ndim <= 2 || b.ndim <= 2) return moveFree(a, b, lax.dotGeneral(a, b, { lhsContracting: [a.ndim - 1], rhsContracting: [kbAxis] }));
  return batchedMatmul(a, b);
}

/**
 * `dot_general` orders output dims as lhs free ++ rhs free. When y is batched and x is a
 * matrix that gives [n, ...batch, m]; matmul wants [...batch, n, m].
 */
function moveFree(a: Tracer, b: Tracer, out: Tracer): Tracer {
  if (a.ndim !== 2 || b.ndim <= 2) return out;
  const nb = b.ndim - 2;
  return lax.transpose(out, [...Array.from({ length: nb }, (_, i) => i + 1), 0, nb + 1]);
}

function batchedMatmul(a: Tracer, b: Tracer): Tracer {
  const batch = broadcastShapes("np.matmul", [a.shape.slice(0, -2), b.shape.slice(0, -2)]);
  const a2 = broadcastTo(a, [...batch, ...a.shape.slice(-2)], "np.matmul");
  const b2 = broadcastTo(b, [...batch, ...b.shape.slice(-2)], "np.matmul");
  const nb = batch.length;
  const batchDims = Array.from({ length: nb }, (_, i) => i);
  return lax.dotGeneral(a2, b2, { lhsContracting: [nb + 1], rhsContracting: [nb], lhsBatch: batchDims, rhsBatch: batchDims });
}

/**
 * NumPy's `dot`: scalars multiply; otherwise the last axis of x contracts with the last axis
 * of a 1-D y, or with the second-to-last axis of y.
 */
export function dot(x: ArrayLike, y: ArrayLike): Tracer {
  const [a, b] = operands("np.dot", x, y);
  if (a.ndim === 0 || b.ndim === 0) return multiply(a, b);
  const kbAxis = b.ndim === 1 ? 0 : b.ndim - 2;
  if (a.shape[a.ndim - 1] !== b.shape[kbAxis]) {
    throw mismatch("np.dot", a, b, `the last axis of x (${a.shape[a.ndim - 1]}) must equal axis ${kbAxis} of y (${b.shape[kbAxis]})`);
  }
  return lax.dotGeneral(a, b, { lhsContracting: [a.ndim - 1], rhsContracting: [kbAxis] });
}

/** Sum product over the last axes of x and y. */
export function inner(x: ArrayLike, y: ArrayLike): Tracer {
  const [a, b] = operands("np.inner", x, y);
  if (a.ndim === 0 || b.ndim === 0) return multiply(a, b);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1]) throw mismatch("np.inner", a, b, "the last axes must have the same size");
  return lax.dotGeneral(a, b, { lhsContracting: [a.ndim - 1], rhsContracting: [b.ndim - 1] });
}

/** Dot product of the flattened operands. */
export function vdot(x: ArrayLike, y: ArrayLike): Tracer {
  const [a, b] = operands("np.vdot", x, y);
  if (a.size !== b.size) throw mismatch("np.vdot", a, b, `sizes ${a.size} and ${b.size} differ`);
  return lax.dotGeneral(lax.reshape(a, [a.size]), lax.reshape(b, [b.size]), { lhsContracting: [0], rhsContracting: [0] });
}

/** out[i, j] = x[i] * y[j] over the flattened operands. */
export function outer(x: ArrayLike, y: ArrayLike): Tracer {
  const [a, b] = operands("np.outer", x, y);
  return lax.dotGeneral(lax.reshape(a, [a.size]), lax.reshape(b, [b.size]), { lhsContracting: [], rhsContracting: [] });
}

type TensordotAxes = number | readonly [number | readonly number[], number | readonly number[]];

/**
 * Sum products over the given axes: `axes = n` pairs the last n axes of x with the first n
 * of y; `axes = [xAxes, yAxes]` names them. Output: x's free axes, then y's.
 */
export function tensordot(x: ArrayLike, y: ArrayLike, axes: TensordotAxes = 2): Tracer {
  const [a, b] = operands("np.tensordot", x, y);
  const [ax, bx] = tensordotAxes(a, b, axes);
  ax.forEach((d, i) => {
    if (a.shape[d] !== b.shape[bx[i]]) {
      throw mismatch("np.tensordot", a, b, `axis ${d} of x has size ${a.shape[d]} but axis ${bx[i]} of y has size ${b.shape[bx[i]]}`);
    }
  });
  return lax.dotGeneral(a, b, { lhsContracting: ax, rhsContracting: bx });
}

function tensordotAxes(a: Tracer, b: Tracer, axes: TensordotAxes): [number[], number[]] {
  if (typeof axes === "number") {
    if (!Number.isInteger(axes) || axes < 0 || axes > a.ndim || axes > b.ndim) {
      throw mismatch("np.tensordot", a, b, `axes=${axes} must be an integer in [0, ${Math.min(a.ndim, b.ndim)}]`);
    }
    return [Array.from({ length: axes }, (_, i) => a.ndim - axes + i), Array.from({ length: axes }, (_, i) => i)];
  }
  if (!Array.isArray(axes) || axes.length !== 2) {
    throw new ValueError(`np.tensordot: axes ${fmtArg(axes)} is not an integer or a pair [xAxes, yAxes]; expected e.g. 2 or [[1], [0]]`);
  }
  const ax = contractedAxes(axes[0], a.ndim);
  const bx = contractedAxes(axes[1], b.ndim);
  if (ax.length !== bx.length) throw mismatch("np.tensordot", a, b, `${ax.length} axes of x but ${bx.length} axes of y`);
  return [ax, bx];
}

function contractedAxes(axes: unknown, ndim: number): number[] {
  const list = axesArg("np.tensordot", axes, ndim);
  if (list === null) throw new ValueError(`np.tensordot: axes ${fmtArg(axes)} in the pair is not valid; expected an axis or a list of axes, e.g. [[1], [0]]`);
  return list;
}
