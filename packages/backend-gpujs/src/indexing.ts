import { type SingleKernelTable, type ShapedArray, shapeSize, stridesOf } from "@lintra/core-ir";
import { CHUNK, floatSum, intSum } from "./accumulate.js";
import { NAN, helper } from "./glsl.js";
import { floatOps, intOps } from "./glsl-ops.js";
import { reduce } from "./reduce.js";
import type { GpujsBuffer, Runtime } from "./runtime.js";
import { kernelSource, keyOf, linear, operandNames, unravel } from "./source.js";

/*
 * Indices are int32 values stored as floats; each is clamped into its axis, as core-ir
 * defines. An index holding integer poison (NaN) poisons what it addresses.
 */

/** An index clamped into [0, hi]; poison stays poison. */
const clampIndex = helper("lt_clampi", [], `float lt_clampi(float v, float hi) { if (!(v == v)) return ${NAN}; return clamp(v, 0.0, hi); }`);
/** v, or poison when the index p that chose it is poison. */
const poisonBy = helper("lt_poison", [], `float lt_poison(float p, float v) { return p == p ? v : ${NAN}; }`);
/** 1 when the clamped index equals `at`, 0 when not, poison for a poisoned index. */
const matches = helper("lt_match", [clampIndex], `float lt_match(float v, float hi, float at) { float c = lt_clampi(v, hi); if (!(c == c)) return c; return c == at ? 1.0 : 0.0; }`);

/** The dims of x not indexed by `axes`, and the strides of x along them. */
function restOf(xAval: ShapedArray, axes: readonly number[]) {
  const strides = stridesOf(xAval.shape);
  const dims = xAval.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  return { dims, shape: dims.map((d) => xAval.shape[d]), strides: dims.map((d) => strides[d]), size: shapeSize(dims.map((d) => xAval.shape[d])) };
}

/** gather: out[b…, r…] = x[clamped indices at `axes`, r… elsewhere]. */
function gather(rt: () => Runtime, inputs: GpujsBuffer[], [xAval]: ShapedArray[], axes: readonly number[], out: ShapedArray): GpujsBuffer {
  const rest = restOf(xAval, axes);
  const xs = stridesOf(xAval.shape);
  const names = operandNames(inputs.length);
  const source = () => {
    const { lines, coords } = unravel("r", rest.shape, "c");
    const body = [`const b = Math.floor(i / ${rest.size});`, `const r = i % ${rest.size};`, ...lines];
    const picked = axes.map((a, j) => `lt_clampi(${names[j + 1]}[b], ${xAval.shape[a] - 1}) * ${xs[a]}`);
    body.push(`const off = ${[...picked, linear(coords, rest.strides)].join(" + ")};`, "return lt_poison(off, a0[off]);");
    return kernelSource(names, body);
  };
  return rt().run({ key: keyOf("gather", xAval.shape, inputs[1].size, axes), size: out.size, source, helpers: [clampIndex, poisonBy] }, inputs);
}

/**
 * scatter_add: each element of x loops over the index positions (CHUNK at a time) and adds
 * the updates of those that address it; partial sums of several chunks are reduced, then
 * added to x. An element nothing addresses keeps its value (−0 included).
 */
