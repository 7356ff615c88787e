import { ValueError } from "./errors.js";
import { Tracer } from "./trace.js";
import { rejectPromise } from "./transform-checks.js";

/** A nested structure of leaves: arrays of trees, plain objects of trees, or a leaf. */
export type PyTree<L = unknown> = L | readonly PyTree<L>[] | { readonly [k: string]: PyTree<L> };

/** The shape of a pytree without its leaves. */
export type TreeDef =
  | { readonly kind: "leaf" }
  | { readonly kind: "none"; readonly value: null | undefined }
  | { readonly kind: "array"; readonly children: readonly TreeDef[] }
  | { readonly kind: "object"; readonly keys: readonly string[]; readonly children: readonly TreeDef[] };

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Deeper pytrees are refused (a JS stack would overflow long before a real model nests this deep). */
export const MAX_TREE_DEPTH = 1000;

/** Leaves in depth-first order (object keys sorted, as JAX sorts dict keys) and the structure. */
export function treeFlatten<L = unknown>(tree: unknown, isLeaf: (x: unknown) => boolean = defaultIsLeaf): [L[], TreeDef] {
  const leaves: L[] = [];
  const ancestors = new Set<object>();
  const walk = (x: unknown, path: string, depth: number): TreeDef => {
    if (x === null || x === undefined) return { kind: "none", value: x };
    if (isLeaf(x)) {
      leaves.push(x as L);
      return { kind: "leaf" };
    }
    if (!Array.isArray(x) && !isPlainObject(x)) {
      rejectPromise(x, `pytree: at ${path || "the root"}`);
      throw new ValueError(`pytree: cannot flatten ${describe(x)} at ${path || "the root"}; expected arrays, numbers, booleans, JS arrays or plain objects`);
    }
    if (ancestors.has(x)) throw new ValueError(`pytree: cyclic reference at ${path}: a pytree must not contain itself`);
    if (depth >= MAX_TREE_DEPTH) throw new ValueError(`pytree: nested deeper than ${MAX_TREE_DEPTH} levels at ${path.slice(0, 80)}…`);
    ancestors.add(x);
    let def: TreeDef;
    if (Array.isArray(x)) {
      def = { kind: "array", children: x.map((c, i) => walk(c, `${path}[${i}]`, depth + 1)) };
    } else {
      const keys = Object.keys(x).sort();
      def = { kind: "object", keys, children: keys.map((k) => walk(x[k], `${path}.${k}`, depth + 1)) };
    }
    ancestors.delete(x);
    return def;
  };
  const def = walk(tree, "", 0);
  return [leaves, def];
}

/** A value's kind for an error message, without converting it. */
function describe(x: unknown): string {
  if (typeof x === "object" && x !== null) return `an object of class ${x.constructor?.name ?? "(none)"}`;
  if (typeof x === "function") return `a function (${x.name || "anonymous"})`;
  return `a ${typeof x} (${String(x)})`;
}

function defaultIsLeaf(x: unknown): boolean {
  return x instanceof Tracer || typeof x === "number" || typeof x === "boolean" || ArrayBuffer.isView(x);
}

export function treeUnflatten<L>(def: TreeDef, leaves: readonly L[]): unknown {
  let i = 0;
  const build = (d: TreeDef): unknown => {
    switch (d.kind) {
      case "leaf":
        return leaves[i++];
      case "none":
        return d.value;
      case "array":
        return d.children.map(build);
      case "object":
        return Object.fromEntries(d.keys.map((k, j) => [k, build(d.children[j])]));
    }
  };
  const out = build(def);
  if (i !== leaves.length) throw new ValueError(`pytree: structure has ${i} leaves but ${leaves.length} were given`);
  return out;
}

export function treeLeafCount(def: TreeDef): number {
  switch (def.kind) {
    case "leaf":
      return 1;
    case "none":
      return 0;
    default:
      return def.children.reduce((n, c) => n + treeLeafCount(c), 0);
  }
}

export function treeDefEqual(a: TreeDef, b: TreeDef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "leaf" || a.kind === "none") return true;
  const bb = b as typeof a;
  if (a.children.length !== bb.children.length) return false;
  if (a.kind === "object" && a.keys.join("\0") !== (bb as typeof a).keys.join("\0")) return false;
  return a.children.every((c, i) => treeDefEqual(c, bb.children[i]));
}

export function treeDefString(def: TreeDef): string {
  switch (def.kind) {
    case "leaf":
      return "*";
    case "none":
      return String(def.value);
    case "array":
      return `[${def.children.map(treeDefString).join(", ")}]`;
    case "object":
      return `{${def.keys.map((k, i) => `${k}: ${treeDefString(def.children[i])}`).join(", ")}}`;
  }
}

/** Apply `f` to every leaf, keeping the structure. */
export function treeMap<A, B>(f: (leaf: A) => B, tree: unknown): unknown {
  const [leaves, def] = treeFlatten<A>(tree);
  return treeUnflatten(def, leaves.map(f));
}
