import { type DType, type SingleKernelTable, type ShapedArray, type Shape, shapeSize, stridesOf } from "@lintra/core-ir";
import { type Accumulator, CHUNK, type Monoid, accumulator } from "./accumulate.js";
import { helper } from "./glsl.js";
import { intOps } from "./glsl-ops.js";
import type { GpujsBuffer, Runtime } from "./runtime.js";
import { kernelSource, keyOf, linear, unravel } from "./source.js";

/**
 * The layout of a reduction of `shape` over `axes`: output element o starts at `base(o)`
 * (its kept coordinates) and its terms are at base + inner(r) for r in [0, terms).
 */
interface Lines {
  readonly kept: Shape;
  readonly keptStrides: number[];
  readonly reduced: Shape;
  readonly reducedStrides: number[];
  readonly terms: number;
}

function lines(shape: Shape, axes: readonly number[]): Lines {
  const strides = stridesOf(shape);
  const keptDims = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  return {
    kept: keptDims.map((d) => shape[d]),
    keptStrides: keptDims.map((d) => strides[d]),
    reduced: axes.map((a) => shape[a]),
    reducedStrides: axes.map((a) => strides[a]),
    terms: shapeSize(axes.map((a) => shape[a])),
  };
}

/** Statements setting `off` to the flat index of term `r` of the line starting at `base`. */
function termOffset(l: Lines, r: string): string[] {
  const { lines: ls, coords } = unravel(r, l.reduced, "q");
  return [...ls, `const off = base + ${linear(coords, l.reducedStrides)};`];
}

/**
 * One pass of a reduction: output element (o, chunk) accumulates terms
 * [chunk · size, (chunk + 1) · size) of line o. With one chunk the output is [lines].
 */
function reducePass(rt: () => Runtime, x: GpujsBuffer, shape: Shape, axes: readonly number[], acc: Accumulator, kind: string): GpujsBuffer {
  const l = lines(shape, axes);
  const chunks = Math.max(1, Math.ceil(l.terms / acc.chunk));
  const size = chunks === 1 ? l.terms : acc.chunk;
  const outSize = shapeSize(l.kept) * chunks;
  const source = () => {
    const { lines: ls, coords } = unravel("o", l.kept, "k");
    const body = [`const o = ${chunks === 1 ? "i" : `Math.floor(i / ${chunks})`};`, ...ls, `const base = ${linear(coords, l.keptStrides)};`, ...acc.declare];
    const r0 = chunks === 1 ? "0" : `(i % ${chunks}) * ${size}`;
    const step = [...termOffset(l, "r"), ...acc.step("a0[off]")];
    const guard = chunks > 1 && l.terms % size !== 0;
    body.push(`for (let t = 0; t < ${size}; t++) {`, `  const r = ${r0} + t;`);
    body.push(...(guard ? [`  if (r < ${l.terms}) {`, ...step.map((s) => `    ${s}`), "  }"] : step.map((s) => `  ${s}`)), "}");
    return kernelSource(["a0"], [...body, `return ${acc.result};`]);
  };
  return rt().run({ key: keyOf("reduce", kind, shape, axes), size: outSize, source, helpers: acc.helpers }, [x]);
}

/** Reduce over `axes`, in passes of at most one chunk per output; the partials are reduced the same way. */
export function reduce(rt: () => Runtime, x: GpujsBuffer, shape: Shape, axes: readonly number[], monoid: Monoid, dtype: DType): GpujsBuffer {
  const acc = accumulator(monoid, dtype);
  const l = lines(shape, axes);
  const y = reducePass(rt, x, shape, axes, acc, `${monoid} ${dtype}`);
  if (l.terms <= acc.chunk) return y;
  try {
    return reduce(rt, y, [shapeSize(l.kept), Math.ceil(l.terms / acc.chunk)], [1], monoid, dtype);
  } finally {
    rt().release(y);
  }
}

// argmax / argmin ------------------------------------------------------------------------

/** Whether v beats best: a NaN beats any number and nothing beats a NaN (the first NaN wins). */
const argBetter = (op: ">" | "<") =>
  helper(`lt_arg${op === ">" ? "max" : "min"}_better`, [], `float lt_arg${op === ">" ? "max" : "min"}_better(float v, float best) { return best == best && (!(v == v) || v ${op} best) ? 1.0 : 0.0; }`);
const ARG_BETTER = { argmax: argBetter(">"), argmin: argBetter("<") };

/**
 * Index of the first extreme along `axis`. A first pass finds each chunk's winner (its
 * index along the axis); a second compares the winners in order, so ties keep the first.
 * An integer input holding poison gives poison.
 */
