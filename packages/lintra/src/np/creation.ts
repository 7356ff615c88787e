import { type DType, type Shape, Tracer, ValueError, assertDType, checkShape, promoteTypes } from "@lintra/core-ir";
import { type HostData } from "../host-data.js";
import * as lax from "../lax.js";
import { type ArrayLike, asArray, broadcastTo, cast } from "../operands.js";

export interface DTypeOption {
  dtype?: DType;
}

/** Nested JS data that may also hold arrays (stacked, as `jnp.array` does). */
type ArrayData = ArrayLike | readonly ArrayData[];

function holdsArray(x: unknown): boolean {
  return x instanceof Tracer || (Array.isArray(x) && x.some(holdsArray));
}

function stackNested(x: ArrayData, dtype: DType | undefined): Tracer {
  if (!Array.isArray(x) || !holdsArray(x)) return asArray(x as ArrayLike, "array", dtype);
  const parts = (x as readonly ArrayData[]).map((e) => stackNested(e, dtype));
  const d = dtype ?? parts.map((p) => p.dtype).reduce(promoteTypes);
  const shape = parts[0].shape;
  if (parts.some((p) => p.shape.join() !== shape.join())) {
    throw new ValueError(`array: ragged nested array: elements have shapes ${parts.map((p) => `[${p.shape.join(", ")}]`).join(", ")}; expected one shape`);
  }
  return lax.concatenate(parts.map((p) => lax.reshape(cast(p, d), [1, ...shape])), 0);
}

/**
 * An array from nested JS arrays, a typed array, a number or an array (arrays are immutable,
 * so one of the right dtype is returned as it is). float32 by default (bool when every element
 * is a boolean); Float64Array and Int32Array keep their dtype.
 */
export function array(data: ArrayData, { dtype }: DTypeOption = {}): Tracer {
  if (dtype !== undefined) assertDType(dtype, "array");
  if (holdsArray(data)) return stackNested(data, dtype);
  return asArray(data as HostData, "array", dtype);
}

/** The same as `array`. */
export function asarray(data: ArrayData, options: DTypeOption = {}): Tracer {
  return array(data, options);
}

const toShape = (shape: number | Shape, op: string): Shape => checkShape(typeof shape === "number" ? [shape] : shape, op);

/** `shape` filled with `value` (dtype float32 for numbers, bool for booleans, unless given). */
export function full(shape: number | Shape, value: ArrayLike, { dtype }: DTypeOption = {}): Tracer {
  const s = toShape(shape, "full");
  return broadcastTo(asArray(value, "full", dtype), s, "full");
}

export function zeros(shape: number | Shape, { dtype = "float32" }: DTypeOption = {}): Tracer {
  return full(shape, 0, { dtype });
}

export function ones(shape: number | Shape, { dtype = "float32" }: DTypeOption = {}): Tracer {
  return full(shape, 1, { dtype });
}

/** An array like `x` (its shape, and its dtype unless given) filled with `value`. */
export function fullLike(x: Tracer, value: ArrayLike, { dtype }: DTypeOption = {}): Tracer {
  return full(x.shape, value, { dtype: dtype ?? x.dtype });
}

export function zerosLike(x: Tracer, { dtype }: DTypeOption = {}): Tracer {
  return zeros(x.shape, { dtype: dtype ?? x.dtype });
}

export function onesLike(x: Tracer, { dtype }: DTypeOption = {}): Tracer {
  return ones(x.shape, { dtype: dtype ?? x.dtype });
}

/** `iota` along `dimension` of `shape`, times `step`, plus `start`, in `dtype` (one staged expression, no data). */
function affineIota(shape: Shape, dimension: number, start: number, step: number, dtype: DType): Tracer {
  const i = lax.iota(dtype === "bool" ? "int32" : dtype, shape, dimension);
  const scaled = step === 1 ? i : lax.mul(i, full(shape, step, { dtype: i.dtype }));
  const shifted = start === 0 ? scaled : lax.add(scaled, full(shape, start, { dtype: i.dtype }));
  return cast(shifted, dtype);
}

/**
 * `arange(stop)` or `arange(start, stop, step?)`: start, start + step, … below stop.
 * int32 when every argument is an integer, else float32.
 */
export function arange(start: number, stop?: number, step = 1, { dtype }: DTypeOption = {}): Tracer {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(`arange: step is ${step}; expected a finite non-zero number`);
  const d = dtype ?? ([start, stop, step].every(Number.isInteger) ? "int32" : "float32");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  return affineIota([n], 0, start, step, d);
}

export interface LinspaceOptions extends DTypeOption {
  endpoint?: boolean;
}

/** `num` evenly spaced values from start to stop (inclusive unless `endpoint: false`). */
export function linspace(start: number, stop: number, num = 50, { endpoint = true, dtype = "float32" }: LinspaceOptions = {}): Tracer {
  if (!Number.isInteger(num) || num < 0) throw new ValueError(`linspace: num is ${num}; expected a non-negative integer`);
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  const values = affineIota([num], 0, start, step, dtype);
  if (!endpoint || num < 2) return values;
  // The last value is `stop` exactly, not start + (num - 1)·step rounded.
  const isLast = lax.eq(lax.iota("int32", [num], 0), full([num], num - 1, { dtype: "int32" }));
  return lax.select(isLast, full([num], stop, { dtype }), values);
}

export interface EyeOptions extends DTypeOption {
  /** Diagonal offset: 0 main, > 0 above, < 0 below. */
  k?: number;
}

/** An n × m matrix with ones on diagonal k. */
export function eye(n: number, m = n, { k = 0, dtype = "float32" }: EyeOptions = {}): Tracer {
  checkShape([n, m], "eye");
  const row = affineIota([n, m], 0, k, 1, "int32");
  const col = lax.iota("int32", [n, m], 1);
  return cast(lax.eq(row, col), dtype);
}

/** A copy of x converted to `dtype` (float -> int32 truncates toward zero; -> bool is x != 0). */
export function astype(x: ArrayLike, dtype: DType): Tracer {
  return asArray(x, "astype", assertDType(dtype, "astype"));
}
