/** makeProgram: stage a function into a typed core-ir Program (JAX's make_jaxpr). */
import {
  type Program,
  ShapedArray,
  type TreeDef,
  Tracer,
  ValueError,
  checkFunction,
  rejectPromise,
  stageProgram,
  treeFlatten,
  treeUnflatten,
} from "@lintra/core-ir";
import { typedArrayDType } from "./host-data.js";
import { asArray } from "./operands.js";

/** A program plus the pytree structure of the arguments it was staged for and of its output. */
export type StagedProgram = Program & { readonly inTree: TreeDef; readonly outTree: TreeDef };

/** The abstract value an argument leaf stands for: JS numbers are float32 scalars. */
function leafAval(leaf: unknown): ShapedArray {
  if (leaf instanceof Tracer) return leaf.aval;
  if (typeof leaf === "number") return new ShapedArray([], "float32");
  if (typeof leaf === "boolean") return new ShapedArray([], "bool");
  if (ArrayBuffer.isView(leaf)) return new ShapedArray([(leaf as Float32Array).length], typedArrayDType(leaf, "makeProgram"));
  throw new ValueError(`makeProgram: cannot stage an argument leaf ${String(leaf)}; expected arrays, numbers or booleans`);
}

/**
 * `makeProgram(f)(...args)` traces `f` on abstract values shaped like `args` (pytrees of
 * arrays) and returns the program; `program.toString()` pretty-prints it.
 */
export function makeProgram<A extends unknown[]>(f: (...args: A) => unknown): (...args: A) => StagedProgram {
  checkFunction("makeProgram", f);
  return (...args: A) => {
    const [leaves, inTree] = treeFlatten(args);
    let outTree: TreeDef | undefined;
    const program = stageProgram((...ins: Tracer[]) => {
      const out = f(...(treeUnflatten(inTree, ins) as A));
      rejectPromise(out, "makeProgram");
      const [outLeaves, def] = treeFlatten(out);
      outTree = def;
      return outLeaves.map((leaf) => asArray(leaf as Tracer, "makeProgram"));
    }, leaves.map(leafAval));
    return Object.assign(program, { inTree, outTree: outTree! });
  };
}
