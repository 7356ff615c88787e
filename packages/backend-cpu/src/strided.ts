import { type AnyTypedArray, type Shape, shapeSize, stridesOf } from "@lintra/core-ir";

/**
 * A strided view of a flat buffer: element [i_0, …, i_{n-1}] of the view lives at
 * `offset + Σ i_d · strides[d]`. Broadcasting is a zero stride, reversal a negative one.
 */
export interface View {
  readonly offset: number;
  readonly strides: readonly number[];
}

/** The row-major view of a buffer of `shape`, starting at `offset`. */
export const contiguous = (shape: Shape, offset = 0): View => ({ offset, strides: stridesOf(shape) });

/**
 * Walk `shape` in row-major order through two views at once, one innermost row at a
 * time: `row(a, aStep, b, bStep, len)` gets each row's start in both views and the steps
 * along it. Every loop over a strided layout in this package goes through here.
 */
export function walkRows(
  shape: Shape,
  a: View,
  b: View,
  row: (a: number, aStep: number, b: number, bStep: number, len: number) => void,
): void {
  const n = shape.length;
  if (shapeSize(shape) === 0) return;
  if (n === 0) return row(a.offset, 0, b.offset, 0, 1);
  const last = n - 1;
  const idx = new Array<number>(n).fill(0);
  let pa = a.offset;
  let pb = b.offset;
  for (;;) {
    row(pa, a.strides[last], pb, b.strides[last], shape[last]);
    let d = last - 1;
    for (; d >= 0; d--) {
      pa += a.strides[d];
      pb += b.strides[d];
      if (++idx[d] < shape[d]) break;
      pa -= a.strides[d] * shape[d];
      pb -= b.strides[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** dst[view of dst] = src[view of src], elementwise over `shape` (converting between dtypes). */
export function copyStrided(shape: Shape, src: ArrayLike<number>, srcView: View, dst: AnyTypedArray, dstView: View): void {
  walkRows(shape, srcView, dstView, (s, ss, d, ds, len) => {
    for (let k = 0; k < len; k++, s += ss, d += ds) dst[d] = src[s];
  });
}

/** The flat offsets of a view's elements, in row-major order of `shape`. */
export function viewOffsets(shape: Shape, view: View): Int32Array {
  const out = new Int32Array(shapeSize(shape));
  walkRows(shape, view, contiguous(shape), (s, ss, d, _ds, len) => {
    for (let k = 0; k < len; k++, s += ss) out[d + k] = s;
  });
  return out;
}

/** The view of `shape` with its axes permuted: view dim i is operand dim perm[i]. */
export function permutedView(shape: Shape, perm: readonly number[]): { shape: number[]; view: View } {
  const strides = stridesOf(shape);
  return { shape: perm.map((p) => shape[p]), view: { offset: 0, strides: perm.map((p) => strides[p]) } };
}
