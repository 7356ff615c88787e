import { type Shape, shapeSize, stridesOf } from "../shape.js";
import type { Operand } from "./types.js";
import type { SourceWriter } from "./writer.js";

/** A loop index variable, or null for a dimension of size 1 (index always 0, no loop). */
export type Index = string | null;

/** Where a view's element [i_0, …] lives in a flat array: offset + Σ i_d · strides[d]. */
export interface View {
  /** A number, or the name of a local computed at run time (dynamic_slice's start). */
  readonly offset: number | string;
  readonly strides: readonly number[];
}

/** The row-major view of an array of `shape`. */
export const contiguous = (shape: Shape, offset: number | string = 0): View => ({ offset, strides: stridesOf(shape) });

/**
 * The flat index `offset + i0 * s0 + i1 * s1 …` as short as it reads: size-1 dims and zero
 * strides dropped, `* 1` omitted, negative strides subtracted.
 */
export function affine(view: View, idx: readonly Index[]): string {
  const terms: string[] = [];
  idx.forEach((i, d) => {
    const s = view.strides[d];
    if (i === null || s === 0) return;
    const term = Math.abs(s) === 1 ? i : `${i} * ${Math.abs(s)}`;
    terms.push(s < 0 ? `- ${term}` : `+ ${term}`);
  });
  if (view.offset !== 0) return [String(view.offset), ...terms].join(" ");
  if (terms.length === 0) return "0";
  const [first, ...rest] = terms;
  return [first.startsWith("-") ? "-" + first.slice(2) : first.slice(2), ...rest].join(" ");
}

/**
 * Nested `for` loops over `shape` in row-major order (last dim innermost); `body` writes
 * the innermost statements given one index per dim. Nothing is written for an empty shape.
 * `scoped`: the body always sits inside braces (it declares locals), even with no loop.
 */
export function loopNest(w: SourceWriter, shape: Shape, body: (idx: Index[]) => void, scoped = false): void {
  if (shapeSize(shape) === 0) return;
  const idx = shape.map((n) => (n === 1 ? null : w.fresh("i")));
  const open = (d: number): void => {
    if (d === shape.length) return body(idx);
    const i = idx[d];
    if (i === null) return open(d + 1);
    w.loop(`for (let ${i} = 0; ${i} < ${shape[d]}; ${i}++)`, () => open(d + 1));
  };
  if (scoped && idx.every((i) => i === null)) w.block("{", () => body(idx));
  else open(0);
}

/** dst[dstView] op= src[srcView], elementwise over `shape` (`op` is "=" or "+="). */
export function copyStrided(w: SourceWriter, shape: Shape, src: Operand, srcView: View, dst: string, dstView: View, op = "="): void {
  loopNest(w, shape, (idx) => w.line(`${dst}[${affine(dstView, idx)}] ${op} ${src.at(affine(srcView, idx))};`));
}

/** `Math.min(Math.max(x, 0), hi)`: an index clamped into [0, hi] (indices are int32, never NaN). */
export const clampSource = (x: string, hi: number): string => (hi === 0 ? "0" : `Math.min(Math.max(${x}, 0), ${hi})`);
