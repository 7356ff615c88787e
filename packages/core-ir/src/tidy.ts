/**
 * `tidy(fn)`: every array created while `fn` runs is released when it returns, except the
 * arrays in its result (found through JS arrays, plain objects and Maps). An inner tidy's
 * results belong to the enclosing tidy. This is the way out for a loop that never yields
 * to the event loop: there, garbage-collection finalizers cannot run.
 */
import type { Disposable } from "./memory.js";
import { checkFunction, rejectPromise } from "./transform-checks.js";
import { Tracer } from "./trace.js";

/** The open tidy scopes, innermost last; each holds the arrays created while it is innermost. */
const scopes: Set<Disposable>[] = [];
/** Which scope an array is in (so that a kept or staged array can leave it). */
const scopeOf = new WeakMap<Disposable, Set<Disposable>>();

/** Called for every array created: the innermost open tidy takes it. */
export function trackCreated(array: Disposable): void {
  if (scopes.length === 0) return; // (reading scopes[-1] would take the engine's slow path on every array)
  const scope = scopes[scopes.length - 1];
  scope.add(array);
  scopeOf.set(array, scope);
}

/** `array` lives on beyond the tidy that created it (e.g. it became a cached program's constant). */
export function untrack(array: Disposable): void {
  const scope = scopeOf.get(array);
  if (!scope) return;
  scope.delete(array);
  scopeOf.delete(array);
}

/** The arrays reachable from `value` through JS arrays, plain objects and Maps. */
function arraysIn(value: unknown, found = new Set<Disposable>(), seen = new Set<object>()): Set<Disposable> {
  if (value instanceof Tracer) {
    found.add(value);
    return found;
  }
  if (typeof value !== "object" || value === null || seen.has(value)) return found;
  seen.add(value);
  if (Array.isArray(value)) for (const v of value) arraysIn(v, found, seen);
  else if (value instanceof Map) for (const v of value.values()) arraysIn(v, found, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    for (const v of Object.values(value)) arraysIn(v, found, seen);
  }
  return found;
}

/** Run `fn`, then release the arrays it created and does not return. Synchronous functions only. */
export function tidy<R>(fn: () => R): R {
  checkFunction("tidy", fn, "fn");
  const mine = new Set<Disposable>();
  scopes.push(mine);
  let result: R;
  try {
    result = fn();
    rejectPromise(result, "tidy");
  } catch (e) {
    scopes.pop();
    for (const a of mine) a.dispose();
    throw e;
  }
  scopes.pop();
  const kept = arraysIn(result);
  const outer = scopes[scopes.length - 1];
  for (const a of mine) {
    scopeOf.delete(a);
    if (!kept.has(a)) a.dispose();
    else if (outer) {
      outer.add(a);
      scopeOf.set(a, outer);
    }
  }
  return result;
}
