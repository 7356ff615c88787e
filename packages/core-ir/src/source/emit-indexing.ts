import { type Shape, shapeSize, stridesOf } from "../shape.js";
import { allocSource } from "./literals.js";
import { type View, affine, contiguous, copyStrided, loopNest } from "./loops.js";
import type { Operand, Output, SourceEmitterTable } from "./types.js";
import type { SourceWriter } from "./writer.js";

/*
 * Indexing primitives, as backend-cpu computes them: indices are clamped into range (never
 * an error, never out of bounds); gather and scatter_add visit index positions in row-major
 * order, and scatter_add adds in place, rounding each sum on store, so duplicates
 * accumulate in that order.
 */

interface ClampedTerm {
  /** The index array, and which of its elements (an expression). */
  readonly index: Operand;
  readonly at: string;
  /** The largest index allowed. */
  readonly hi: number;
  readonly stride: number;
}

const clamp = (v: number, hi: number): number => (v < 0 ? 0 : v > hi ? hi : v);

/**
 * Σ clamp(index, 0, hi) · stride as an expression: terms that are always 0 (hi 0, a dim
 * with one place) left out, literal indices clamped here and summed into one number.
 */
function clampedOffset(terms: readonly ClampedTerm[]): string {
  let known = 0;
  const parts: string[] = [];
  for (const t of terms) {
    if (t.hi === 0) continue;
    if (t.index.literal !== undefined) {
      known += clamp(t.index.literal, t.hi) * t.stride;
      continue;
    }
    const clamped = `Math.min(Math.max(${t.index.at(t.at)}, 0), ${t.hi})`; // int32 indices: never NaN
    parts.push(t.stride === 1 ? clamped : `${clamped} * ${t.stride}`);
  }
  if (known !== 0 || parts.length === 0) parts.push(String(known));
  return parts.join(" + ");
}

const isNumber = (expr: string): boolean => /^\d+$/.test(expr);

/** An offset for a view: a number as it is, an expression bound to a new local `at…` first. */
function bindOffset(w: SourceWriter, offset: string): number | string {
  if (isNumber(offset)) return Number(offset);
  const at = w.fresh("at");
  w.line(`const ${at} = ${offset};`);
  return at;
}

/**
 * The addressing gather and scatter_add share. Index position b (row-major over the index
 * arrays) picks the slice of x at Σ_j clamp(i_j[b]) · stride(axes[j]); element r of that
 * slice (over the other dims, row-major) is at that offset plus rest(r). `statement(pos,
 * xAt)` writes the innermost line given the position in [B…, rest…] and the index into x.
 */
function eachGathered(
  w: SourceWriter,
  x: Operand,
  indices: readonly Operand[],
  axes: readonly number[],
  statement: (pos: string, xAt: string) => string,
): void {
  const shape = x.aval.shape;
  const strides = stridesOf(shape);
  const restDims = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const restShape = restDims.map((d) => shape[d]);
  const restSize = shapeSize(restShape);
  const count = indices[0].aval.size;
  if (count * restSize === 0) return;
  const posView: View = { offset: 0, strides: [restSize, ...stridesOf(restShape)] };
  loopNest(
    w,
    [count],
    ([b]) => {
      const terms = axes.map((axis, j) => ({ index: indices[j], at: b ?? "0", hi: shape[axis] - 1, stride: strides[axis] }));
      const xView: View = { offset: bindOffset(w, clampedOffset(terms)), strides: restDims.map((d) => strides[d]) };
      loopNest(w, restShape, (r) => w.line(statement(affine(posView, [b, ...r]), affine(xView, r))));
    },
    true,
  );
}

/**
 * The window of `sizes` at scalar `starts`, each clamped to [0, dim - size] so that the
 * window fits: `body(view)` copies through the window's view of x. The start offset is a
 * local, so it gets a block, unless it is known here (literal starts, or dims with one place).
 */
function atWindow(w: SourceWriter, x: Operand, starts: readonly Operand[], sizes: Shape, body: (view: View) => void): void {
  if (shapeSize(sizes) === 0) return;
  const strides = stridesOf(x.aval.shape);
  const offset = clampedOffset(starts.map((s, d) => ({ index: s, at: "0", hi: x.aval.shape[d] - sizes[d], stride: strides[d] })));
  if (isNumber(offset)) return body({ offset: Number(offset), strides });
  w.block("{", () => body({ offset: bindOffset(w, offset), strides }));
}

function dynamicSlice(w: SourceWriter, x: Operand, starts: readonly Operand[], out: Output): void {
  w.line(`const ${out.name} = ${allocSource(out.aval)};`);
  atWindow(w, x, starts, out.aval.shape, (view) => copyStrided(w, out.aval.shape, x, view, out.name, contiguous(out.aval.shape)));
}

function dynamicUpdateSlice(w: SourceWriter, x: Operand, update: Operand, starts: readonly Operand[], out: Output): void {
  w.line(`const ${out.name} = ${x.copy()};`);
  const shape = update.aval.shape;
  atWindow(w, x, starts, shape, (view) => copyStrided(w, shape, update, contiguous(shape), out.name, view));
}

export const indexingEmitters = {
  gather: ({ ins: [x, ...indices], params: { axes }, out, w }) => {
    w.line(`const ${out.name} = ${allocSource(out.aval)};`);
    eachGathered(w, x, indices, axes, (pos, xAt) => `${out.name}[${pos}] = ${x.at(xAt)};`);
  },
  scatter_add: ({ ins: [x, updates, ...indices], params: { axes }, out, w }) => {
    w.line(`const ${out.name} = ${x.copy()};`);
    eachGathered(w, x, indices, axes, (pos, xAt) => `${out.name}[${xAt}] += ${updates.at(pos)};`);
  },
  dynamic_slice: ({ ins: [x, ...starts], out, w }) => dynamicSlice(w, x, starts, out),
  dynamic_update_slice: ({ ins: [x, update, ...starts], out, w }) => dynamicUpdateSlice(w, x, update, starts, out),
} satisfies SourceEmitterTable;
