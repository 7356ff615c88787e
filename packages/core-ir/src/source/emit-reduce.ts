import { type DType, isFloat } from "../dtype.js";
import { type Shape, stridesOf } from "../shape.js";
import { allocSource, numberSource } from "./literals.js";
import { type Index, type View, affine, loopNest } from "./loops.js";
import type { Operand, Output, SourceEmitter, SourceEmitterTable } from "./types.js";
import type { SourceWriter } from "./writer.js";

/*
 * Reductions, as backend-cpu computes them: one accumulator per output element, a JS
 * number (a double), so float32 sums accumulate in float64 and round once on store; int32
 * steps wrap exactly. The reduced dims are walked in the order `axes` lists them, as the
 * reference does: the order of a float sum decides how it rounds.
 */

/** The accumulator's start (the value of an empty reduction) and the statement folding x into it. */
interface Monoid {
  readonly init: (dtype: DType) => number;
  readonly step: (acc: string, x: string, dtype: DType) => string;
}

// int32 steps wrap each time, as the reference's do: the accumulator is a double.
const SUM: Monoid = { init: () => 0, step: (a, x, d) => (d === "int32" ? `${a} = (${a} + ${x}) | 0;` : `${a} += ${x};`) };
const PROD: Monoid = { init: () => 1, step: (a, x, d) => (d === "int32" ? `${a} = Math.imul(${a}, ${x});` : `${a} *= ${x};`) };
// Math.max / Math.min propagate NaN; for bool (0/1) they are `or` / `and`.
const MAX: Monoid = {
  init: (d) => (isFloat(d) ? -Infinity : d === "int32" ? -2147483648 : 0),
  step: (a, x) => `${a} = Math.max(${a}, ${x});`,
};
const MIN: Monoid = {
  init: (d) => (isFloat(d) ? Infinity : d === "int32" ? 2147483647 : 1),
  step: (a, x) => `${a} = Math.min(${a}, ${x});`,
};

/**
 * The dims of `shape` split into the kept ones (looped over in row-major order, one output
 * element each) and `axes` (walked inside, in the order given). `at(kept, reduced)` is the
 * flat index into x for indices over both; `outAt(kept)` the index into the output.
 */
function splitAxes(shape: Shape, axes: readonly number[]) {
  const strides = stridesOf(shape);
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const keptShape = kept.map((d) => shape[d]);
  const xView: View = { offset: 0, strides: [...kept, ...axes].map((d) => strides[d]) };
  return {
    keptShape,
    reducedShape: axes.map((d) => shape[d]),
    at: (keptIdx: readonly Index[], reducedIdx: readonly Index[]) => affine(xView, [...keptIdx, ...reducedIdx]),
    outAt: (keptIdx: readonly Index[]) => affine({ offset: 0, strides: stridesOf(keptShape) }, keptIdx),
  };
}

type Reduction = "reduce_sum" | "reduce_prod" | "reduce_max" | "reduce_min";

const reduce =
  (m: Monoid): SourceEmitter<Reduction> =>
  ({ ins: [x], params: { axes }, out, w }) => {
    const dtype = x.aval.dtype;
    const split = splitAxes(x.aval.shape, axes);
    w.line(`const ${out.name} = ${allocSource(out.aval)};`);
    loopNest(
      w,
      split.keptShape,
      (idx) => {
        const acc = w.fresh("acc");
        w.line(`let ${acc} = ${numberSource(m.init(dtype))};`);
        loopNest(w, split.reducedShape, (r) => w.line(m.step(acc, x.at(split.at(idx, r)), dtype)));
        w.line(`${out.name}[${split.outAt(idx)}] = ${acc};`);
      },
      true,
    );
  };

/**
 * Index of the first extreme along `axis`, where `x <op> best` says x beats best. A NaN
 * beats everything and nothing beats it, so the first NaN wins (as in NumPy).
 */
const argExtreme =
  (op: ">" | "<"): SourceEmitter<"argmax" | "argmin"> =>
  ({ ins: [x], params: { axis }, out, w }) => {
    const split = splitAxes(x.aval.shape, [axis]);
    const n = x.aval.shape[axis];
    w.line(`const ${out.name} = ${allocSource(out.aval)};`);
    if (n === 1) return; // every index is 0, as allocated
    loopNest(
      w,
      split.keptShape,
      (idx) => {
        const [best, at, r, v] = [w.fresh("best"), w.fresh("at"), w.fresh("r"), w.fresh("v")];
        w.line(`let ${best} = ${x.at(split.at(idx, [null]))};`);
        w.line(`let ${at} = 0;`);
        w.block(`for (let ${r} = 1; ${r} < ${n} && ${best} === ${best}; ${r}++) {`, () => {
          w.line(`const ${v} = ${x.at(split.at(idx, [r]))};`);
          w.block(`if (${v} !== ${v} || ${v} ${op} ${best}) {`, () => {
            w.line(`${best} = ${v};`);
            w.line(`${at} = ${r};`);
          });
        });
        w.line(`${out.name}[${split.outAt(idx)}] = ${at};`);
      },
      true,
    );
  };

/** Inclusive running sum along `axis` (from the end when `reverse`), accumulated in a double. */
function cumsum(w: SourceWriter, x: Operand, axis: number, reverse: boolean, out: Output): void {
  const split = splitAxes(x.aval.shape, [axis]);
  const n = x.aval.shape[axis];
  const dtype = x.aval.dtype;
  w.line(`const ${out.name} = ${allocSource(out.aval)};`);
  if (n === 0) return;
  loopNest(
    w,
    split.keptShape,
    (idx) => {
      const [acc, k, at] = [w.fresh("acc"), w.fresh("k"), w.fresh("at")];
      w.line(`let ${acc} = 0;`);
      const loop = reverse ? `for (let ${k} = ${n - 1}; ${k} >= 0; ${k}--) {` : `for (let ${k} = 0; ${k} < ${n}; ${k}++) {`;
      w.block(loop, () => {
        w.line(`const ${at} = ${split.at(idx, [k])};`);
        w.line(SUM.step(acc, x.at(at), dtype));
        w.line(`${out.name}[${at}] = ${acc};`);
      });
    },
    true,
  );
}

export const reduceEmitters = {
  reduce_sum: reduce(SUM),
  reduce_prod: reduce(PROD),
  reduce_max: reduce(MAX),
  reduce_min: reduce(MIN),
  argmax: argExtreme(">"),
  argmin: argExtreme("<"),
  cumsum: ({ ins: [x], params: { axis, reverse }, out, w }) => cumsum(w, x, axis, reverse, out),
} satisfies SourceEmitterTable;
