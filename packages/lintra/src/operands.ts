/**
 * How NumPy-style functions read their operands: JS values become arrays, JS numbers are
 * weakly typed (they take the dtype of the arrays they meet), dtypes promote, shapes broadcast.
 */
import { ConcreteArray, type DType, type Shape, ShapeError, Tracer, INT32_MAX, INT32_MIN, ValueError, fitsDType, fmtShape, promoteTypes, weakDType } from "@lintra/core-ir";
import { type HostData, fromHost } from "./host-data.js";
import * as lax from "./lax.js";

/** Anything accepted where an array is: an array, a JS number or boolean, nested JS arrays, a typed array. */
export type ArrayLike = Tracer | HostData;

/** `x` as an array (JS numbers become float32 scalars, booleans bool), cast to `dtype` when given. */
export function asArray(x: ArrayLike, op: string, dtype?: DType): Tracer {
  if (x instanceof Tracer) return dtype ? cast(x, dtype) : x;
  return fromHost(x, dtype, op);
}

export function cast(x: Tracer, dtype: DType): Tracer {
  return x.dtype === dtype ? x : lax.convertElementType(x, dtype);
}

/** Arrays stay as they are; JS numbers stay weak until the common dtype is known. */
type Weak = number | Tracer;

function commonDType(args: readonly Weak[]): DType {
  const strong = args.filter((a): a is Tracer => a instanceof Tracer).map((a) => a.dtype);
  let d: DType = strong.length ? strong.reduce(promoteTypes) : "float32";
  for (const a of args) if (typeof a === "number") d = promoteTypes(d, weakDType(a, d));
  return d;
}

/**
 * Operands converted to one dtype: the promoted dtype of the arrays, widened by weak JS
 * numbers, then passed through `adjust` (e.g. ints -> float32 for `divide`).
 */
export function promoteArgs(op: string, args: readonly ArrayLike[], adjust: (d: DType) => DType = (d) => d): Tracer[] {
  const weak = args.map((a): Weak => (typeof a === "number" ? a : asArray(a, op)));
  const dtype = adjust(commonDType(weak));
  return weak.map((a) => (typeof a === "number" ? weakScalar(op, a, dtype) : cast(a, dtype)));
}

/** A JS number as a scalar of the operands' dtype; one that int32 cannot hold is refused, as JAX does, not wrapped. */
function weakScalar(op: string, value: number, dtype: DType): Tracer {
  if (!fitsDType(value, dtype)) {
    throw new ValueError(`${op}: the JS number ${value} is out of range for the ${dtype} operands it meets; expected an integer in [${INT32_MIN}, ${INT32_MAX}] (make the array a float array to compute with it)`);
  }
  return ConcreteArray.scalar(value, dtype);
}

function fmtShapes(shapes: readonly Shape[]): string {
  const s = shapes.map(fmtShape);
  return s.length <= 2 ? s.join(" and ") : `${s.slice(0, -1).join(", ")} and ${s[s.length - 1]}`;
}

/** NumPy broadcasting: align trailing dims; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, shapes: readonly Shape[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = ndim - s.length + i;
      if (s[i] === out[j] || s[i] === 1) continue;
      if (out[j] !== 1) throw new ShapeError(`${op}: operands could not be broadcast together with shapes ${fmtShapes(shapes)}`);
      out[j] = s[i];
    }
  }
  return out;
}

/** `x` broadcast to `shape` by NumPy's rule (leading dims added, size-1 dims stretched). */
export function broadcastTo(x: Tracer, shape: Shape, op: string): Tracer {
  const lead = shape.length - x.ndim;
  const ok = lead >= 0 && x.shape.every((d, i) => d === 1 || d === shape[lead + i]);
  if (!ok) throw new ShapeError(`${op}: cannot broadcast an array of shape ${fmtShape(x.shape)} to shape ${fmtShape(shape)}`);
  if (lead === 0 && x.shape.every((d, i) => d === shape[i])) return x;
  return lax.broadcastInDim(x, shape, x.shape.map((_, i) => lead + i));
}

/** Operands broadcast to their common shape. */
export function broadcastArgs(op: string, xs: readonly Tracer[]): Tracer[] {
  const shape = broadcastShapes(op, xs.map((x) => x.shape));
  return xs.map((x) => broadcastTo(x, shape, op));
}

/** Promote, broadcast, apply: the pattern behind every NumPy elementwise function. */
export function elementwise(
  op: string,
  args: readonly ArrayLike[],
  fn: (...xs: Tracer[]) => Tracer,
  adjust?: (d: DType) => DType,
): Tracer {
  return fn(...broadcastArgs(op, promoteArgs(op, args, adjust)));
}

/** dtype adjusters for `promoteArgs`. */
export const toInexact = (d: DType): DType => (d === "int32" || d === "bool" ? "float32" : d);
export const toNumeric = (d: DType): DType => (d === "bool" ? "int32" : d);

/** A scalar of `x`'s dtype, broadcast to `x`'s shape (a literal, broadcast by a staged equation, in programs). */
export function fullLikeScalar(x: Tracer, value: number): Tracer {
  const s = ConcreteArray.scalar(value, x.dtype);
  return x.ndim === 0 ? s : lax.broadcastInDim(s, x.shape, []);
}
