import {
  ConcreteArray,
  type Program,
  type Shape,
  type Tracer,
  ValueError,
  bind1,
  flatFn,
  flattenArgs,
  isFloat,
  ops,
  shapeSize,
  treeDefEqual,
  releaseScope,
  treeDefString,
  treeFlatten,
  treeUnflatten,
} from "@lintra/core-ir";
import { jvpFlat } from "./jvp-trace.js";
import { applyLinear, linearizeFlat } from "./linearize.js";

import { instantiate } from "./zero.js";

/**
 * Forward mode: `jvp(f, primals, tangents)` -> `[f(...primals), J·tangents]`.
 * `primals` and `tangents` are lists of arguments with matching (pytree) structure.
 */
export function jvp(f: (...args: any[]) => any, primals: readonly unknown[], tangents: readonly unknown[]): [any, any] {
  return releaseScope(() => jvpTree(f, primals, tangents), leavesOf);
}

/** Every leaf of a result: what a release scope must keep. */
export const leavesOf = (tree: unknown): unknown[] => treeFlatten(tree)[0];

function jvpTree(f: (...args: any[]) => any, primals: readonly unknown[], tangents: readonly unknown[]): [any, any] {
  if (!Array.isArray(primals) || !Array.isArray(tangents)) throw new ValueError("jvp: primals and tangents must be lists of arguments");
  const [ps, inDef] = flattenArgs(primals, "jvp");
  const [ts, tDef] = flattenArgs(tangents, "jvp (tangents)");
  if (!treeDefEqual(inDef, tDef)) {
    throw new ValueError(`jvp: tangents have structure ${treeDefString(tDef)}; expected ${treeDefString(inDef)}, the structure of primals`);
  }
  const { fn, outDef } = flatFn(f, inDef, "jvp");
  const [outs, touts] = jvpFlat((...xs) => fn(...xs), ps, ts.map((t, i) => checkTangent(t, ps[i], i)));
  return [treeUnflatten(outDef(), outs), treeUnflatten(outDef(), touts.map(instantiate))];
}

function checkTangent(t: Tracer, p: Tracer, i: number): Tracer {
  if (!t.aval.equals(p.aval)) throw new ValueError(`jvp: tangent ${i} has type ${t.aval}; expected ${p.aval}, the type of its primal`);
  return t;
}

/** A linearized function: evaluates only the staged linear program. */
export interface LinearFn {
  (...tangents: unknown[]): any;
  /** The linear program over residuals, from input tangents to output tangents. */
  readonly program: Program;
  readonly primalTree: import("@lintra/core-ir").TreeDef;
  readonly outTree: import("@lintra/core-ir").TreeDef;
}

/**
 * `linearize(f, ...primals)` -> `[out, fLin]`: the primal is computed now; `fLin(...tangents)`
 * applies the Jacobian at `primals` by running the staged linear program.
 */
export function linearize(f: (...args: any[]) => any, ...primals: unknown[]): [any, LinearFn] {
  const [ps, inDef] = flattenArgs(primals, "linearize");
  const { fn, outDef } = flatFn(f, inDef, "linearize");
  // The residuals stay alive with fLin; the other intermediates are released.
  const { outs, program } = releaseScope(
    () => linearizeFlat(fn, ps),
    (r) => [...r.outs, ...r.program.consts],
  );
  const outTree = outDef();
  const fLin = (...tangents: unknown[]) => {
    const [ts, tDef] = flattenArgs(tangents, "linearize (tangents)");
    if (!treeDefEqual(inDef, tDef)) {
      throw new ValueError(`fLin: tangents have structure ${treeDefString(tDef)}; expected ${treeDefString(inDef)}`);
    }
    ts.forEach((t, i) => checkTangent(t, ps[i], i));
    return releaseScope(() => treeUnflatten(outTree, applyLinear(program, ts)), leavesOf);
  };
  Object.defineProperties(fLin, {
    program: { value: program },
    primalTree: { value: inDef },
    outTree: { value: outTree },
  });
  return [treeUnflatten(outTree, outs), fLin as LinearFn];
}

// ---------------------------------------------------------------------------------------
// Jacobians. A single array argument (selected by argnums) and a single array output.

export interface JacOptions {
  argnums?: number;
}

export function argAsArray(args: unknown[], argnums: number, where: string): Tracer {
  if (!Number.isInteger(argnums) || argnums < 0 || argnums >= args.length) {
    throw new ValueError(`${where}: argnums ${argnums} is out of range for ${args.length} positional arguments`);
  }
  const [leaves, def] = flattenArgs(args[argnums], where);
  if (def.kind !== "leaf") throw new ValueError(`${where}: argument ${argnums} must be a single array (got a structure ${treeDefString(def)})`);
  const x = leaves[0];
  if (!isFloat(x.dtype)) throw new ValueError(`${where}: argument ${argnums} has dtype ${x.dtype}; expected a float array`);
  return x;
}

export function outAsArray(out: unknown, where: string): Tracer {
  const [leaves, def] = flattenArgs(out, where);
  if (def.kind !== "leaf") throw new ValueError(`${where}: the function must return a single array (got ${treeDefString(def)})`);
  return leaves[0];
}

/** The standard basis vector e_i with the given shape. */
export function basis(shape: Shape, i: number, dtype: Tracer["dtype"]): Tracer {
  const data = new Float64Array(shapeSize(shape));
  data[i] = 1;
  return ConcreteArray.fromTyped(data, shape, dtype);
}

/** Stack `parts` (each of size `inner`) into an array of shape `shape` (rows in order). */
export function stackInto(parts: Tracer[], shape: Shape, dtype: Tracer["dtype"]): Tracer {
  if (parts.length === 0 || shapeSize(shape) === 0) return ops.full(shape, 0, dtype);
  const rows = parts.map((p) => ops.reshape(p, [1, p.size]));
  const stacked = rows.length === 1 ? rows[0] : bind1("concatenate", rows, { dimension: 0 });
  return ops.reshape(stacked, shape);
}

/** Jacobian by forward mode, one JVP per input element: shape out.shape ++ x.shape. */
export function jacfwd(f: (...args: any[]) => any, { argnums = 0 }: JacOptions = {}) {
  return (...args: unknown[]): Tracer => {
    const x = argAsArray(args, argnums, "jacfwd");
    const g = (xi: Tracer) => f(...args.map((a, i) => (i === argnums ? xi : a)));
    const columns: Tracer[] = [];
    let outShape: Shape = [];
    let outDtype = x.dtype;
    for (let i = 0; i < x.size; i++) {
      const [y, t] = jvp(g, [x], [basis(x.shape, i, x.dtype)]);
      outShape = outAsArray(y, "jacfwd").shape;
      outDtype = (t as Tracer).dtype;
      columns.push(t as Tracer);
    }
    if (x.size === 0) outShape = outAsArray(g(x), "jacfwd").shape;
    // columns[i] is ∂y/∂x_i; the Jacobian wants x's index last: stack, then move axes.
    const stacked = stackInto(columns, [x.size, shapeSize(outShape)], outDtype);
    const moved = ops.transpose(stacked, [1, 0]);
    return ops.reshape(moved, [...outShape, ...x.shape]);
  };
}
