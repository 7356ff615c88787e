/**
 * How np and nn functions read their arguments other than arrays: axes, option objects,
 * integer counts, shapes and lists of arrays. Each failure is a typed error naming the call
 * as the user wrote it (`np.sum`, `nn.softmax`) and saying what it expected.
 */
import { type Shape, ShapeError, Tracer, ValueError, checkOptions, checkShape, fmtValue, normalizeAxis } from "@lintra/core-ir";

/** An axis argument: one axis, several, or null for all of them. */
export type Axis = number | readonly number[] | null;

/** `v` as a message shows it: arrays by their type (`f32[2,3]`), JS values as they print. */
export function fmtArg(v: unknown): string {
  return v instanceof Tracer ? `an array ${v.aval}` : fmtValue(v);
}

const isPlainObject = (v: unknown): boolean =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tracer) && [Object.prototype, null].includes(Object.getPrototypeOf(v));

/** An axis of the wrong kind; a plain object was most likely meant as the options, which go third. */
function axisKindError(call: string, axis: unknown, expected: string, optionsThird: boolean): ValueError {
  const hint = optionsThird && isPlainObject(axis) ? `; options go third: ${call}(x, null, ${fmtValue(axis)})` : "";
  return new ValueError(`${call}: axis ${fmtArg(axis)} is not valid; expected ${expected}${hint}`);
}

/** One axis, an integer in [-ndim, ndim), returned non-negative. */
export function axisArg(call: string, axis: unknown, ndim: number, optionsThird = false): number {
  if (typeof axis !== "number") throw axisKindError(call, axis, "an integer", optionsThird);
  if (!Number.isInteger(axis)) {
    const range = ndim > 0 ? `an integer in [${-ndim}, ${ndim - 1}]` : "no axis (the array has rank 0)";
    throw new ShapeError(`${call}: axis ${axis} is not an integer; expected ${range}`);
  }
  return normalizeAxis(axis, ndim, call);
}

/** One axis, or null (null and undefined both mean "no axis given"). */
export function optionalAxisArg(call: string, axis: unknown, ndim: number, optionsThird = false): number | null {
  if (axis === null || axis === undefined) return null;
  if (typeof axis !== "number") throw axisKindError(call, axis, "an integer or null", optionsThird);
  return axisArg(call, axis, ndim);
}

/** A number or a list of numbers as distinct non-negative axes (in the order given); null when null or undefined. */
export function axesArg(call: string, axis: unknown, ndim: number, optionsThird = false): number[] | null {
  if (axis === null || axis === undefined) return null;
  const list = typeof axis === "number" ? [axis] : Array.isArray(axis) ? axis : undefined;
  if (!list || list.some((a) => typeof a !== "number")) throw axisKindError(call, axis, "an integer, an array of integers or null", optionsThird);
  const axes = list.map((a) => axisArg(call, a, ndim));
  if (new Set(axes).size !== axes.length) throw new ShapeError(`${call}: repeated axis in ${fmtValue(axis)}; expected distinct axes`);
  return axes;
}

/** The axes a reduction runs over, sorted: every axis when `axis` is null or omitted. */
export function reduceAxes(call: string, axis: unknown, ndim: number, optionsThird = true): number[] {
  const axes = axesArg(call, axis, ndim, optionsThird) ?? Array.from({ length: ndim }, (_, i) => i);
  return axes.sort((a, b) => a - b);
}

/** The options object (`{}` when omitted), every key in `allowed`. */
export function readOptions<T extends object>(call: string, options: T | undefined, allowed: readonly (keyof T & string)[]): Partial<T> {
  checkOptions(call, options, allowed);
  return options ?? {};
}

/** A boolean option: `dflt` when absent. */
export function flagOption(call: string, name: string, value: unknown, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (typeof value !== "boolean") throw new ValueError(`${call}: option ${name} is ${fmtArg(value)}; expected true or false`);
  return value;
}

/** A count, size or offset: an integer not below `min` (any integer when `min` is -Infinity). */
export function integerArg(call: string, name: string, value: unknown, min = 0): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= min) return value;
  const expected = min === 0 ? "a non-negative integer" : min === -Infinity ? "an integer" : `an integer >= ${min}`;
  throw new ValueError(`${call}: ${name} is ${fmtArg(value)}; expected ${expected}`);
}

/** A finite JS number. */
export function finiteArg(call: string, name: string, value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  throw new ValueError(`${call}: ${name} is ${fmtArg(value)}; expected a finite number`);
}

/** A shape: a non-negative integer (one dimension) or an array of them. */
export function shapeArg(call: string, shape: unknown): Shape {
  return checkShape(typeof shape === "number" ? [shape] : shape, call);
}

/** Shape-like sizes before their entries are checked: a number becomes one entry; anything but numbers is refused. */
export function sizesArg(call: string, sizes: unknown): number[] {
  const list = typeof sizes === "number" ? [sizes] : Array.isArray(sizes) ? [...(sizes as unknown[])] : undefined;
  if (!list || list.some((d) => typeof d !== "number")) {
    throw new ShapeError(`${call}: shape ${fmtArg(sizes)} is not a number or an array of numbers; expected a shape like [2, 3]`);
  }
  return list as number[];
}

/** A non-empty JS list of arrays (not an array itself: `np.concatenate([x, y])`). */
export function arrayListArg<T>(call: string, arrays: unknown): readonly T[] {
  if (!Array.isArray(arrays)) {
    throw new ValueError(`${call}: expected a list of arrays such as ${call}([x, y]), got ${fmtArg(arrays)}; wrap a single array in a list`);
  }
  if (arrays.length === 0) throw new ValueError(`${call}: need at least one array, got an empty list; expected a list of arrays`);
  return arrays as T[];
}
