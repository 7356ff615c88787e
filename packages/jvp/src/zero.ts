import { type ShapedArray, type Tracer, isFloat, ops } from "@lintra/core-ir";

/**
 * A symbolic zero tangent (or cotangent): known to be zero, never materialised,
 * never computed with. Integer and bool values always have zero tangents.
 */
export class Zero {
  private readonly symbolicZero = true;
  constructor(readonly aval: ShapedArray) {}
}

export type Tangent = Tracer | Zero;

export const isZero = (t: unknown): t is Zero => t instanceof Zero;

/** A real array for a tangent that may be a symbolic zero. */
export function instantiate(t: Tangent): Tracer {
  return t instanceof Zero ? ops.zerosLike(t.aval) : t;
}

/** Sum of tangents, skipping symbolic zeros. */
export function addTangents(a: Tangent, b: Tangent): Tangent {
  if (a instanceof Zero) return b;
  if (b instanceof Zero) return a;
  return ops.add(a, b);
}

/** Whether values of this aval carry tangents at all (floats do; int32 and bool don't). */
export const hasTangent = (aval: ShapedArray): boolean => isFloat(aval.dtype);
