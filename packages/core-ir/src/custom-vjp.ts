/**
 * `customVjp(fn)`: a function whose reverse-mode derivative is the user's (JAX's
 * custom_vjp). `h.defvjp(fwd, bwd)`: `fwd(...args)` returns `[out, residuals]`,
 * `bwd(residuals, ct)` one cotangent per argument. `h(...args)` applies `fn`, staged once
 * per signature, as one `custom_vjp_call` equation. Its JVP rule runs `fwd` (as a jit) and
 * stands for the output tangents by a `custom_lin` equation, which the backward pass
 * transposes by calling `bwd`. Forward mode has nothing to evaluate `custom_lin` with: a
 * TransformError, as in JAX.
 */
import { CUSTOM_CACHE_SIZE, type StagedFn, signatureKey, stageFn, stageUserProgram } from "./custom-staging.js";
import { TransformError } from "./errors.js";
import { flattenArgs } from "./leaves.js";
import { LruCache } from "./lru.js";
import { type ClosedProgram, retainConsts } from "./program.js";
import { type TreeDef, treeUnflatten } from "./pytree.js";
import { describeTree, leavesMatching, zerosForNulls } from "./rule-outputs.js";
import type { ShapedArray } from "./shape.js";
import { type Tracer, bind } from "./trace.js";
import { checkFunction } from "./transform-checks.js";

export type FwdFn = (...args: any[]) => [unknown, unknown];
export type BwdFn = (residuals: any, ct: any) => unknown[];

let nextId = 0;

/**
 * The `fwd` param of a custom_vjp_call: the user's fwd for one signature of the function,
 * staged on first use (JAX's fwd_jaxpr_thunk: fwd may call the function itself, whose
 * call then stages as a custom_vjp_call inside it).
 */
export class CustomVjpFwd {
  /** Identity for `paramsKey` (the only enumerable field; the rest is private). */
  readonly id = ++nextId;
  readonly #name: string;
  readonly #fwd: FwdFn;
  readonly #fn: StagedFn;
  #staged: { program: ClosedProgram; resDef: TreeDef } | null = null;

  constructor(name: string, fwd: FwdFn, fn: StagedFn) {
    this.#name = name;
    this.#fwd = fwd;
    this.#fn = fn;
  }
  /** Inputs -> the function's outputs, then the residual leaves. */
  program(): ClosedProgram {
    return this.#stage().program;
  }
  get resDef(): TreeDef {
    return this.#stage().resDef;
  }
  get resAvals(): ShapedArray[] {
    return this.program().outAvals.slice(this.#fn.program.outAvals.length);
  }
  /** What the printer shows: `fwd=<fwd's name>`. */
  toJSON(): string {
    return this.#fwd.name || "fwd";
  }
  #stage(): { program: ClosedProgram; resDef: TreeDef } {
    return (this.#staged ??= stageFwd(this.#name, this.#fwd, this.#fn));
  }
}

/**
 * The `bwd` param of custom_vjp_call and custom_lin: the user's bwd for one signature of
 * the function, with the structures and types it maps between.
 */
export class CustomVjpBwd {
  readonly id = ++nextId;
  readonly #name: string;
  readonly #bwd: BwdFn;
  readonly #fn: StagedFn;
  readonly #fwd: CustomVjpFwd;

  constructor(name: string, bwd: BwdFn, fn: StagedFn, fwd: CustomVjpFwd) {
    this.#name = name;
    this.#bwd = bwd;
    this.#fn = fn;
    this.#fwd = fwd;
  }
  get inAvals(): ShapedArray[] {
    return this.#fn.program.inAvals;
  }
  get outAvals(): ShapedArray[] {
    return this.#fn.program.outAvals;
  }
  get resAvals(): ShapedArray[] {
    return this.#fwd.resAvals;
  }
  /** What the printer shows: `bwd=<bwd's name>`. */
  toJSON(): string {
    return this.#bwd.name || "bwd";
  }

