import {
  ConcreteArray,
  type Program,
  type Shape,
  type Tracer,
  ValueError,
  bind1,
  checkFunction,
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
  checkFunction("jvp", f);
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
  checkFunction("linearize", f);
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
