/**
 * `vmap(f, { inAxes, outAxes })`: `f` mapped over an axis of its arguments, as one
 * computation on batched arrays (JAX's vmap). `inAxes`/`outAxes`: a number, null (not
 * mapped: the same value for every member) or a pytree prefix of the arguments/outputs.
 */
import { type Tracer, type TreeDef, ValueError, checkFunction, checkOptions, flattenArgs, rejectPromise, normalizeAxis, releaseScope, treeFlatten, treeUnflatten } from "@lintra/core-ir";
import { moveBatchAxis } from "./batch-axis.js";
import { type BatchDim, batchFlat } from "./batch-trace.js";

export type Axes = number | null | undefined | readonly Axes[] | { readonly [k: string]: Axes };

export interface VmapOptions {
  inAxes?: Axes;
  outAxes?: Axes;
}

/** One axis per leaf of `tree`, from a prefix of its structure (JAX's broadcast_prefix). */
function axesPerLeaf(axes: Axes, tree: unknown, where: string): BatchDim[] {
  if (axes === null || axes === undefined || typeof axes === "number") return treeFlatten(tree)[0].map(() => (axes === undefined ? null : axes));
  if (typeof axes !== "object") throw new ValueError(`${where}: ${JSON.stringify(axes)} is not an axis; expected an integer, null, or a list or object of them`);
  if (Array.isArray(axes)) {
    if (!Array.isArray(tree) || tree.length !== axes.length) {
      throw new ValueError(`${where}: axes ${JSON.stringify(axes)} have ${axes.length} entries; the value they describe has ${Array.isArray(tree) ? tree.length : "no"} entries`);
    }
    return axes.flatMap((a, i) => axesPerLeaf(a, tree[i], where));
  }
  if (typeof tree !== "object" || tree === null || Array.isArray(tree)) throw new ValueError(`${where}: axes ${JSON.stringify(axes)} are an object; the value they describe is not`);
  const record = axes as { readonly [k: string]: Axes };
  return Object.keys(tree as object)
    .sort()
    .flatMap((k) => {
      if (!(k in record)) throw new ValueError(`${where}: axes have no entry for key '${k}'`);
      return axesPerLeaf(record[k], (tree as Record<string, unknown>)[k], where);
    });
}

/** The batch size: every mapped argument must agree (a typed error naming them otherwise). */
function axisSizeOf(leaves: readonly Tracer[], dims: readonly BatchDim[]): number {
  const sizes = leaves.map((x, i) => (dims[i] === null ? null : x.shape[dims[i]!]));
  const mapped = sizes.map((s, i) => [i, s] as const).filter(([, s]) => s !== null);
  if (mapped.length === 0) throw new ValueError("vmap: no argument is mapped (every in-axis is null); expected at least one");
  const first = mapped[0][1];
  if (mapped.some(([, s]) => s !== first)) {
    throw new ValueError(`vmap: mapped axes have different sizes: ${mapped.map(([i, s]) => `argument leaf ${i} has ${s}`).join(", ")}; expected one size`);
  }
  return first!;
}

export function vmap<F extends (...args: any[]) => any>(f: F, options: VmapOptions = {}): (...args: Parameters<F>) => ReturnType<F> {
  checkFunction("vmap", f);
  checkOptions("vmap", options, ["inAxes", "outAxes"]);
  const { inAxes = 0, outAxes = 0 } = options;
  // Called eagerly, the batched intermediates the rules make are released on return.
  return (...args: unknown[]) => releaseScope(() => vmapCall(f, inAxes, outAxes, args), (out) => treeFlatten(out)[0]) as ReturnType<F>;
}

function vmapCall(f: (...args: any[]) => any, inAxes: Axes, outAxes: Axes, args: unknown[]): unknown {
  const [leaves, inDef] = flattenArgs(args, "vmap");
  const dims = axesPerLeaf(inAxes, args, "vmap (inAxes)").map((d, i) => (d === null ? null : normalizeAxis(d, leaves[i].ndim, "vmap (inAxes)")));
  const size = axisSizeOf(leaves, dims);
  let outDef: TreeDef | null = null;
  const [outs, outDims] = batchFlat(
    (...xs) => {
      const result = f(...(treeUnflatten(inDef, xs) as unknown[]));
      rejectPromise(result, "vmap");
      const [o, def] = flattenArgs(result, "vmap (output)");
      outDef = def;
      return o;
    },
    leaves,
    dims,
    size,
  );
  const out = treeUnflatten(outDef!, outs);
  const wanted = axesPerLeaf(outAxes, out, "vmap (outAxes)");
  const moved = outs.map((o, i) => {
    if (wanted[i] === null) {
      if (outDims[i] !== null) throw new ValueError(`vmap: output leaf ${i} is batched but its outAxes entry is null`);
      return o;
    }
    const ndim = o.ndim + (outDims[i] === null ? 1 : 0);
    return moveBatchAxis(o, outDims[i], normalizeAxis(wanted[i]!, ndim, "vmap (outAxes)"), size);
  });
  return treeUnflatten(outDef!, moved);
}
