import { type DType, INT32_MAX, INT32_MIN, type Shape, Tracer, ValueError, assertDType, fitsDType, fmtShape, isFloat, promoteTypes } from "@lintra/core-ir";
import { type HostData, MAX_NESTING, nestingError } from "../host-data.js";
import * as lax from "../lax.js";
import { type ArrayLike, asArray, broadcastTo, cast } from "../operands.js";
import { finiteArg, flagOption, integerArg, readOptions, shapeArg } from "./arguments.js";

export interface DTypeOption {
  dtype?: DType;
}

/** Nested JS data that may also hold arrays (stacked, as `jnp.array` does). */
type ArrayData = ArrayLike | readonly ArrayData[];

/** Whether nested data holds arrays; nesting deeper than MAX_NESTING is refused before it is walked further. */
function holdsArray(x: unknown, op: string, depth = 0): boolean {
  if (x instanceof Tracer) return true;
  if (!Array.isArray(x)) return false;
  if (depth === MAX_NESTING) throw nestingError(op);
  for (let i = 0; i < x.length; i++) {
    const e: unknown = x[i];
    // A hole or undefined is bad data: the host reader names it; no need to look further
    // (and no walk over the whole claimed length of a sparse array).
    if (e === undefined) return false;
    if (holdsArray(e, op, depth + 1)) return true;
  }
  return false;
}

function stackNested(x: ArrayData, dtype: DType | undefined, op: string): Tracer {
  if (!Array.isArray(x) || !holdsArray(x, op)) return asArray(x as ArrayLike, op, dtype);
  const parts = (x as readonly ArrayData[]).map((e) => stackNested(e, dtype, op));
  const d = dtype ?? parts.map((p) => p.dtype).reduce(promoteTypes);
  const shape = parts[0].shape;
  if (parts.some((p) => p.shape.join() !== shape.join())) {
    throw new ValueError(`${op}: ragged nested array: elements have shapes ${parts.map((p) => fmtShape(p.shape)).join(", ")}; expected one shape`);
  }
  return lax.concatenate(parts.map((p) => lax.reshape(cast(p, d), [1, ...shape])), 0);
}

function arrayFrom(op: string, data: ArrayData, options: DTypeOption | undefined): Tracer {
  const { dtype } = readOptions(op, options, ["dtype"]);
  if (dtype !== undefined) assertDType(dtype, op);
  if (holdsArray(data, op)) return stackNested(data, dtype, op);
  return asArray(data as HostData, op, dtype);
}

/**
 * An array from nested JS arrays, a typed array, a number or an array (arrays are immutable,
 * so one of the right dtype is returned as it is). float32 by default (bool when every element
 * is a boolean); Float64Array and Int32Array keep their dtype.
 */
export function array(data: ArrayData, options?: DTypeOption): Tracer {
  return arrayFrom("np.array", data, options);
}

/** The same as `array`. */
export function asarray(data: ArrayData, options?: DTypeOption): Tracer {
  return arrayFrom("np.asarray", data, options);
}

/** `shape` (checked before anything is allocated) filled with `value`. */
function filled(op: string, shape: unknown, value: ArrayLike, options: DTypeOption | undefined, defaultDType?: DType): Tracer {
  const { dtype = defaultDType } = readOptions(op, options, ["dtype"]);
  const s = shapeArg(op, shape);
  return broadcastTo(asArray(value, op, dtype), s, op);
}

/** `shape` filled with `value` (dtype float32 for numbers, bool for booleans, unless given). */
export function full(shape: number | Shape, value: ArrayLike, options?: DTypeOption): Tracer {
  return filled("np.full", shape, value, options);
}

export function zeros(shape: number | Shape, options?: DTypeOption): Tracer {
  return filled("np.zeros", shape, 0, options, "float32");
}

export function ones(shape: number | Shape, options?: DTypeOption): Tracer {
  return filled("np.ones", shape, 1, options, "float32");
}

/** An array like `x` (its shape, and its dtype unless given) filled with `value`. */
function filledLike(op: string, x: ArrayLike, value: ArrayLike, options: DTypeOption | undefined): Tracer {
  const a = asArray(x, op);
  const { dtype = a.dtype } = readOptions(op, options, ["dtype"]);
  return filled(op, a.shape, value, { dtype });
}

export function fullLike(x: ArrayLike, value: ArrayLike, options?: DTypeOption): Tracer {
  return filledLike("np.fullLike", x, value, options);
}

export function zerosLike(x: ArrayLike, options?: DTypeOption): Tracer {
  return filledLike("np.zerosLike", x, 0, options);
}

export function onesLike(x: ArrayLike, options?: DTypeOption): Tracer {
  return filledLike("np.onesLike", x, 1, options);
}

