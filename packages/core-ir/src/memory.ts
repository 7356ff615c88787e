/**
 * Memory policy, in one place: who owns a backend buffer and when it is given back.
 *
 * - An array owns its buffer; the garbage collector's finalizer gives it back when the
 *   array is collected, unless it was released earlier.
 * - A transformation called eagerly releases the intermediates its own rules made (JVP
 *   rules, transposition, linear programs) when it returns: a release scope.
 * - A compiled program's intermediates are plain buffers, released by the interpreter at
 *   their last use; only at the eval trace do results become arrays (`runImpl` in eval.ts).
 * Releasing is idempotent per owner, so a buffer is never given back twice.
 */
import type { Backend } from "./backend.js";
import type { ShapedArray } from "./shape.js";
import { traceDepth } from "./trace.js";

/** What the finalizer needs to give a buffer back. */
interface Held {
  readonly backend: Backend<any>;
  readonly buffer: unknown;
}

const finalizers = new FinalizationRegistry<Held>(({ backend, buffer }) => backend.release(buffer));

/** Give `buffer` back when `owner` is garbage collected. */
export function releaseOnCollect(owner: object, backend: Backend<any>, buffer: unknown): void {
  finalizers.register(owner, { backend, buffer }, owner);
}

/** Forget the finalizer of `owner`: its buffer was released or handed on. */
export function forgetOwner(owner: object): void {
  finalizers.unregister(owner);
}

/** Something whose memory a release scope may give back. */
export interface Disposable {
  dispose(): void;
}

let internalDepth = 0;
let scope: Disposable[] | null = null;

/** Run `fn` as transformation-internal work: arrays its kernels produce may be released. */
export function asInternal<R>(fn: () => R): R {
  internalDepth++;
  try {
    return fn();
  } finally {
    internalDepth--;
  }
}

/** Called for every array a kernel produces: remembered when it is transformation-internal. */
export function noteProduced(array: Disposable): void {
  if (scope && internalDepth > 0) scope.push(array);
}

/**
 * Run an eager transformation; afterwards release every array that its internal work
 * (JVP rules, transposition, linear programs) produced, except those reachable from
 * `keep(result)`. Only the outermost eager call releases; nested ones just run.
 */
export function releaseScope<R>(fn: () => R, keep: (result: R) => Iterable<unknown>): R {
  if (scope !== null || traceDepth() > 0) return fn();
  const mine: Disposable[] = [];
  scope = mine;
  let result: R;
  try {
    result = fn();
  } catch (e) {
    scope = null;
    for (const a of mine) a.dispose();
    throw e;
  }
  scope = null;
  const kept = new Set<unknown>(keep(result));
  for (const a of mine) if (!kept.has(a)) a.dispose();
  return result;
}

/**
 * `buffer` (on `from`) as a buffer on `to`, and whether it is a copy that the caller must
 * release after use: arrays may live on another backend than the one running a kernel.
 */
export function bufferOn(from: Backend<any>, buffer: unknown, aval: ShapedArray, to: Backend<any>): { buffer: unknown; copied: boolean } {
  if (from === to) return { buffer, copied: false };
  return { buffer: to.fromTyped(from.read(buffer, aval).slice(), aval), copied: true };
}
