import { type DType, shortDType } from "./dtype.js";
import { ShapeError } from "./errors.js";

export type Shape = readonly number[];

/** The abstract value of an array: its shape and dtype, nothing else. */
export class ShapedArray {
  readonly shape: Shape;
  readonly #size: number;
  #text: string | null = null;
  constructor(
    shape: Shape,
    readonly dtype: DType,
  ) {
    this.shape = Object.freeze([...shape]);
    this.#size = shapeSize(this.shape);
  }
  get ndim(): number {
    return this.shape.length;
  }
  /** Elements: the product of the shape (computed once; avals are immutable). */
  get size(): number {
    return this.#size;
  }
  equals(other: ShapedArray): boolean {
    return this === other || (this.dtype === other.dtype && shapesEqual(this.shape, other.shape));
  }
  withDType(dtype: DType): ShapedArray {
    return new ShapedArray(this.shape, dtype);
  }
  /** `f32[2,3]`: also what kernel caches key on, so it is formed once. */
  toString(): string {
    return (this.#text ??= `${shortDType(this.dtype)}[${this.shape.join(",")}]`);
  }
}

const scalarAvals = new Map<DType, ShapedArray>();

/** The aval of a scalar of `dtype`, one object per dtype (avals are immutable, so it is shared). */
export function scalarAval(dtype: DType): ShapedArray {
  let aval = scalarAvals.get(dtype);
  if (aval === undefined) scalarAvals.set(dtype, (aval = new ShapedArray([], dtype)));
  return aval;
}

export const shapeSize = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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

const LISTED = 8;

/**
 * A JS value as a message shows it: numbers as JS prints them (NaN, Infinity), strings
 * quoted, arrays and plain objects bracketed (long or deep ones shortened), anything else
 * by its kind.
 */
export function fmtValue(v: unknown, depth = 0): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v !== "object" || v === null) return String(v);
  if (depth > 2) return Array.isArray(v) ? "[…]" : "{…}";
  if (Array.isArray(v)) {
    const shown = v.slice(0, LISTED).map((e) => fmtValue(e, depth + 1));
    return `[${shown.join(", ")}${v.length > LISTED ? `, … (${v.length} entries)` : ""}]`;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return `a ${(v as object).constructor?.name ?? "object"}`;
  const entries = Object.entries(v).slice(0, LISTED).map(([k, e]) => `${k}: ${fmtValue(e, depth + 1)}`);
  return entries.length ? `{ ${entries.join(", ")} }` : "{}";
}

/** Normalise a possibly negative axis against `ndim`, or throw a ShapeError naming `op`. */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  if (!Number.isInteger(axis)) throw new ShapeError(`${op}: axis ${axis} is not an integer; expected an integer in [${-ndim}, ${ndim - 1}]`);
  if (axis < -ndim || axis >= ndim) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for an array of rank ${ndim}; expected an integer in [${-ndim}, ${ndim - 1}]`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Why `shape` is not a shape (an array of non-negative integers of exact size), or undefined. */
function shapeProblem(shape: unknown): string | undefined {
  if (!Array.isArray(shape)) return "it is not an array";
  const bad = shape.findIndex((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0);
  if (bad >= 0) return `entry ${bad} is ${fmtValue(shape[bad])}`;
  if (shapeSize(shape) > Number.MAX_SAFE_INTEGER) return `it has ${shapeSize(shape)} elements, more than 2^53 - 1`;
  return undefined;
}

export function isValidShape(shape: unknown): shape is Shape {
  return shapeProblem(shape) === undefined;
}

/** `shape` when it is an array of non-negative integers (of at most 2^53 - 1 elements), else a ShapeError naming `op`. */
export function checkShape(shape: unknown, op: string): Shape {
  const problem = shapeProblem(shape);
  if (problem) throw new ShapeError(`${op}: invalid shape ${fmtValue(shape)} (${problem}); expected an array of non-negative integers`);
  return shape as Shape;
}

/** True when `perm` is a permutation of 0..n-1. */
export function isPermutation(perm: readonly number[], n: number): boolean {
  if (perm.length !== n) return false;
  const seen = new Set(perm);
  return seen.size === n && perm.every((p) => Number.isInteger(p) && p >= 0 && p < n);
}
