/**
 * Memory policy, in one place: who owns a backend buffer and when it is given back.
 *
 * - An array owns its buffer; the garbage collector's finalizer gives it back when the
 *   array is collected, unless it was released earlier.
 * - A transformation called eagerly releases the intermediates its own rules made (JVP
 *   rules, transposition, linear programs) when it returns: a release scope. The scope
 *   holds them strongly, so no finalizer could run for them before it ends: they get one
 *   only if the scope keeps them (registering and unregistering a finalizer per
 *   intermediate costs more than a scalar kernel).
 * - A compiled program's intermediates are plain buffers, released by the interpreter at
 *   their last use; only at the eval trace do results become arrays (`runImpl` in eval.ts).
 * - `tidy(fn)` releases every array created inside `fn` except those it returns: the way out
 *   for synchronous loops, where finalizers never get to run.
 * - `jit(f, { donateArgnums })` hands the donated arrays' buffers to the program run, which
 *   releases (or reuses) them at their last use; the arrays are invalid afterwards.
 * - A backend whose buffers the garbage collector reclaims by itself (`garbageCollected`,
 *   backend-cpu's typed arrays) takes part in none of this but `tidy`/`dispose`: its arrays
 *   get no finalizer and no release scope holds them.
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

/**
 * Forget the finalizer of `owner`: its buffer was released or handed on. Unregistering
 * (rather than leaving a cell that does nothing) matters in a loop that never yields: the
 * registry's cells, and the buffers they name, stay until its cleanup task gets to run.
 */
export function forgetOwner(owner: object): void {
  finalizers.unregister(owner);
}

/** Why an array's buffer is gone: it decides what reading the array says. */
export type ReleaseReason = "disposed" | "transformation" | "donated";

/** The message of reading an array released for `reason`. */
export function releasedMessage(aval: ShapedArray, reason: ReleaseReason): string {
  switch (reason) {
    case "transformation":
      return (
        `array ${aval} was an intermediate of a transformation and was released when it returned; ` +
        "keep values by returning them (or as aux) instead of storing them from inside the function"
      );
    case "disposed":
      return (
        `array ${aval} was disposed (by dispose(), a \`using\` declaration, or the end of a tidy that did not return it); ` +
        "it cannot be read or computed with any more: return it from the tidy to keep it"
      );
    case "donated":
      return `array ${aval} was donated to a jitted function (donateArgnums) and its buffer was reused; use that function's outputs instead`;
  }
}

/** Something whose memory a release scope may give back. */
export interface Disposable {
  dispose(reason?: ReleaseReason): void;
}

/** An intermediate a release scope owns: released at its end, or handed to the collector if kept. */
export interface ScopedArray extends Disposable {
  /** Give the buffer back when the array is garbage collected (it outlives the scope). */
  releaseOnCollect(): void;
}

let internalDepth = 0;
let scope: ScopedArray[] | null = null;

/** Run `fn` as transformation-internal work: arrays its kernels produce may be released. */
export function asInternal<R>(fn: () => R): R {
  internalDepth++;
  try {
    return fn();
  } finally {
    internalDepth--;
  }
}

/**
 * Who owns a new array: the collector (`"collected"`), or an open release scope when the
 * array is transformation-internal work (`"internal"`: a rule's kernel output or constant)
 * or, anywhere inside an eager transformation, a scalar made for one primitive's JS-number
 * operand (`"operand"`: never a result of that primitive, so never reachable otherwise).
 */
export type Ownership = "collected" | "internal" | "operand";

/**
 * Called for every new array: remembered by the open release scope when `ownership` puts it
 * there (true), else the caller hands it to the collector (false).
 */
export function noteProduced(array: ScopedArray, ownership: Ownership): boolean {
  if (scope === null || ownership === "collected" || (ownership === "internal" && internalDepth === 0)) return false;
  scope.push(array);
  return true;
}

/**
 * Run an eager transformation; afterwards release every array that its internal work
 * (JVP rules, transposition, linear programs) produced, except those reachable from
 * `keep(result)`. Only the outermost eager call releases; nested ones just run.
 */
export function releaseScope<R>(fn: () => R, keep: (result: R) => Iterable<unknown>): R {
  if (scope !== null || traceDepth() > 0) return fn();
  const mine: ScopedArray[] = [];
  scope = mine;
  let result: R;
  try {
    result = fn();
  } catch (e) {
    scope = null;
    for (const a of mine) a.dispose("transformation");
    throw e;
  }
  scope = null;
  const kept = new Set<unknown>(keep(result));
  for (const a of mine) {
    if (kept.has(a)) a.releaseOnCollect();
    else a.dispose("transformation");
  }
  return result;
}

/** The arrays a jit call donates to one run of its program (see `donating`). */
let donation: { readonly program: object; readonly arrays: ReadonlySet<object> } | null = null;

/**
 * Run `fn` (which applies `program`) with `arrays` donated to that program: when the eval
 * trace runs exactly this program, it takes their buffers. Under a transformation the
 * program is transformed first, so nothing is donated, as in JAX.
 */
export function donating<R>(program: object, arrays: ReadonlySet<object>, fn: () => R): R {
  if (arrays.size === 0) return fn();
  const outer = donation;
  donation = { program, arrays };
  try {
    return fn();
  } finally {
    donation = outer;
  }
}

/** Whether `array` is donated to this run of `program`. */
export function isDonated(program: object, array: object): boolean {
  return donation !== null && donation.program === program && donation.arrays.has(array);
}

/**
 * `buffer` (on `from`) as a buffer on `to`, and whether it is a copy that the caller must
 * release after use: arrays may live on another backend than the one running a kernel.
 */
export function bufferOn(from: Backend<any>, buffer: unknown, aval: ShapedArray, to: Backend<any>): { buffer: unknown; copied: boolean } {
  if (from === to) return { buffer, copied: false };
  return { buffer: to.fromTyped(from.read(buffer, aval).slice(), aval), copied: true };
}