function scatterAdd(rt: () => Runtime, inputs: GpujsBuffer[], avals: ShapedArray[], axes: readonly number[]): GpujsBuffer {
  const [x, updates, ...indices] = inputs;
  const xAval = avals[0];
  const int = xAval.dtype === "int32";
  const acc = int ? intSum : floatSum;
  const rest = restOf(xAval, axes);
  const count = avals[2].size;
  const chunks = Math.max(1, Math.ceil(count / CHUNK));
  const size = chunks === 1 ? count : CHUNK;
  const names = operandNames(inputs.length);
  const source = () => {
    const { lines, coords } = unravel(chunks === 1 ? "i" : "o", xAval.shape, "c");
    const body = chunks === 1 ? [] : [`const o = Math.floor(i / ${chunks});`];
    const restIndex = linear(rest.dims.map((d) => coords[d]), stridesOf(rest.shape));
    body.push(...lines, `const ri = ${restIndex};`, ...acc.declare, "let hit = zero;", "let bad = zero;");
    const match = axes.map((a, j) => `lt_match(${names[j + 2]}[b], ${xAval.shape[a] - 1}, ${coords[a]})`).join(" * ");
    const step = [`const m = ${match};`, "if (m != m) {", "  bad = one;", "}", "if (m > 0.5) {", "  hit = one;", ...acc.step(`a1[b * ${rest.size} + ri]`).map((s) => `  ${s}`), "}"];
    const b0 = chunks === 1 ? "0" : `(i % ${chunks}) * ${CHUNK}`;
    body.push(`for (let t = 0; t < ${size}; t++) {`, `  const b = ${b0} + t;`);
    if (chunks > 1 && count % CHUNK !== 0) body.push(`  if (b < ${count}) {`, ...step.map((s) => `    ${s}`), "  }");
    else body.push(...step.map((s) => `  ${s}`));
    body.push("}", "if (bad > 0.5) {", "  return nan;", "}");
    const add = int ? `${intOps.add.name}(a0[i], ${acc.result})` : `a0[i] + ${acc.result}`;
    body.push(chunks === 1 ? `return hit > 0.5 ? ${add} : a0[i];` : `return hit > 0.5 ? ${acc.result} : zero;`);
    return kernelSource(names, body);
  };
  const helpers = int ? [...acc.helpers, matches, intOps.add] : [...acc.helpers, matches];
  const key = keyOf("scatter_add", xAval.dtype, xAval.shape, count, axes);
  const y = rt().run({ key, size: xAval.size * chunks, source, helpers }, [x, updates, ...indices]);
  if (chunks === 1) return y;
  let sums: GpujsBuffer | undefined;
  try {
    sums = reduce(rt, y, [xAval.size, chunks], [1], "sum", xAval.dtype);
    const add = int ? intOps.add : floatOps.add;
    const addSource = () => kernelSource(["a0", "a1"], [`return ${add.name}(a0[i], a1[i]);`]);
    return rt().run({ key: keyOf("map", add.name, xAval.size), size: xAval.size, source: addSource, helpers: [add] }, [x, sums]);
  } finally {
    rt().release(y);
    if (sums) rt().release(sums);
  }
}

/** The start of the window along each dim, clamped so that the window fits (poison stays poison). */
const starts = (xAval: ShapedArray, sizes: readonly number[], names: readonly string[], first: number) =>
  xAval.shape.map((d, k) => `const s${k} = lt_clampi(${names[first + k]}[0], ${d - sizes[k]});`);

function dynamicSlice(rt: () => Runtime, inputs: GpujsBuffer[], xAval: ShapedArray, out: ShapedArray): GpujsBuffer {
  const names = operandNames(inputs.length);
  const source = () => {
    const { lines, coords } = unravel("i", out.shape, "c");
    const shifted = coords.map((c, k) => `(${c} + s${k})`);
    const off = xAval.ndim === 0 ? "0" : linear(shifted, stridesOf(xAval.shape));
    return kernelSource(names, [...lines, ...starts(xAval, out.shape, names, 1), `const off = ${off};`, "return lt_poison(off, a0[off]);"]);
  };
  return rt().run({ key: keyOf("dynamic_slice", xAval.shape, out.shape), size: out.size, source, helpers: [clampIndex, poisonBy] }, inputs);
}

function dynamicUpdateSlice(rt: () => Runtime, inputs: GpujsBuffer[], xAval: ShapedArray, uAval: ShapedArray): GpujsBuffer {
  const names = operandNames(inputs.length);
  const source = () => {
    const { lines, coords } = unravel("i", xAval.shape, "c");
    const body = [...lines, ...starts(xAval, uAval.shape, names, 2), `const p = ${xAval.ndim === 0 ? "0" : coords.map((_, k) => `s${k}`).join(" + ")};`];
    if (xAval.ndim === 0) return kernelSource(names, [...body, "return a1[0];"]);
    const local = coords.map((c, k) => `(${c} - s${k})`);
    const inside = local.flatMap((u, k) => [`${u} >= 0`, `${u} < ${uAval.shape[k]}`]).join(" && ");
    body.push(`if (${inside}) {`, `  return lt_poison(p, a1[${linear(local, stridesOf(uAval.shape))}]);`, "}", "return lt_poison(p, a0[i]);");
    return kernelSource(names, body);
  };
  return rt().run({ key: keyOf("dynamic_update_slice", xAval.shape, uAval.shape), size: xAval.size, source, helpers: [clampIndex, poisonBy] }, inputs);
}

export function indexingKernels(rt: () => Runtime): SingleKernelTable<GpujsBuffer> {
  return {
    gather: (inputs, avals, { axes }, out) => gather(rt, inputs, avals, axes, out),
    scatter_add: (inputs, avals, { axes }) => scatterAdd(rt, inputs, avals, axes),
    dynamic_slice: (inputs, [xAval], _params, out) => dynamicSlice(rt, inputs, xAval, out),
    dynamic_update_slice: (inputs, [xAval, uAval]) => dynamicUpdateSlice(rt, inputs, xAval, uAval),
  };
}