  /**
   * Cotangents of the function's input leaves from residuals and output cotangents:
   * `bwd(residuals, ct)` must return a list with one entry per argument (even for one),
   * `null` where the cotangent is zero; integer arguments' entries are ignored.
   */
  apply(residuals: readonly Tracer[], cts: readonly Tracer[]): Tracer[] {
    const { inDef, outDef } = this.#fn;
    const inAvals = this.inAvals;
    const out = this.#bwd(treeUnflatten(this.#fwd.resDef, residuals), treeUnflatten(outDef, cts));
    const filled = Array.isArray(out) ? zerosForNulls(out, inDef, inAvals) : out;
    return leavesMatching(
      filled,
      inDef,
      inAvals,
      (got) =>
        `customVjp function '${this.#name}': its bwd '${this.toJSON()}' returned ${got}; expected ${describeTree(inDef, inAvals)}, ` +
        `one cotangent per argument of '${this.#name}' (a list, even for one argument; null for a zero cotangent)`,
      { nonFloatIgnored: true },
    );
  }
}

/** JAX's error for forward mode through a custom_vjp function. */
export function forwardModeError(name: string): TransformError {
  return new TransformError(
    `customVjp function '${name}' cannot be differentiated in forward mode (jvp, jacfwd, hessian, or evaluating a linearize result): ` +
      "it defines only a VJP; use vjp, grad or jacrev, or define it with customJvp instead",
  );
}

/** Stage `fwd` at the function's signature: inputs -> its outputs (typed as fn's), then the residual leaves. */
function stageFwd(name: string, fwd: FwdFn, fn: StagedFn): { program: ClosedProgram; resDef: TreeDef } {
  let resDef: TreeDef | null = null;
  const fwdName = fwd.name || "fwd";
  const outAvals = fn.program.outAvals;
  const apply = (...xs: Tracer[]) => {
    const r = fwd(...(treeUnflatten(fn.inDef, xs) as unknown[]));
    if (!Array.isArray(r) || r.length !== 2) throw new TransformError(`customVjp function '${name}': its fwd '${fwdName}' must return [out, residuals]`);
    const outs = leavesMatching(
      r[0],
      fn.outDef,
      outAvals,
      (got) => `customVjp function '${name}': its fwd '${fwdName}' returned an output ${got}; expected ${describeTree(fn.outDef, outAvals)}, what '${name}' returns`,
    );
    const [res, def] = flattenArgs(r[1], `customVjp function '${name}': residuals of its fwd '${fwdName}'`);
    resDef = def;
    return [...outs, ...res];
  };
  const program = stageUserProgram(apply, fn.program.inAvals, name, `its fwd '${fwdName}'`);
  return { program, resDef: resDef! };
}

export interface CustomVjpFunction<F extends (...args: any[]) => any> {
  (...args: Parameters<F>): ReturnType<F>;
  /** Give the VJP: `fwd(...args) -> [out, residuals]`, `bwd(residuals, ct) -> one cotangent per argument` (JAX's defvjp). */
  defvjp(fwd: FwdFn, bwd: BwdFn): void;
}

interface Entry {
  readonly fn: StagedFn;
  readonly fwd: CustomVjpFwd;
  readonly bwd: CustomVjpBwd;
}

/** `customVjp(fn)`: `fn` whose VJP is given with `.defvjp(fwd, bwd)` (JAX's `jax.custom_vjp`). */
export function customVjp<F extends (...args: any[]) => any>(fn: F): CustomVjpFunction<F> {
  checkFunction("customVjp", fn);
  const name = fn.name || "fn";
  let rules: { fwd: FwdFn; bwd: BwdFn } | null = null;
  const newCache = () => new LruCache<string, Entry>(CUSTOM_CACHE_SIZE);
  let cache = newCache();

  const stage = (leaves: readonly Tracer[], inDef: TreeDef, { fwd, bwd }: { fwd: FwdFn; bwd: BwdFn }): Entry => {
    const staged = stageFn(fn, name, leaves, inDef);
    const fwdRule = new CustomVjpFwd(name, fwd, staged);
    return { fn: staged, fwd: fwdRule, bwd: new CustomVjpBwd(name, bwd, staged, fwdRule) };
  };
  const call = (...args: unknown[]) => {
    if (!rules) throw new TransformError(`customVjp function '${name}' has no VJP: call .defvjp(fwd, bwd) before calling it`);
    const [leaves, inDef] = flattenArgs(args, `customVjp(${name})`);
    const key = signatureKey(inDef, leaves.map((l) => l.aval));
    let entry = cache.get(key);
    if (!entry) {
      cache.set(key, (entry = stage(leaves, inDef, rules)));
      retainConsts(entry.fn.program);
    }
    const outs = bind("custom_vjp_call", leaves, { name, program: entry.fn.program, fwd: entry.fwd, bwd: entry.bwd });
    return treeUnflatten(entry.fn.outDef, outs);
  };
  const defvjp = (fwd: FwdFn, bwd: BwdFn): void => {
    if (typeof fwd !== "function" || typeof bwd !== "function") {
      throw new TransformError(`customVjp function '${name}': defvjp expects two functions (fwd, bwd), got ${typeof fwd} and ${typeof bwd}`);
    }
    rules = { fwd, bwd };
    cache = newCache(); // programs staged for the old rules hold them
  };
  Object.defineProperty(call, "name", { value: name }); // what jit and errors call it
  return Object.assign(call, { defvjp }) as CustomVjpFunction<F>;
}
