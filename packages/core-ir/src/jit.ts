/**
 * `jit(f)`: stage `f` once per signature into a closed program and apply it as one `jit`
 * equation. Eagerly the program runs through the interpreter (or the backend's compiled
 * form); under a transformation the equation is transformed by its rules like any other.
 */
import { getBackend } from "./backend.js";
import { ConcreteArray } from "./eval.js";
import { TransformError, ValueError } from "./errors.js";
import { flattenArgs } from "./leaves.js";
import { LruCache } from "./lru.js";
import { donating } from "./memory.js";
import { type ClosedProgram, closeProgram, retainConsts } from "./program.js";
import { type TreeDef, treeDefString, treeFlatten, treeUnflatten } from "./pytree.js";
import { stageProgram } from "./staging.js";
import { checkArgnums, checkArgnumsRange, checkFunction, checkOptions, rejectPromise } from "./transform-checks.js";
import { type Tracer, bind } from "./trace.js";

/** Programs each jitted function keeps, one per signature, least recently used dropped first. */
export const JIT_CACHE_SIZE = 64;

export interface JitOptions {
  /** Positional arguments that are JS values, not arrays: their values are part of the signature. */
  staticArgnums?: number | readonly number[];
  /**
   * Positional arguments whose arrays the call may consume: their buffers are released at
   * their last use in the program or reused for its outputs, and the arrays are invalid
   * afterwards (JAX's donate_argnums). Only an eager call donates; under a transformation
   * it is ignored.
   */
  donateArgnums?: number | readonly number[];
}

/** A function staged for one signature: what `jit` and `checkpoint` apply as one equation. */
export interface StagedCall {
  readonly program: ClosedProgram;
  /** Values of enclosing transformations the function closed over: leading inputs of the program. */
  readonly hoisted: Tracer[];
  readonly outDef: TreeDef;
}

/** `fn` (flat arrays in, flat outputs and their structure out) staged as a closed program. */
export function stageCall(fn: (...xs: Tracer[]) => [Tracer[], TreeDef], avals: readonly Tracer["aval"][]): StagedCall {
  let outDef: TreeDef | null = null;
  const program = stageProgram((...xs) => {
    const [outs, def] = fn(...xs);
    outDef = def;
    return outs;
  }, avals);
  const { closed, hoisted } = closeProgram(program);
  return { program: closed, hoisted, outDef: outDef! };
}

/**
 * The staged call under `key`, staged by `make` on a miss and kept — unless it closed over
 * tracers of an enclosing transformation, which makes it valid only now.
 */
export function cachedCall(cache: LruCache<string, StagedCall>, key: string, make: () => StagedCall): StagedCall {
  let staged = cache.get(key);
  if (!staged) {
    staged = make();
    if (staged.hoisted.length === 0) {
      cache.set(key, staged);
      retainConsts(staged.program);
    }
  }
  return staged;
}

/** A static argument's part of the cache key: JSON for JS data, identity for anything else. */
const identities = new WeakMap<object, number>();
let nextIdentity = 0;
function staticKey(value: unknown): string {
  if (typeof value === "function" || (typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype)) {
    let id = identities.get(value as object);
    if (id === undefined) identities.set(value as object, (id = ++nextIdentity));
    return `#${id}`;
  }
  return JSON.stringify(value) ?? String(value);
}

/** The path (`[1].w`) of the first output leaf that is not an array or a JS number/boolean, if any. */
function badLeafPath(tree: unknown, path = ""): string | null {
  if (tree === null || tree === undefined || typeof tree === "number" || typeof tree === "boolean" || ArrayBuffer.isView(tree)) return null;
  if (Array.isArray(tree)) {
    for (let i = 0; i < tree.length; i++) {
      const p = badLeafPath(tree[i], `${path}[${i}]`);
      if (p !== null) return p;
    }
    return null;
  }
  if (typeof tree === "object" && Object.getPrototypeOf(tree) === Object.prototype) {
    for (const [k, v] of Object.entries(tree)) {
      const p = badLeafPath(v, `${path}.${k}`);
      if (p !== null) return p;
    }
    return null;
  }
  return typeof tree === "object" && "aval" in (tree as object) ? null : path || "(the output)";
}

function flattenOutput(out: unknown, name: string): [Tracer[], TreeDef] {
  rejectPromise(out, `jit(${name})`);
  const bad = badLeafPath(out);
  if (bad !== null) {
    throw new TransformError(`jit(${name}): output leaf at ${bad} is not an array (got ${typeof out === "object" ? "a non-array value" : typeof out}); return arrays, numbers or pytrees of them`);
  }
  const [leaves, def] = treeFlatten(out);
  return [flattenArgs(leaves, `jit(${name}) output`)[0], def];
}

/** The concrete arrays among the leaves of the donated arguments. */
function donatedArrays(args: readonly unknown[], donated: readonly number[]): Set<ConcreteArray> {
  const found = new Set<ConcreteArray>();
  for (const n of donated) for (const leaf of treeFlatten(args[n])[0]) if (leaf instanceof ConcreteArray) found.add(leaf);
  return found;
}

/**
 * Compile `f` as one program per signature (pytree structure, shapes, dtypes, static
 * argument values, backend). `f` runs exactly once per signature, on abstract values.
 */
export function jit<F extends (...args: any[]) => any>(f: F, options: JitOptions = {}): (...args: Parameters<F>) => ReturnType<F> {
  checkFunction("jit", f);
  const name = f.name || "fn";
  checkOptions(`jit(${name})`, options, ["staticArgnums", "donateArgnums"]);
  const statics = options.staticArgnums === undefined ? [] : checkArgnums(`jit(${name})`, options.staticArgnums, "staticArgnums", true);
  const donated = options.donateArgnums === undefined ? [] : checkArgnums(`jit(${name})`, options.donateArgnums, "donateArgnums", true);
  const both = donated.find((n) => statics.includes(n));
  if (both !== undefined) throw new ValueError(`jit(${name}): argument ${both} is in both staticArgnums and donateArgnums; a static argument is a JS value and cannot be donated`);
  const cache = new LruCache<string, StagedCall>(JIT_CACHE_SIZE);

  return (...args: unknown[]) => {
    checkArgnumsRange(`jit(${name})`, statics, args.length, "staticArgnums");
    checkArgnumsRange(`jit(${name})`, donated, args.length, "donateArgnums");
    const dynamicArgs = args.filter((_, i) => !statics.includes(i));
    const [leaves, dynamicDef] = flattenArgs(dynamicArgs, `jit(${name})`);
    const key = [treeDefString(dynamicDef), leaves.map((l) => l.aval.toString()).join(","), statics.map((i) => staticKey(args[i])).join(","), getBackend().name].join("|");
    const staged = cachedCall(cache, key, () =>
      stageCall((...xs) => {
        const dynamic = treeUnflatten(dynamicDef, xs) as unknown[];
        let j = 0;
        return flattenOutput(f(...args.map((a, i) => (statics.includes(i) ? a : dynamic[j++]))), name);
      }, leaves.map((l) => l.aval)),
    );
    const program = staged.program;
    const outs = donating(program, donatedArrays(args, donated), () => bind("jit", [...staged.hoisted, ...leaves], { name, program }));
    return treeUnflatten(staged.outDef, outs) as ReturnType<F>;
  };
}
