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

// The functions below run for every NumPy-style call, so they use plain loops, not closures.

function commonDType(args: readonly Weak[]): DType {
  let d: DType | null = null;
  for (const a of args) if (a instanceof Tracer) d = d === null ? a.dtype : promoteTypes(d, a.dtype);
  d ??= "float32";
  for (const a of args) if (typeof a === "number") d = promoteTypes(d, weakDType(a, d));
  return d;
}

/**
 * Operands converted to one dtype: the promoted dtype of the arrays, widened by weak JS
 * numbers, then passed through `adjust` (e.g. ints -> float32 for `divide`).
 * `numbers`: who owns the scalars made for JS numbers (see `weakScalar`).
 */
export function promoteArgs(op: string, args: readonly ArrayLike[], adjust: (d: DType) => DType = (d) => d, numbers: ScalarOwnership = "collected"): Tracer[] {
  const weak = new Array<Weak>(args.length);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    weak[i] = typeof a === "number" ? a : asArray(a, op);
  }
  const dtype = adjust(commonDType(weak));
  const out = new Array<Tracer>(weak.length);
  for (let i = 0; i < weak.length; i++) {
    const a = weak[i];
    out[i] = typeof a === "number" ? weakScalar(op, a, dtype, numbers) : cast(a, dtype);
  }
  return out;
}

/**
 * `"operand"`: the scalar is only ever an operand of the primitive it is passed to, never
 * its result (as in `elementwise`), so inside an eager transformation it is released when
 * the transformation returns, without a finalizer. `"collected"`: an array like any other.
 */
type ScalarOwnership = "collected" | "operand";

/** A JS number as a scalar of the operands' dtype; one that int32 cannot hold is refused, as JAX does, not wrapped. */
function weakScalar(op: string, value: number, dtype: DType, ownership: ScalarOwnership): Tracer {
  if (!fitsDType(value, dtype)) {
    throw new ValueError(`${op}: the JS number ${value} is out of range for the ${dtype} operands it meets; expected an integer in [${INT32_MIN}, ${INT32_MAX}] (make the array a float array to compute with it)`);
  }
  return ConcreteArray.scopedScalar(value, dtype, ownership);
}

function fmtShapes(shapes: readonly Shape[]): string {
  const s = shapes.map(fmtShape);
  return s.length <= 2 ? s.join(" and ") : `${s.slice(0, -1).join(", ")} and ${s[s.length - 1]}`;
}

/** NumPy broadcasting: align trailing dims; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, shapes: readonly Shape[]): number[] {
  let ndim = 0;
  for (const s of shapes) ndim = Math.max(ndim, s.length);
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
  const from = x.shape;
  const lead = shape.length - from.length;
  let ok = lead >= 0;
  let same = lead === 0;
  for (let i = 0; ok && i < from.length; i++) {
    ok = from[i] === 1 || from[i] === shape[lead + i];
    same &&= from[i] === shape[i];
  }
  if (!ok) throw new ShapeError(`${op}: cannot broadcast an array of shape ${fmtShape(from)} to shape ${fmtShape(shape)}`);
  if (same) return x;
  return lax.broadcastInDim(x, shape, from.map((_, i) => lead + i));
}

/** Operands broadcast to their common shape. */
export function broadcastArgs(op: string, xs: readonly Tracer[]): Tracer[] {
  const shapes = new Array<Shape>(xs.length);
  for (let i = 0; i < xs.length; i++) shapes[i] = xs[i].shape;
  const shape = broadcastShapes(op, shapes);
  const out = new Array<Tracer>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = broadcastTo(xs[i], shape, op);
  return out;
}

/**
 * Promote, broadcast, apply: the pattern behind every NumPy elementwise function. `fn`
 * applies primitives to its operands, so a scalar made for a JS number is only ever an
 * operand (see `weakScalar`).
 */
export function elementwise(
  op: string,
  args: readonly ArrayLike[],
  fn: (...xs: Tracer[]) => Tracer,
  adjust?: (d: DType) => DType,
): Tracer {
  // The common case first: arrays of one dtype (kept by `adjust`) and one shape need no
  // promotion and no broadcast.
  if (args.length === 1) {
    const [x] = args;
    if (x instanceof Tracer && (adjust === undefined || adjust(x.dtype) === x.dtype)) return fn(x);
  } else if (args.length === 2) {
    const [x, y] = args;
    if (x instanceof Tracer && y instanceof Tracer && x.aval.equals(y.aval) && (adjust === undefined || adjust(x.dtype) === x.dtype)) return fn(x, y);
  }
  return fn(...broadcastArgs(op, promoteArgs(op, args, adjust, "operand")));
}

/** dtype adjusters for `promoteArgs`. */
export const toInexact = (d: DType): DType => (d === "int32" || d === "bool" ? "float32" : d);
export const toNumeric = (d: DType): DType => (d === "bool" ? "int32" : d);

/** A scalar of `x`'s dtype, broadcast to `x`'s shape (a literal, broadcast by a staged equation, in programs). */
export function fullLikeScalar(x: Tracer, value: number): Tracer {
  const s = ConcreteArray.scalar(value, x.dtype);
  return x.ndim === 0 ? s : lax.broadcastInDim(s, x.shape, []);
}
