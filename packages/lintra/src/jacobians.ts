/**
 * Jacobians by batching, not by looping over basis vectors: `jacfwd` is `vmap` of `jvp`
 * over the standard basis of the inputs, `jacrev` is `vmap` of the VJP over the standard
 * basis of the outputs, `hessian` is `jacfwd(jacrev(f))`. Pytrees in and out, with JAX's
 * structure: for each output leaf, the inputs' structure, each leaf of shape
 * `out.shape ++ in.shape`.
 */
import {
  ConcreteArray,
  type Shape,
  type Tracer,
  TransformError,
  type TreeDef,
  checkArgnums,
  checkArgnumsRange,
  checkFunction,
  checkOptions,
  flattenArgs,
  isFloat,
  lax,
  shapeSize,
  treeUnflatten,
} from "@lintra/core-ir";
import { jvp } from "@lintra/jvp";
import { vjp } from "@lintra/transpose";
import { vmap } from "@lintra/vmap";

export interface JacOptions {
  /** Which positional argument(s) to differentiate: a number gives one Jacobian, an array a list. */
  argnums?: number | readonly number[];
}

/** `f` and the options, checked when the transformation is made. */
function checkJacobian(call: string, f: unknown, options: unknown): number[] {
  checkFunction(call, f);
  checkOptions(call, options, ["argnums"]);
  const { argnums = 0 } = (options ?? {}) as JacOptions;
  return checkArgnums(call, argnums);
}

/** The differentiated arguments as flat float leaves, and `f` as a function of them. */
function splitArgs(f: (...args: any[]) => any, args: unknown[], nums: readonly number[], where: string) {
  checkArgnumsRange(where, nums, args.length);
  const [leaves, inDef] = flattenArgs(nums.map((n) => args[n]), where);
  leaves.forEach((x) => {
    if (!isFloat(x.dtype)) throw new TransformError(`${where}: cannot differentiate with respect to an input of dtype ${x.dtype} (${x.aval}); expected float inputs`);
  });
  const g = (...xs: Tracer[]) => {
    const full = [...args];
    const parts = treeUnflatten(inDef, xs) as unknown[];
    nums.forEach((n, j) => (full[n] = parts[j]));
    return f(...full);
  };
  return { leaves, inDef, g };
}

/** The standard basis of `n` coordinates spread over leaves of these shapes: leaf j is [n, ...shapes[j]]. */
function basis(shapes: readonly Shape[], dtypes: readonly Tracer["dtype"][]): Tracer[] {
  const n = shapes.reduce((s, sh) => s + shapeSize(sh), 0);
  let offset = 0;
  return shapes.map((shape, j) => {
    const size = shapeSize(shape);
    const rows = lax.iota("int32", [n, size], 0);
    const cols = lax.add(lax.iota("int32", [n, size], 1), lax.broadcastInDim(ConcreteArray.scalar(offset, "int32"), [n, size], []));
    offset += size;
    return lax.reshape(lax.convertElementType(lax.eq(rows, cols), dtypes[j]), [n, ...shape]);
  });
}

/** Rows `[from, from + size)` of `x` ([n, ...rest]) as [size..shape, ...rest] with the row axis moved last. */
function block(x: Tracer, from: number, rowShape: Shape, last: boolean): Tracer {
  const size = shapeSize(rowShape);
  const rest = x.shape.slice(1);
  const rows = lax.slice(x, [from, ...rest.map(() => 0)], [from + size, ...rest]);
  const shaped = lax.reshape(rows, [...rowShape, ...rest]);
  if (!last) return shaped;
  const r = rowShape.length;
  const perm = [...rest.map((_, i) => r + i), ...rowShape.map((_, i) => i)];
  return lax.transpose(shaped, perm);
}

/** Assemble per (out leaf, in leaf) blocks into JAX's structure: out tree of in trees (a list of them for an argnums list). */
function assemble(outDef: TreeDef, inDef: TreeDef, blocks: Tracer[][], argnums: number | readonly number[]): unknown {
  const perOut = blocks.map((row) => {
    const inTree = treeUnflatten(inDef, row) as unknown[];
    return typeof argnums === "number" ? inTree[0] : inTree;
  });
  return treeUnflatten(outDef, perOut);
}

/** Jacobian by forward mode: one batched JVP over the basis of the inputs. */
export function jacfwd(f: (...args: any[]) => any, options: JacOptions = {}) {
  const nums = checkJacobian("jacfwd", f, options);
  const argnums = options.argnums ?? 0;
  return (...args: unknown[]): unknown => {
    const { leaves, inDef, g } = splitArgs(f, args, nums, "jacfwd");
    let outDef: TreeDef | null = null;
    const push = (...tangents: Tracer[]) => {
      const [, t] = jvp((...xs: Tracer[]) => g(...xs), leaves, tangents);
      const [ts, def] = flattenArgs(t, "jacfwd (output)");
      outDef = def;
      return ts;
    };
    const columns = vmap(push)(...basis(leaves.map((x) => x.shape), leaves.map((x) => x.dtype))) as Tracer[];
    // columns[o]: [n, ...out.shape]; the block of input leaf j is its rows, moved last.
    const blocks = columns.map((c) => {
      let from = 0;
      return leaves.map((x) => {
        const b = block(c, from, x.shape, true);
        from += x.size;
        return b;
      });
    });
    return assemble(outDef!, inDef, blocks, argnums);
  };
}

/** Jacobian by reverse mode: one VJP, batched over the basis of the outputs. */
export function jacrev(f: (...args: any[]) => any, options: JacOptions = {}) {
  const nums = checkJacobian("jacrev", f, options);
  const argnums = options.argnums ?? 0;
  return (...args: unknown[]): unknown => {
    const { leaves, inDef, g } = splitArgs(f, args, nums, "jacrev");
    const [y, fVjp] = vjp((...xs: Tracer[]) => g(...xs), ...leaves);
    const [outs, outDef] = flattenArgs(y, "jacrev (output)");
    const cts = basis(outs.map((o) => o.shape), outs.map((o) => o.dtype));
    const pull = (...ctLeaves: Tracer[]) => fVjp(treeUnflatten(outDef, ctLeaves)) as Tracer[];
    const rows = vmap(pull)(...cts) as Tracer[];
    // rows[j]: [n_out, ...in_j.shape]; the block of output leaf o is its rows, shaped as o.
    let from = 0;
    const blocks = outs.map((o) => {
      const b = rows.map((r) => block(r, from, o.shape, false));
      from += o.size;
      return b;
    });
    return assemble(outDef, inDef, blocks, argnums);
  };
}

/** Hessian as forward-over-reverse: jacfwd(jacrev(f)), shape out.shape ++ x.shape ++ x.shape. */
export function hessian(f: (...args: any[]) => any, options: JacOptions = {}) {
  checkJacobian("hessian", f, options);
  return jacfwd(jacrev(f, options), options);
}
