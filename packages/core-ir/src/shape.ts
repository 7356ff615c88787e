import { type DType, shortDType } from "./dtype.js";
import { ShapeError } from "./errors.js";

export type Shape = readonly number[];

/** The abstract value of an array: its shape and dtype, nothing else. */
export class ShapedArray {
  readonly shape: Shape;
  constructor(
    shape: Shape,
    readonly dtype: DType,
  ) {
    this.shape = Object.freeze([...shape]);
  }
  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return shapeSize(this.shape);
  }
  equals(other: ShapedArray): boolean {
    return this.dtype === other.dtype && shapesEqual(this.shape, other.shape);
  }
  withDType(dtype: DType): ShapedArray {
    return new ShapedArray(this.shape, dtype);
  }
  toString(): string {
    return `${shortDType(this.dtype)}[${this.shape.join(",")}]`;
  }
}

export const shapeSize = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export const fmtShape = (shape: Shape): string => `[${shape.join(", ")}]`;

/** Normalise a possibly negative axis against `ndim`, or throw a ShapeError naming `op`. */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for an array of rank ${ndim}; expected an integer in [${-ndim}, ${ndim - 1}]`);
  }
  return axis < 0 ? axis + ndim : axis;
}

export function isValidShape(shape: unknown): shape is Shape {
  return Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0);
}

export function checkShape(shape: unknown, op: string): Shape {
  if (!isValidShape(shape)) throw new ShapeError(`${op}: invalid shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
  return shape;
}

/** True when `perm` is a permutation of 0..n-1. */
export function isPermutation(perm: readonly number[], n: number): boolean {
  if (perm.length !== n) return false;
  const seen = new Set(perm);
  return seen.size === n && perm.every((p) => Number.isInteger(p) && p >= 0 && p < n);
}
