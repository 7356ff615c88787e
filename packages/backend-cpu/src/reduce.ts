import { type AnyTypedArray, type DType, type SingleKernelTable, type ShapedArray, allocTyped, isFloat, stridesOf } from "@lintra/core-ir";
import { viewOffsets } from "./strided.js";

type Step = (acc: number, x: number) => number;

/** A monoid per dtype class: the identity (the value of an empty reduction) and the step. */
interface Monoid {
  readonly init: (dtype: DType) => number;
  readonly float: Step;
  readonly int32: Step;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

// Math.max / Math.min propagate NaN; for bool (0/1) they are `or` / `and`.
const SUM: Monoid = { init: () => 0, float: (a, x) => a + x, int32: (a, x) => (a + x) | 0 };
const PROD: Monoid = { init: () => 1, float: (a, x) => a * x, int32: Math.imul };
const MAX: Monoid = {
  init: (d) => (isFloat(d) ? -Infinity : d === "int32" ? INT32_MIN : 0),
  float: Math.max,
  int32: Math.max,
};
const MIN: Monoid = {
  init: (d) => (isFloat(d) ? Infinity : d === "int32" ? INT32_MAX : 1),
  float: Math.min,
  int32: Math.min,
};

/**
 * Offsets of every line along `axes`, split in two: `outer` walks the kept dims in
 * row-major order (one per output element), `inner` walks the reduced dims. Element
 * (o, r) of the reduction is x[outer[o] + inner[r]].
 */
function splitAxes(shape: readonly number[], axes: readonly number[]): { outer: Int32Array; inner: Int32Array } {
  const strides = stridesOf(shape);
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const view = (dims: readonly number[]) => viewOffsets(dims.map((d) => shape[d]), { offset: 0, strides: dims.map((d) => strides[d]) });
  return { outer: view(kept), inner: view(axes) };
}

/**
 * Reduce over `axes` with a monoid. The accumulator is a JS number (a double), so float32
 * sums accumulate in float64 and round once on store; int32 steps wrap exactly.
 */
const reduceKernel =
  (m: Monoid) =>
  ([x]: AnyTypedArray[], [aval]: ShapedArray[], { axes }: { axes: readonly number[] }, out: ShapedArray): AnyTypedArray => {
    const step = isFloat(aval.dtype) ? m.float : m.int32;
    const init = m.init(aval.dtype);
    const { outer, inner } = splitAxes(aval.shape, axes);
    const y = allocTyped(out.dtype, out.size);
    for (let o = 0; o < outer.length; o++) {
      const base = outer[o];
      let acc = init;
      for (let r = 0; r < inner.length; r++) acc = step(acc, x[base + inner[r]]);
      y[o] = acc;
    }
    return y;
  };

/**
 * Index of the first extreme along `axis`, where `better(x, best)` says x beats best.
 * A NaN beats everything and nothing beats it, so the first NaN wins (as in NumPy).
 */
const argKernel =
  (better: (x: number, best: number) => boolean) =>
  ([x]: AnyTypedArray[], [aval]: ShapedArray[], { axis }: { axis: number }, out: ShapedArray): AnyTypedArray => {
    const { outer, inner } = splitAxes(aval.shape, [axis]);
    const y = allocTyped(out.dtype, out.size);
    for (let o = 0; o < outer.length; o++) {
      const base = outer[o];
      let best = x[base];
      let at = 0;
      for (let r = 1; r < inner.length && best === best; r++) {
        const v = x[base + inner[r]];
        if (v !== v || better(v, best)) {
          best = v;
          at = r;
        }
      }
      y[o] = at;
    }
    return y;
  };

/** Inclusive running sum along `axis` (from the end when `reverse`), accumulated in a double. */
function cumsum(x: AnyTypedArray, aval: ShapedArray, axis: number, reverse: boolean): AnyTypedArray {
  const y = allocTyped(aval.dtype, aval.size);
  const { outer } = splitAxes(aval.shape, [axis]);
  const n = aval.shape[axis];
  const stride = stridesOf(aval.shape)[axis];
  const wrap = aval.dtype === "int32";
  for (let o = 0; o < outer.length; o++) {
    let acc = 0;
    for (let k = 0; k < n; k++) {
      const at = outer[o] + (reverse ? n - 1 - k : k) * stride;
      acc = wrap ? (acc + x[at]) | 0 : acc + x[at];
      y[at] = acc;
    }
  }
  return y;
}

export const reduceKernels = {
  reduce_sum: reduceKernel(SUM),
  reduce_prod: reduceKernel(PROD),
  reduce_max: reduceKernel(MAX),
  reduce_min: reduceKernel(MIN),
  argmax: argKernel((x, best) => x > best),
  argmin: argKernel((x, best) => x < best),
  cumsum: ([x], [aval], { axis, reverse }) => cumsum(x, aval, axis, reverse),
} satisfies SingleKernelTable<AnyTypedArray>;
