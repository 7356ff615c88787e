import { type SingleKernelTable, ShapedArray, type Shape, stridesOf } from "@lintra/core-ir";
import type { GpujsBuffer, Runtime } from "./runtime.js";
import { kernelSource, keyOf, linear, operandNames, unravel } from "./source.js";

/*
 * Movement primitives copy elements: each output element computes the flat index of the
 * input element it copies (index arithmetic on its coordinates) and reads it. Nothing is
 * rounded, so −0, NaN and subnormals come through as they are.
 */

/** A strided view of an operand: element c of the output reads flat index base + Σ c_k · strides[k]. */
interface View {
  readonly base: number;
  readonly strides: readonly number[];
}

/** out[c] = x[view(c)]. */
function copyView(rt: () => Runtime, x: GpujsBuffer, out: ShapedArray, view: View, what: string): GpujsBuffer {
  const source = () => {
    const { lines, coords } = unravel("i", out.shape, "c");
    return kernelSource(["a0"], [...lines, `return a0[${linear(coords, view.strides, view.base)}];`]);
  };
  return rt().run({ key: keyOf(what, x.size, out.shape, view), size: out.size, source }, [x]);
}

function broadcastView(xShape: Shape, outShape: Shape, dims: readonly number[]): View {
  const xs = stridesOf(xShape);
  const strides = outShape.map(() => 0);
  dims.forEach((d, k) => {
    if (xShape[k] !== 1) strides[d] = xs[k];
  });
  return { base: 0, strides };
}

function revView(shape: Shape, dims: readonly number[]): View {
  const strides = stridesOf(shape);
  let base = 0;
  for (const d of dims) {
    base += (shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  return { base, strides };
}

function sliceView(shape: Shape, start: readonly number[], steps: readonly number[] | null): View {
  const strides = stridesOf(shape);
  return { base: start.reduce((acc, s, d) => acc + s * strides[d], 0), strides: strides.map((s, d) => s * (steps ? steps[d] : 1)) };
}

type PadConfig = readonly (readonly [number, number, number])[];

/**
 * pad: output coordinate c on a dim with [lo, hi, interior] comes from operand index
 * (c − lo) / (interior + 1) when that is a whole number inside the operand; else the value.
 */
function pad(rt: () => Runtime, [x, value]: GpujsBuffer[], xShape: Shape, config: PadConfig, out: ShapedArray): GpujsBuffer {
  const source = () => {
    if (x.size === 0) return kernelSource(["a0", "a1"], ["return a1[0];"]);
    const { lines, coords } = unravel("i", out.shape, "c");
    const conds: string[] = [];
    const src = coords.map((c, d) => {
      const [lo, , interior] = config[d];
      const step = interior + 1;
      lines.push(`const p${d} = ${c} - ${lo};`);
      conds.push(`p${d} >= 0`, `p${d} < ${(xShape[d] - 1) * step + 1}`);
      if (step > 1) conds.push(`p${d} % ${step} == 0`);
      return step > 1 ? `Math.floor(p${d} / ${step})` : `p${d}`;
    });
    const read = `return a0[${linear(src, stridesOf(xShape))}];`;
    if (conds.length === 0) return kernelSource(["a0", "a1"], [read]);
    return kernelSource(["a0", "a1"], [...lines, `if (${conds.join(" && ")}) {`, `  ${read}`, "}", "return a1[0];"]);
  };
  return rt().run({ key: keyOf("pad", xShape, config), size: out.size, source }, [x, value]);
}

/** How many operands one concatenate kernel reads: WebGL guarantees 8 texture units. */
const CONCAT_GROUP = 7;

/** concatenate: the output coordinate along `dimension` picks the operand, in groups of CONCAT_GROUP. */
function concatenate(rt: () => Runtime, xs: GpujsBuffer[], avals: ShapedArray[], dimension: number, out: ShapedArray): GpujsBuffer {
  if (xs.length > CONCAT_GROUP) {
    const head = avals.slice(0, CONCAT_GROUP);
    const size = head.reduce((n, a) => n + a.shape[dimension], 0);
    const partAval = new ShapedArray(out.shape.map((d, k) => (k === dimension ? size : d)), out.dtype);
    const part = concatenate(rt, xs.slice(0, CONCAT_GROUP), head, dimension, partAval);
    try {
      return concatenate(rt, [part, ...xs.slice(CONCAT_GROUP)], [partAval, ...avals.slice(CONCAT_GROUP)], dimension, out);
    } finally {
      rt().release(part);
    }
  }
  const sizes = avals.map((a) => a.shape[dimension]);
  const source = () => {
    const { lines, coords } = unravel("i", out.shape, "c");
    const names = operandNames(xs.length);
    let start = 0;
    avals.forEach((a, k) => {
      if (a.size === 0) return;
      const local = coords.map((c, d) => (d === dimension ? `(${c} - ${start})` : c));
      lines.push(`if (${coords[dimension]} < ${start + sizes[k]}) {`, `  return ${names[k]}[${linear(local, stridesOf(a.shape))}];`, "}");
      start += sizes[k];
    });
    return kernelSource(names, [...lines, "return 0;"]);
  };
  return rt().run({ key: keyOf("concatenate", avals.map((a) => a.shape), dimension), size: out.size, source }, xs);
}

export function movementKernels(rt: () => Runtime): SingleKernelTable<GpujsBuffer> {
  return {
    broadcast_in_dim: ([x], [aval], { broadcastDimensions }, out) => copyView(rt, x, out, broadcastView(aval.shape, out.shape, broadcastDimensions), "broadcast"),
    reshape: ([x]) => rt().share(x),
    transpose: ([x], [aval], { permutation }, out) => {
      const strides = stridesOf(aval.shape);
      return copyView(rt, x, out, { base: 0, strides: permutation.map((p) => strides[p]) }, "transpose");
    },
    rev: ([x], [aval], { dimensions }, out) => copyView(rt, x, out, revView(aval.shape, dimensions), "rev"),
    slice: ([x], [aval], { startIndices, strides }, out) => copyView(rt, x, out, sliceView(aval.shape, startIndices, strides), "slice"),
    pad: (inputs, [aval], { paddingConfig }, out) => pad(rt, inputs, aval.shape, paddingConfig, out),
    concatenate: (xs, avals, { dimension }, out) => concatenate(rt, xs, avals, dimension, out),
  };
}
