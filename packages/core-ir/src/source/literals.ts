import { type DType, shortDType, toTyped } from "../dtype.js";
import type { ShapedArray } from "../shape.js";

/** The typed-array constructor that holds each dtype (bool: one 0/1 byte per element). */
export const TYPED_ARRAY: Record<DType, string> = {
  float32: "Float32Array",
  float64: "Float64Array",
  int32: "Int32Array",
  bool: "Uint8Array",
};

/**
 * A number as JavaScript source that evaluates to exactly it. `NaN` and `Infinity` are
 * globals, which the generated code must not rely on, so they are written as divisions.
 * `String` gives the shortest text that reads back as the same double.
 */
export function numberSource(v: number): string {
  if (v !== v) return "0 / 0";
  if (v === Infinity) return "1 / 0";
  if (v === -Infinity) return "-1 / 0";
  if (Object.is(v, -0)) return "-0";
  return String(v);
}

/** `numberSource`, parenthesised unless it is a plain non-negative literal: safe as any operand. */
export function numberOperand(v: number): string {
  const s = numberSource(v);
  return /^[0-9.]+(e[+-]?[0-9]+)?$/.test(s) ? s : `(${s})`;
}

/** A scalar of `dtype` as stored: float32 rounded, int32 wrapped, bool 0/1 (as the backends store literals). */
export const storedValue = (value: number, dtype: DType): number => toTyped(dtype, [value])[0];

/** `new Float32Array(n)`: a zero-filled array for a value of this type. */
export const allocSource = (aval: ShapedArray): string => `new ${TYPED_ARRAY[aval.dtype]}(${aval.size})`;

/** `new Float32Array(n).fill(value)`, leaving out the fill where it changes nothing (+0, or no elements). */
export function filledSource(aval: ShapedArray, value: string, literal: number | undefined): string {
  const noop = aval.size === 0 || (literal !== undefined && Object.is(literal, 0));
  return noop ? allocSource(aval) : `${allocSource(aval)}.fill(${value})`;
}

const PER_LINE = 12;

/**
 * A typed-array literal holding `data`, e.g. `new Int32Array([1, 2, 3])`; long ones wrap
 * every few values, continuation lines indented by `indent`.
 */
export function typedArrayLiteral(dtype: DType, data: ArrayLike<number>, indent = ""): string {
  const ctor = TYPED_ARRAY[dtype];
  if (data.length === 0) return `new ${ctor}(0)`;
  const values = Array.from(data, numberSource);
  if (values.length <= PER_LINE) return `new ${ctor}([${values.join(", ")}])`;
  const rows: string[] = [];
  for (let i = 0; i < values.length; i += PER_LINE) rows.push(values.slice(i, i + PER_LINE).join(", "));
  return `new ${ctor}([\n${indent}  ${rows.join(`,\n${indent}  `)},\n${indent}])`;
}

/** `c:f32[2,3]`, as the pretty printer writes a binder. */
export const typedName = (name: string, aval: ShapedArray): string => `${name}:${shortDType(aval.dtype)}[${aval.shape.join(",")}]`;