/**
 * `iota` along `dimension` of `shape`, times `step`, plus `start`, in `dtype` (one staged
 * expression, no data). Integer results with a fractional start or step are computed in
 * float32 and then truncated.
 */
function affineIota(op: string, shape: Shape, dimension: number, start: number, step: number, dtype: DType): Tracer {
  const work: DType = isFloat(dtype) ? dtype : Number.isInteger(start) && Number.isInteger(step) ? "int32" : "float32";
  const i = lax.iota(work, shape, dimension);
  const scaled = step === 1 ? i : lax.mul(i, filled(op, shape, step, { dtype: work }));
  const shifted = start === 0 ? scaled : lax.add(scaled, filled(op, shape, start, { dtype: work }));
  return cast(shifted, dtype);
}

/** int32 results must not wrap: the first and the last value must fit (JAX refuses them too). */
function checkEnds(op: string, first: number, last: number, dtype: DType): void {
  for (const v of [first, last]) {
    if (!fitsDType(v, dtype)) throw new ValueError(`${op}: value ${v} is out of range for ${dtype}; expected values in [${INT32_MIN}, ${INT32_MAX}] (use a float dtype)`);
  }
}

/**
 * `arange(stop)` or `arange(start, stop, step?)`: start, start + step, … below stop.
 * int32 when every argument is an integer, else float32.
 */
export function arange(start: number, stop?: number, step = 1, options?: DTypeOption): Tracer {
  const op = "np.arange";
  const { dtype } = readOptions(op, options, ["dtype"]);
  if (stop === undefined) [start, stop] = [0, start];
  const [a, b, s] = [finiteArg(op, "start", start), finiteArg(op, "stop", stop), finiteArg(op, "step", step)];
  if (s === 0) throw new ValueError(`${op}: step is 0; expected a finite non-zero number`);
  const d = dtype === undefined ? ([a, b, s].every(Number.isInteger) ? "int32" : "float32") : assertDType(dtype, op);
  const n = Math.max(0, Math.ceil((b - a) / s));
  if (!(n <= Number.MAX_SAFE_INTEGER)) {
    throw new ValueError(`${op}: start ${a}, stop ${b} and step ${s} give ${n} elements; expected at most 2^53 - 1`);
  }
  if (n > 0) checkEnds(op, a, a + (n - 1) * s, d);
  return affineIota(op, [n], 0, a, s, d);
}

export interface LinspaceOptions extends DTypeOption {
  endpoint?: boolean;
}

/** `num` evenly spaced values from start to stop (inclusive unless `endpoint: false`). */
export function linspace(start: number, stop: number, num = 50, options?: LinspaceOptions): Tracer {
  const op = "np.linspace";
  const { endpoint: endpointOption, dtype = "float32" } = readOptions(op, options, ["endpoint", "dtype"]);
  const endpoint = flagOption(op, "endpoint", endpointOption, true);
  assertDType(dtype, op);
  const [a, b] = [finiteArg(op, "start", start), finiteArg(op, "stop", stop)];
  const [n] = shapeArg(op, [integerArg(op, "num", num)]);
  checkEnds(op, a, b, dtype);
  const div = endpoint ? n - 1 : n;
  const step = div > 0 ? (b - a) / div : 0;
  const values = affineIota(op, [n], 0, a, step, dtype);
  if (!endpoint || n < 2) return values;
  // The last value is `stop` exactly, not start + (num - 1)·step rounded.
  const isLast = lax.eq(lax.iota("int32", [n], 0), filled(op, [n], n - 1, { dtype: "int32" }));
  return lax.select(isLast, filled(op, [n], b, { dtype }), values);
}

export interface EyeOptions extends DTypeOption {
  /** Diagonal offset: 0 main, > 0 above, < 0 below. */
  k?: number;
}

/** An n × m matrix with ones on diagonal k. */
export function eye(n: number, m?: number | null, options?: EyeOptions): Tracer {
  const op = "np.eye";
  const { k = 0, dtype = "float32" } = readOptions(op, options, ["k", "dtype"]);
  assertDType(dtype, op);
  const rows = integerArg(op, "n", n);
  const cols = m === undefined || m === null ? rows : integerArg(op, "m", m);
  const shape = shapeArg(op, [rows, cols]);
  const offset = Math.max(-rows, Math.min(cols, integerArg(op, "k", k, -Infinity)));
  const row = affineIota(op, shape, 0, offset, 1, "int32");
  const col = lax.iota("int32", shape, 1);
  return cast(lax.eq(row, col), dtype);
}

/** A copy of x converted to `dtype` (float -> int32 truncates toward zero; -> bool is x != 0). */
export function astype(x: ArrayLike, dtype: DType): Tracer {
  return asArray(x, "np.astype", assertDType(dtype, "np.astype"));
}
