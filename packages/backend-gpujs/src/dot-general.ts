import { type SingleKernelTable, type Params, type ShapedArray, shapeSize, stridesOf } from "@lintra/core-ir";
import { CHUNK, floatSum, intProductPart, intSum } from "./accumulate.js";
import { reduce } from "./reduce.js";
import type { GpujsBuffer, Runtime } from "./runtime.js";
import { kernelSource, keyOf, linear, unravel } from "./source.js";

/** The dims of a rank-n operand that are neither batch nor contracting, in order. */
const freeDims = (n: number, batch: readonly number[], contracting: readonly number[]): number[] =>
  Array.from({ length: n }, (_, d) => d).filter((d) => !batch.includes(d) && !contracting.includes(d));

/**
 * dot_general with one thread per output element (batch…, lhs free…, rhs free…): it finds
 * the start of its lhs row and rhs column from its coordinates and accumulates the
 * products over the contracting dims (compensated for floats, exact for int32). More than
 * CHUNK contracting terms are split in chunks, whose partial sums a reduction adds.
 */
function dotGeneral(rt: () => Runtime, [lhs, rhs]: GpujsBuffer[], [la, ra]: ShapedArray[], p: Params<"dot_general">, out: ShapedArray): GpujsBuffer {
  const { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb } = p;
  const [ls, rs] = [stridesOf(la.shape), stridesOf(ra.shape)];
  const lf = freeDims(la.ndim, lb, lc);
  const rf = freeDims(ra.ndim, rb, rc);
  const terms = shapeSize(lc.map((d) => la.shape[d]));
  const chunks = Math.max(1, Math.ceil(terms / CHUNK));
  const size = chunks === 1 ? terms : CHUNK;
  const int = out.dtype === "int32";
  const acc = int ? intSum : floatSum;
  const source = () => {
    const { lines, coords } = unravel(chunks === 1 ? "i" : "o", out.shape, "c");
    const nb = lb.length;
    const lBase = linear([...coords.slice(0, nb), ...coords.slice(nb, nb + lf.length)], [...lb.map((d) => ls[d]), ...lf.map((d) => ls[d])]);
    const rBase = linear([...coords.slice(0, nb), ...coords.slice(nb + lf.length)], [...rb.map((d) => rs[d]), ...rf.map((d) => rs[d])]);
    const body = chunks === 1 ? [] : [`const o = Math.floor(i / ${chunks});`];
    body.push(...lines, `const lb = ${lBase};`, `const rb = ${rBase};`, ...acc.declare);
    const { lines: kl, coords: kc } = unravel("k", lc.map((d) => la.shape[d]), "q");
    const adds = int ? [0, 1, 2, 3].flatMap((k) => acc.step(`${intProductPart.name}(a0[lo], a1[ro], ${k})`)) : acc.step("a0[lo] * a1[ro]");
    const step = [...kl, `const lo = lb + ${linear(kc, lc.map((d) => ls[d]))};`, `const ro = rb + ${linear(kc, rc.map((d) => rs[d]))};`, ...adds];
    const k0 = chunks === 1 ? "0" : `(i % ${chunks}) * ${CHUNK}`;
    body.push(`for (let t = 0; t < ${size}; t++) {`, `  const k = ${k0} + t;`);
    if (chunks > 1 && terms % CHUNK !== 0) body.push(`  if (k < ${terms}) {`, ...step.map((s) => `    ${s}`), "  }");
    else body.push(...step.map((s) => `  ${s}`));
    body.push("}", `return ${acc.result};`);
    return kernelSource(["a0", "a1"], body);
  };
  const helpers = int ? [...acc.helpers, intProductPart] : acc.helpers;
  const y = rt().run({ key: keyOf("dot", out.dtype, la.shape, ra.shape, p), size: out.size * chunks, source, helpers }, [lhs, rhs]);
  if (chunks === 1) return y;
  try {
    return reduce(rt, y, [out.size, chunks], [1], "sum", out.dtype);
  } finally {
    rt().release(y);
  }
}

export function dotGeneralKernels(rt: () => Runtime): SingleKernelTable<GpujsBuffer> {
  return { dot_general: (inputs, avals, params, out) => dotGeneral(rt, inputs, avals, params, out) };
}
