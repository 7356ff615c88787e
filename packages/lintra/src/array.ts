/**
 * Methods on every array. Arrays are core-ir tracers (concrete arrays eagerly, tracers of
 * transformations inside them), so one method works in both places.
 */
import { type AnyTypedArray, type DType, Tracer } from "@lintra/core-ir";
import type { ArrayLike } from "./operands.js";
import { type NestedValue, data, dataSync, formatArray, item, toArray } from "./readback.js";
import { type SliceSpec, sliceArray } from "./slicing.js";
import { add, divide, multiply, negative, power, subtract } from "./np/arithmetic.js";
import { astype } from "./np/creation.js";
import { matmul } from "./np/linalg.js";
import { type Axis, type ReduceOptions, argmax, argmin, max, mean, min, prod, sum } from "./np/reductions.js";
import { expandDims, ravel, reshape, squeeze, transpose } from "./np/shape.js";

declare module "@lintra/core-ir" {
  interface Tracer {
    add(y: ArrayLike): Tracer;
    sub(y: ArrayLike): Tracer;
    mul(y: ArrayLike): Tracer;
    /** True division (integers give float32). */
    div(y: ArrayLike): Tracer;
    neg(): Tracer;
    pow(y: ArrayLike): Tracer;
    matmul(y: ArrayLike): Tracer;
    sum(axis?: Axis, options?: ReduceOptions): Tracer;
    mean(axis?: Axis, options?: ReduceOptions): Tracer;
    max(axis?: Axis, options?: ReduceOptions): Tracer;
    min(axis?: Axis, options?: ReduceOptions): Tracer;
    prod(axis?: Axis, options?: ReduceOptions): Tracer;
    argmax(axis?: number | null, options?: ReduceOptions): Tracer;
    argmin(axis?: number | null, options?: ReduceOptions): Tracer;
    /** `x.reshape(2, -1)` or `x.reshape([2, -1])`. */
    reshape(...shape: number[] | [readonly number[]]): Tracer;
    /** Reverses the axes when none are given; `x.transpose(1, 0)` or `x.transpose([1, 0])`. */
    transpose(...axes: number[] | [readonly number[]]): Tracer;
    /** The transpose (axes reversed). */
    readonly T: Tracer;
    astype(dtype: DType): Tracer;
    flatten(): Tracer;
    squeeze(axis?: number | readonly number[] | null): Tracer;
    expandDims(axis: number | readonly number[]): Tracer;
    /** Basic indexing: an integer, null (whole axis) or [start, stop, step?] per axis. */
    slice(...specs: SliceSpec[]): Tracer;
    /** Nested JS arrays (a number or boolean for a 0-d array). Concrete arrays only. */
    toArray<T = NestedValue>(): T;
    /** A fresh typed array of the values. Concrete arrays only. */
    dataSync(): AnyTypedArray;
    /** The value of a size-1 array (a boolean for bool arrays). Concrete arrays only. */
    item<T extends number | boolean = number>(): T;
    data(): Promise<AnyTypedArray>;
    /** `Array([1, 2], dtype=float32)`, or the type of an abstract array. */
    toString(): string;
  }
}

/** Rest arguments that may also be given as one array. */
const spread = (args: readonly (number | readonly number[])[]): number[] => (args.length === 1 && Array.isArray(args[0]) ? [...args[0]] : (args as number[]));

const methods: { [K in keyof Tracer]?: (this: Tracer, ...args: never[]) => unknown } = {
  add(this: Tracer, y: ArrayLike) {
    return add(this, y);
  },
  sub(this: Tracer, y: ArrayLike) {
    return subtract(this, y);
  },
  mul(this: Tracer, y: ArrayLike) {
    return multiply(this, y);
  },
  div(this: Tracer, y: ArrayLike) {
    return divide(this, y);
  },
  neg(this: Tracer) {
    return negative(this);
  },
  pow(this: Tracer, y: ArrayLike) {
    return power(this, y);
  },
  matmul(this: Tracer, y: ArrayLike) {
    return matmul(this, y);
  },
  sum(this: Tracer, axis?: Axis, options?: ReduceOptions) {
    return sum(this, axis, options);
  },
  mean(this: Tracer, axis?: Axis, options?: ReduceOptions) {
    return mean(this, axis, options);
  },
  max(this: Tracer, axis?: Axis, options?: ReduceOptions) {
    return max(this, axis, options);
  },
  min(this: Tracer, axis?: Axis, options?: ReduceOptions) {
    return min(this, axis, options);
  },
  prod(this: Tracer, axis?: Axis, options?: ReduceOptions) {
    return prod(this, axis, options);
  },
  argmax(this: Tracer, axis?: number | null, options?: ReduceOptions) {
    return argmax(this, axis, options);
  },
  argmin(this: Tracer, axis?: number | null, options?: ReduceOptions) {
    return argmin(this, axis, options);
  },
  reshape(this: Tracer, ...shape: (number | readonly number[])[]) {
    return reshape(this, spread(shape));
  },
  transpose(this: Tracer, ...axes: (number | readonly number[])[]) {
    return transpose(this, axes.length ? spread(axes) : undefined);
  },
  astype(this: Tracer, dtype: DType) {
    return astype(this, dtype);
  },
  flatten(this: Tracer) {
    return ravel(this);
  },
  squeeze(this: Tracer, axis?: number | readonly number[] | null) {
    return squeeze(this, axis);
  },
  expandDims(this: Tracer, axis: number | readonly number[]) {
    return expandDims(this, axis);
  },
  slice(this: Tracer, ...specs: SliceSpec[]) {
    return sliceArray(this, ...specs);
  },
  toArray(this: Tracer) {
    return toArray(this);
  },
  dataSync(this: Tracer) {
    return dataSync(this);
  },
  item(this: Tracer) {
    return item(this);
  },
  data(this: Tracer) {
    return data(this);
  },
  toString(this: Tracer) {
    return formatArray(this);
  },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tracer.prototype, name, { value: fn, writable: true, configurable: true });
}

Object.defineProperty(Tracer.prototype, "T", {
  get(this: Tracer) {
    return transpose(this);
  },
  configurable: true,
});

Object.defineProperty(Tracer.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value(this: Tracer) {
    return formatArray(this);
  },
  configurable: true,
});
