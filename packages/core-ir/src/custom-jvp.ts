/**
 * `customJvp(fn)`: a function whose derivative is the user's rule (JAX's custom_jvp).
 * `g.defjvp((primals, tangents) => [primalOut, tangentOut])` gives the rule; `g(...args)`
 * applies `fn`, staged once per signature, as one `custom_jvp_call` equation. Evaluated or
 * staged it is `fn`; its JVP rule applies the user's rule, staged into a program, as a
 * `jit` — so `linearize` splits it like any jit and reverse mode transposes the rule's
 * linear part: no VJP rule is needed.
 */
import { CUSTOM_CACHE_SIZE, type StagedFn, signatureKey, stageFn, stageUserProgram } from "./custom-staging.js";
import { TransformError } from "./errors.js";
import { flattenArgs } from "./leaves.js";
import { LruCache } from "./lru.js";
import { type ClosedProgram, retainConsts } from "./program.js";
import { type TreeDef, treeUnflatten } from "./pytree.js";
import { describeTree, leavesMatching } from "./rule-outputs.js";
import { type Tracer, bind } from "./trace.js";
import { checkFunction } from "./transform-checks.js";

/** The user's rule: primals and tangents are lists of the arguments (pytrees); returns [primalOut, tangentOut]. */
export type JvpRuleFn = (primals: any[], tangents: any[]) => [unknown, unknown];

let nextId = 0;

/**
 * The `jvp` param of a custom_jvp_call: the user's rule for one signature of the function,
 * staged on first use (tangents are always instantiated, zeros included, as JAX passes
 * them without `symbolic_zeros`, so there is one program).
 */
export class CustomJvpRule {
  /** Identity for `paramsKey` (the only enumerable field; the rest is private). */
  readonly id = ++nextId;
  readonly #rule: JvpRuleFn;
  readonly #name: string;
  readonly #inDef: TreeDef;
  readonly #outDef: TreeDef;
  readonly #primal: ClosedProgram;
  #program: ClosedProgram | null = null;

  constructor(name: string, rule: JvpRuleFn, inDef: TreeDef, outDef: TreeDef, primal: ClosedProgram) {
    this.#name = name;
    this.#rule = rule;
    this.#inDef = inDef;
    this.#outDef = outDef;
    this.#primal = primal;
  }

  /** [primals…, tangents…] -> [primal outputs…, tangent outputs…], typed as the function is. */
  program(): ClosedProgram {
    return (this.#program ??= this.#stage());
  }

  /** What the printer shows: `jvp=<rule's name>`. */
  toJSON(): string {
    return this.#rule.name || "rule";
  }

  #stage(): ClosedProgram {
    const inAvals = this.#primal.inAvals;
    return stageUserProgram((...xs) => this.#apply(xs, inAvals.length), [...inAvals, ...inAvals], this.#name, `its JVP rule '${this.toJSON()}'`);
  }

  /** The rule on flat [primals…, tangents…], its outputs checked and flattened. */
  #apply(xs: Tracer[], n: number): Tracer[] {
    const primals = treeUnflatten(this.#inDef, xs.slice(0, n)) as unknown[];
    const tangents = treeUnflatten(this.#inDef, xs.slice(n)) as unknown[];
    const out = this.#rule(primals, tangents);
    if (!Array.isArray(out) || out.length !== 2) {
      throw new TransformError(`customJvp function '${this.#name}': its JVP rule '${this.toJSON()}' must return [primalOut, tangentOut]`);
    }
    return [...this.#check(out[0], "primal output", {}), ...this.#check(out[1], "tangent output", { nonFloatIgnored: true })];
  }

  #check(tree: unknown, what: string, options: { nonFloatIgnored?: boolean }): Tracer[] {
    const avals = this.#primal.outAvals;
    return leavesMatching(
      tree,
      this.#outDef,
      avals,
      (got) => `customJvp function '${this.#name}': its JVP rule '${this.toJSON()}' returned a ${what} ${got}; expected ${describeTree(this.#outDef, avals)}, what '${this.#name}' returns`,
      options,
    );
  }
}

export interface CustomJvpFunction<F extends (...args: any[]) => any> {
  (...args: Parameters<F>): ReturnType<F>;
  /** Give the JVP rule, `(primals, tangents) => [primalOut, tangentOut]`; returns it (JAX's defjvp). */
  defjvp<R extends JvpRuleFn>(rule: R): R;
}

/** `customJvp(fn)`: `fn` whose derivative is the rule given with `.defjvp` (JAX's `jax.custom_jvp`). */
export function customJvp<F extends (...args: any[]) => any>(fn: F): CustomJvpFunction<F> {
  checkFunction("customJvp", fn);
  const name = fn.name || "fn";
  let rule: JvpRuleFn | null = null;
  const newCache = () => new LruCache<string, { staged: StagedFn; jvp: CustomJvpRule }>(CUSTOM_CACHE_SIZE);
  let cache = newCache();

  const call = (...args: unknown[]) => {
    if (!rule) throw new TransformError(`customJvp function '${name}' has no JVP rule: call .defjvp(rule) before calling it`);
    const [leaves, inDef] = flattenArgs(args, `customJvp(${name})`);
    const key = signatureKey(inDef, leaves.map((l) => l.aval));
    let entry = cache.get(key);
    if (!entry) {
      const staged = stageFn(fn, name, leaves, inDef);
      entry = { staged, jvp: new CustomJvpRule(name, rule, inDef, staged.outDef, staged.program) };
      cache.set(key, entry);
      retainConsts(staged.program);
    }
    const outs = bind("custom_jvp_call", leaves, { name, program: entry.staged.program, jvp: entry.jvp });
    return treeUnflatten(entry.staged.outDef, outs);
  };
  const defjvp = <R extends JvpRuleFn>(r: R): R => {
    if (typeof r !== "function") throw new TransformError(`customJvp function '${name}': defjvp expects a function, got ${typeof r}`);
    rule = r;
    cache = newCache(); // programs staged for the old rule hold it
    return r;
  };
  Object.defineProperty(call, "name", { value: name }); // what jit and errors call it
  return Object.assign(call, { defjvp }) as CustomJvpFunction<F>;
}
