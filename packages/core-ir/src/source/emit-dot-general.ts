import { shapeSize, stridesOf } from "../shape.js";
import { allocSource } from "./literals.js";
import { affine, contiguous, loopNest } from "./loops.js";
import type { Operand, SourceEmitterTable } from "./types.js";
import type { SourceWriter } from "./writer.js";

/*
 * dot_general as backend-cpu computes it: each operand laid out as [batch, free,
 * contracting] (lhs) or [batch, contracting, free] (rhs), transposed into a temporary only
 * when its dims are not already in that order, then one batched matmul (a runtime helper
 * with the reference's loop order, so that float sums round alike).
 */

/** The dims of a rank-n operand that are neither batch nor contracting, in order. */
const freeDims = (n: number, batch: readonly number[], contracting: readonly number[]): number[] =>
  Array.from({ length: n }, (_, d) => d).filter((d) => !batch.includes(d) && !contracting.includes(d));

/** An operand's dims in the order of `groups`, and each group's flattened size. */
interface Layout {
  readonly x: Operand;
  readonly perm: readonly number[];
  readonly sizes: readonly number[];
  readonly inOrder: boolean;
}

function layout(x: Operand, groups: readonly (readonly number[])[]): Layout {
  const perm = groups.flat();
  const sizes = groups.map((g) => shapeSize(g.map((d) => x.aval.shape[d])));
  return { x, perm, sizes, inOrder: perm.every((p, i) => p === i) };
}

/** The operand in its layout: itself when already in order, else a temporary it is copied into. */
function materialize(w: SourceWriter, { x, perm, inOrder }: Layout, prefix: string): string {
  if (inOrder) return x.ref;
  const tmp = w.fresh(prefix);
  const permuted = perm.map((p) => x.aval.shape[p]);
  const strides = stridesOf(x.aval.shape);
  const src = { offset: 0, strides: perm.map((p) => strides[p]) };
  const dst = contiguous(permuted);
  w.line(`const ${tmp} = ${allocSource(x.aval)}; // ${x.ref} with its dims in the order [${perm.join(", ")}]`);
  loopNest(w, permuted, (idx) => w.line(`${tmp}[${affine(dst, idx)}] = ${x.at(affine(src, idx))};`));
  return tmp;
}

export const dotGeneralEmitters = {
  dot_general: ({ ins: [lhs, rhs], params, out, w }) => {
    const { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb } = params;
    const l = layout(lhs, [lb, freeDims(lhs.aval.ndim, lb, lc), lc]);
    const r = layout(rhs, [rb, rc, freeDims(rhs.aval.ndim, rb, rc)]);
    const [B, M, K] = l.sizes;
    const N = r.sizes[2];
    const matmul = w.use(out.aval.dtype === "int32" ? "$matmulInt32" : "$matmul");
    w.line(`const ${out.name} = ${allocSource(out.aval)};`);
    const body = (): void => {
      const call = `${matmul}(${materialize(w, l, "l")}, ${materialize(w, r, "r")}, ${out.name}, ${B}, ${M}, ${K}, ${N});`;
      w.line(`${call} // batch ${B}, [${M} x ${K}] by [${K} x ${N}]`);
    };
    // Temporaries are locals: they get a block of their own.
    if (l.inOrder && r.inOrder) body();
    else w.block("{", body);
  },
} satisfies SourceEmitterTable;
