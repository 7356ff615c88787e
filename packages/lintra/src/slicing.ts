/** Python-style basic slicing: `x.slice(0, null, [1, -1], [null, null, -1])` is x[0, :, 1:-1, ::-1]. */
import { ShapeError, type Tracer, ValueError, fmtShape } from "@lintra/core-ir";
import * as lax from "./lax.js";
import { type ArrayLike, asArray } from "./operands.js";
import { fmtArg } from "./np/arguments.js";
import { reshape } from "./np/shape.js";

/** The call as users write it. */
const OP = "x.slice";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** One axis of a basic index: an integer, null (the whole axis) or [start, stop, step]. */
export type SliceSpec = number | null | undefined | readonly [start?: number | null, stop?: number | null, step?: number | null];

interface AxisSlice {
  start: number;
  limit: number;
  stride: number;
  reverse: boolean;
  drop: boolean;
}

function indexSlice(i: number, n: number, axis: number): AxisSlice {
  const valid = n > 0 ? `an integer in [${-n}, ${n - 1}]` : "no index (the axis is empty)";
  if (!Number.isInteger(i)) throw new ValueError(`${OP}: index ${i} for axis ${axis} is not an integer; expected ${valid}, null or [start, stop, step]`);
  if (i < -n || i >= n) throw new ShapeError(`${OP}: index ${i} is out of bounds for axis ${axis} with size ${n}; expected ${valid}`);
  const k = i < 0 ? i + n : i;
  return { start: k, limit: k + 1, stride: 1, reverse: false, drop: true };
}

/** A slice bound: an integer, or null/undefined for the default. */
function checkBound(name: string, v: unknown, axis: number): void {
  if (v === null || v === undefined || (typeof v === "number" && Number.isInteger(v))) return;
  throw new ValueError(`${OP}: ${name} ${fmtArg(v)} for axis ${axis} is not an integer; expected an integer or null`);
}

/** Python's slice.indices(n): clamp start/stop, then the elements in increasing index order. */
function rangeSlice([start, stop, step]: readonly (number | null | undefined)[], n: number, axis: number): AxisSlice {
  checkBound("start", start, axis);
  checkBound("stop", stop, axis);
  checkBound("step", step, axis);
  const st = step ?? 1;
  if (st === 0) throw new ValueError(`${OP}: step 0 for axis ${axis} is invalid; expected a non-zero integer`);
  const [lower, upper] = st > 0 ? [0, n] : [-1, n - 1];
  const clampEnd = (v: number | null | undefined, dflt: number) => (v === null || v === undefined ? dflt : v < 0 ? Math.max(v + n, lower) : Math.min(v, upper));
  const s = clampEnd(start, st > 0 ? lower : upper);
  const e = clampEnd(stop, st > 0 ? upper : lower);
  const len = Math.max(0, Math.ceil((e - s) / st));
  if (len === 0) return { start: 0, limit: 0, stride: 1, reverse: false, drop: false };
  const first = st > 0 ? s : s + (len - 1) * st;
  return { start: first, limit: first + (len - 1) * Math.abs(st) + 1, stride: Math.abs(st), reverse: st < 0, drop: false };
}

function axisSlice(spec: SliceSpec, n: number, axis: number): AxisSlice {
  if (spec === null || spec === undefined) return { start: 0, limit: n, stride: 1, reverse: false, drop: false };
  if (typeof spec === "number") return indexSlice(spec, n, axis);
  if (Array.isArray(spec) && spec.length <= 3) return rangeSlice(spec, n, axis);
  throw new ValueError(`${OP}: spec ${fmtArg(spec)} for axis ${axis} is invalid; expected an integer, null or [start, stop, step?]`);
}

/**
 * Basic indexing, one spec per leading axis: `x.slice(0, null, [1, -1], [null, null, -1])`
 * is x[0, :, 1:-1, ::-1]. Integer specs drop their axis; missing trailing specs keep it whole.
 */
export function sliceArray(x: ArrayLike, ...specs: SliceSpec[]): Tracer {
  const a = asArray(x, OP);
  if (specs.length > a.ndim) throw new ShapeError(`${OP}: too many indices for an array of shape ${fmtShape(a.shape)}: got ${specs.length}, expected at most ${a.ndim}`);
  const parts = a.shape.map((n, i) => axisSlice(specs[i], n, i));
  const whole = parts.every((p, i) => p.start === 0 && p.limit === a.shape[i] && p.stride === 1);
  let out = whole ? a : lax.slice(a, parts.map((p) => p.start), parts.map((p) => p.limit), parts.some((p) => p.stride !== 1) ? parts.map((p) => p.stride) : null);
  const reversed = range(a.ndim).filter((i) => parts[i].reverse);
  if (reversed.length) out = lax.rev(out, reversed);
  return reshape(out, out.shape.filter((_, i) => !parts[i].drop));
}
