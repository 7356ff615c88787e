/**
 * What the user's rules return (customJvp's rule, customVjp's fwd and bwd), checked
 * against the types the function itself has: same pytree structure, same leaf types.
 */
import { isFloat } from "./dtype.js";
import { TransformError } from "./errors.js";
import { ConcreteArray } from "./eval.js";
import { asArray } from "./leaves.js";
import { zerosLike } from "./ops.js";
import { type TreeDef, treeDefEqual, treeDefString, treeFlatten, treeLeafCount, treeUnflatten } from "./pytree.js";
import type { ShapedArray } from "./shape.js";
import type { Tracer } from "./trace.js";

/** A pytree's structure and leaf types, as error messages show it: `[*, *] of (f32[3], f32[])`. */
export function describeTree(def: TreeDef, avals: readonly ShapedArray[]): string {
  return `${treeDefString(def)} of (${avals.join(", ")})`;
}

/** A leaf as an array; a JS number where a scalar is expected is weakly typed: it takes that dtype. */
function leafArray(leaf: unknown, expected: ShapedArray | undefined, mismatch: (got: string) => string): Tracer {
  if (typeof leaf === "number" && expected?.ndim === 0) return ConcreteArray.scalar(leaf, expected.dtype);
  try {
    return asArray(leaf, "");
  } catch {
    throw new TransformError(mismatch(`a non-array leaf (${Object.prototype.toString.call(leaf)})`));
  }
}

export interface MatchOptions {
  /** Leaves of a non-float type carry no derivative: any value is accepted and replaced by zeros. */
  readonly nonFloatIgnored?: boolean;
}

/**
 * The leaves of `tree`, which must have structure `def` and leaf types `avals`; otherwise a
 * TransformError whose message `mismatch(got)` names what came back and what was expected.
 */
export function leavesMatching(tree: unknown, def: TreeDef, avals: readonly ShapedArray[], mismatch: (got: string) => string, options: MatchOptions = {}): Tracer[] {
  let leaves: unknown[];
  let got: TreeDef;
  try {
    [leaves, got] = treeFlatten(tree);
  } catch {
    throw new TransformError(mismatch(`a value that is not a pytree (${Object.prototype.toString.call(tree)})`));
  }
  const arrays = leaves.map((l, i) => leafArray(l, avals[i], mismatch));
  if (!treeDefEqual(got, def)) throw new TransformError(mismatch(describeTree(got, arrays.map((a) => a.aval))));
  return arrays.map((a, i) => {
    if (options.nonFloatIgnored && !isFloat(avals[i].dtype)) return zerosLike(avals[i]);
    if (!a.aval.equals(avals[i])) throw new TransformError(mismatch(describeTree(got, arrays.map((x) => x.aval))));
    return a;
  });
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && [Object.prototype, null].includes(Object.getPrototypeOf(x));

/**
 * `tree` with every `null` (or `undefined`) that stands where `def` has a subtree replaced
 * by zeros of that subtree's types: JAX's `None` as a zero cotangent. Anything else that
 * does not fit `def` is left for `leavesMatching` to report.
 */
export function zerosForNulls(tree: unknown, def: TreeDef, avals: readonly ShapedArray[], start = 0): unknown {
  if ((tree === null || tree === undefined) && def.kind !== "none") {
    return treeUnflatten(def, avals.slice(start, start + treeLeafCount(def)).map(zerosLike));
  }
  const children = def.kind === "array" || def.kind === "object" ? def.children : [];
  const fill = (values: unknown[]) => {
    let k = start;
    return children.map((child, i) => {
      const filled = zerosForNulls(values[i], child, avals, k);
      k += treeLeafCount(child);
      return filled;
    });
  };
  if (def.kind === "array" && Array.isArray(tree) && tree.length === children.length) return fill(tree);
  if (def.kind === "object" && isPlainObject(tree) && Object.keys(tree).sort().join("\0") === def.keys.join("\0")) {
    const values = fill(def.keys.map((k) => tree[k]));
    return Object.fromEntries(def.keys.map((k, i) => [k, values[i]]));
  }
  return tree;
}
