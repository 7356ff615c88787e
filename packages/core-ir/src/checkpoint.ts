/**
 * `checkpoint(f, { policy })` (alias `remat`): `f` applied as one `checkpoint` equation.
 * Its value is `f`'s; under differentiation, only the residuals the policy allows are kept
 * between the forward and the backward pass, and the rest is recomputed in the backward
 * pass (see checkpoint-rules.ts). `f` is staged once per signature, as with `jit`.
 */
import { getBackend } from "./backend.js";
import { type SaveablePredicate, type SavePolicy, toPolicy } from "./checkpoint-policy.js";
import { ValueError } from "./errors.js";
import { flattenArgs } from "./leaves.js";
import { LruCache } from "./lru.js";
import { type StagedCall, cachedCall, stageCall } from "./jit.js";
import { treeDefString, treeUnflatten } from "./pytree.js";
import { type Tracer, bind } from "./trace.js";
import { checkFunction, checkOptions } from "./transform-checks.js";

export interface CheckpointOptions {
  /** Which residuals may be saved: a policy name, a predicate, or a policy value. Default "nothing_saveable". */
  policy?: "nothing_saveable" | "everything_saveable" | "dots_saveable" | "dots_with_no_batch_dims_saveable" | SaveablePredicate | SavePolicy;
}

/** Programs each checkpointed function keeps, one per signature. */
const CHECKPOINT_CACHE_SIZE = 64;

export function checkpoint<F extends (...args: any[]) => any>(f: F, options: CheckpointOptions = {}): (...args: Parameters<F>) => ReturnType<F> {
  checkFunction("checkpoint", f);
  const name = f.name || "fn";
  checkOptions(`checkpoint(${name})`, options, ["policy"]);
  const policy = toPolicy(options.policy, `checkpoint(${name})`);
  const cache = new LruCache<string, StagedCall>(CHECKPOINT_CACHE_SIZE);
  return (...args: unknown[]) => {
    const [leaves, inDef] = flattenArgs(args, `checkpoint(${name})`);
    const keyLeaf = policy.sparsifier?.keyArgnum === undefined ? null : keyLeafIndex(args, policy.sparsifier.keyArgnum, name);
    const key = [treeDefString(inDef), leaves.map((l) => l.aval.toString()).join(","), getBackend().name].join("|");
    const staged = cachedCall(cache, key, () =>
      stageCall((...xs) => flattenArgs(f(...(treeUnflatten(inDef, xs) as unknown[])), `checkpoint(${name}) output`), leaves.map((l) => l.aval)),
    );
    const callPolicy = keyLeaf === null ? policy : policy.withKeyInput(staged.hoisted.length + keyLeaf);
    const outs = bind("checkpoint", [...staged.hoisted, ...leaves], { name, program: staged.program, policy: callPolicy });
    return treeUnflatten(staged.outDef, outs) as ReturnType<F>;
  };
}

/** The leaf index of positional argument `argnum`, which must be one key array (int32[2]). */
function keyLeafIndex(args: readonly unknown[], argnum: number, name: string): number {
  const call = `checkpoint(${name})`;
  if (argnum >= args.length) throw new ValueError(`${call}: the policy reads its key from argument ${argnum}, but the call has ${args.length} arguments`);
  const before = flattenArgs(args.slice(0, argnum), call)[0].length;
  const [key] = flattenArgs([args[argnum]], call);
  if (key.length !== 1 || key[0].dtype !== "int32" || key[0].shape.join() !== "2") {
    throw new ValueError(`${call}: argument ${argnum} is the policy's key; expected one int32[2] key array (random.key, random.split), got ${key.map((k) => k.aval).join(", ") || "no array"}`);
  }
  return before;
}

/** JAX's other name for `checkpoint`. */
export const remat = checkpoint;

/**
 * `x`, named `name` for `checkpoint` policies: `saveOnlyTheseNames(name)` saves it (and only
 * named values) between the passes; the rest is recomputed. Outside a checkpoint it does nothing.
 */
export function checkpointName<T extends Tracer>(x: T, name: string): T {
  if (typeof name !== "string" || name === "") throw new ValueError(`checkpointName: name is ${JSON.stringify(name)}; expected a non-empty string`);
  const [[array]] = flattenArgs([x], "checkpointName");
  return bind("name", [array], { name })[0] as T;
}