function argReduce(rt: () => Runtime, x: GpujsBuffer, aval: ShapedArray, axis: number, prim: "argmax" | "argmin"): GpujsBuffer {
  const better = ARG_BETTER[prim];
  const l = lines(aval.shape, [axis]);
  const chunks = Math.ceil(l.terms / CHUNK);
  const stride = l.reducedStrides[0];
  const poison = aval.dtype === "float32" ? "at" : "best == best ? at : nan";
  const head = (o: string) => {
    const { lines: ls, coords } = unravel(o, l.kept, "k");
    return [...ls, `const base = ${linear(coords, l.keptStrides)};`];
  };
  const winners = () => {
    const size = chunks === 1 ? l.terms : CHUNK;
    const r0 = chunks === 1 ? "0" : `(i % ${chunks}) * ${CHUNK}`;
    const body = [`const o = ${chunks === 1 ? "i" : `Math.floor(i / ${chunks})`};`, ...head("o"), `let at = ${r0};`, `let best = a0[base + at * ${stride}];`];
    body.push(`for (let t = 1; t < ${size}; t++) {`, `  const r = ${r0} + t;`, `  if (r < ${l.terms}) {`, `    const v = a0[base + r * ${stride}];`);
    body.push(`    if (${better.name}(v, best) > 0.5) {`, "      best = v;", "      at = r;", "    }", "  }", "}");
    return kernelSource(["a0"], [...body, `return ${chunks === 1 ? poison : "at"};`]);
  };
  const first = rt().run({ key: keyOf(prim, aval.dtype, aval.shape, axis), size: shapeSize(l.kept) * chunks, source: winners, helpers: [better] }, [x]);
  if (chunks === 1) return first;
  const combine = () => {
    const body = [...head("i"), `let at = a1[i * ${chunks}];`, `let best = a0[base + at * ${stride}];`];
    body.push(`for (let t = 1; t < ${chunks}; t++) {`, `  const r = a1[i * ${chunks} + t];`, `  const v = a0[base + r * ${stride}];`);
    body.push(`  if (${better.name}(v, best) > 0.5) {`, "    best = v;", "    at = r;", "  }", "}");
    return kernelSource(["a0", "a1"], [...body, `return ${poison};`]);
  };
  try {
    return rt().run({ key: keyOf(`${prim} combine`, aval.dtype, aval.shape, axis), size: shapeSize(l.kept), source: combine, helpers: [better] }, [x, first]);
  } finally {
    rt().release(first);
  }
}

// cumsum ---------------------------------------------------------------------------------

/**
 * Inclusive scan by Hillis–Steele: pass d adds the element d places earlier along the axis
 * (later when `reverse`), for d = 1, 2, 4, …: log2(n) passes, each error-free for small
 * integers and within the accumulated tolerance for floats. The first pass adds the uniform
 * zero where there is no earlier element, so −0 becomes +0 as in a running sum from 0.
 */
function cumsum(rt: () => Runtime, x: GpujsBuffer, aval: ShapedArray, axis: number, reverse: boolean): GpujsBuffer {
  const n = aval.shape[axis];
  const stride = stridesOf(aval.shape)[axis];
  const int = aval.dtype === "int32";
  let y = x;
  for (let d = 1; d === 1 || d < n; d *= 2) {
    const source = () => {
      const j = `Math.floor(i / ${stride}) % ${n}`;
      const [has, at] = reverse ? [`${j} + ${d} < ${n}`, `i + ${d * stride}`] : [`${j} >= ${d}`, `i - ${d * stride}`];
      const add = int ? `${intOps.add.name}(a0[i], other)` : "a0[i] + other";
      return kernelSource(["a0"], ["let other = zero;", `if (${has}) {`, `  other = a0[${at}];`, "}", `return ${add};`]);
    };
    const next = rt().run({ key: keyOf("cumsum", aval.dtype, aval.shape, axis, reverse, d), size: aval.size, source, helpers: int ? [intOps.add] : [] }, [y]);
    if (y !== x) rt().release(y);
    y = next;
  }
  return y;
}

const reduction =
  (monoid: Monoid) =>
  (rt: () => Runtime) =>
  ([x]: GpujsBuffer[], [aval]: ShapedArray[], { axes }: { axes: readonly number[] }): GpujsBuffer =>
    reduce(rt, x, aval.shape, axes, monoid, aval.dtype);

export function reduceKernels(rt: () => Runtime): SingleKernelTable<GpujsBuffer> {
  return {
    reduce_sum: reduction("sum")(rt),
    reduce_prod: reduction("prod")(rt),
    reduce_max: reduction("max")(rt),
    reduce_min: reduction("min")(rt),
    argmax: ([x], [aval], { axis }) => argReduce(rt, x, aval, axis, "argmax"),
    argmin: ([x], [aval], { axis }) => argReduce(rt, x, aval, axis, "argmin"),
    cumsum: ([x], [aval], { axis, reverse }) => cumsum(rt, x, aval, axis, reverse),
  };
}

