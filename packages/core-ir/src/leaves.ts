import { ValueError } from "./errors.js";
import { ConcreteArray } from "./eval.js";
import { type TreeDef, treeFlatten, treeUnflatten } from "./pytree.js";
import { Tracer } from "./trace.js";
import { rejectPromise } from "./transform-checks.js";

/**
 * The one converter of JS leaves to arrays: JS numbers become float32 scalars (weakly typed
 * inputs), booleans bool scalars, typed arrays keep their dtype.
 */
export function asArray(leaf: unknown, where: string): Tracer {
  if (leaf instanceof Tracer) return leaf;
  if (typeof leaf === "number") return ConcreteArray.scalar(leaf, "float32");
  if (typeof leaf === "boolean") return ConcreteArray.scalar(leaf, "bool");
  if (leaf instanceof Float32Array) return ConcreteArray.fromTyped(leaf, [leaf.length], "float32");
  if (leaf instanceof Float64Array) return ConcreteArray.fromTyped(leaf, [leaf.length], "float64");
  if (leaf instanceof Int32Array) return ConcreteArray.fromTyped(leaf, [leaf.length], "int32");
  throw new ValueError(`${where}: expected an array or a number, got ${Object.prototype.toString.call(leaf)}`);
}

/** Flatten a pytree of inputs into arrays. */
export function flattenArgs(tree: unknown, where: string): [Tracer[], TreeDef] {
  rejectPromise(tree, where);
  const [leaves, def] = treeFlatten(tree);
  return [leaves.map((l) => asArray(l, where)), def];
}

/** Wrap `f` (on pytrees) as a function on flat arrays that records its output structure. */
export function flatFn(f: (...args: any[]) => unknown, inDef: TreeDef, where: string): { fn: (...xs: Tracer[]) => Tracer[]; outDef: () => TreeDef } {
  let out: TreeDef | null = null;
  const fn = (...xs: Tracer[]) => {
    const args = treeUnflatten(inDef, xs) as unknown[];
    const result = f(...args);
    rejectPromise(result, where);
    const [leaves, def] = flattenArgs(result, `${where} (output)`);
    out = def;
    return leaves;
  };
  return {
    fn,
    outDef: () => {
      if (!out) throw new Error("internal: output structure read before the function ran");
      return out;
    },
  };
}
