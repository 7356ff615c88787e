/**
 * Staging a custom function (customJvp, customVjp) at one signature: a closed program, cached
 * per argument structure and leaf types. Its rules are staged from the same signature.
 */
import { getBackend } from "./backend.js";
import { TransformError } from "./errors.js";
import { flatFn } from "./leaves.js";
import { type ClosedProgram, closeProgram } from "./program.js";
import { type TreeDef, treeDefString } from "./pytree.js";
import type { ShapedArray } from "./shape.js";
import { stageProgram } from "./staging.js";
import type { Tracer } from "./trace.js";

/** Programs each custom function keeps, one per signature, least recently used dropped first. */
export const CUSTOM_CACHE_SIZE = 64;

/** Closing over a traced value would need a tangent the rule does not give: JAX asks for an argument too. */
function closureError(name: string, what: string): TransformError {
  return new TransformError(
    `custom function '${name}': ${what} closes over a traced array of an enclosing transformation (jit, grad, vmap, …); pass that value as an argument instead`,
  );
}

/** A function's staging at one signature. */
export interface StagedFn {
  readonly program: ClosedProgram;
  readonly inDef: TreeDef;
  readonly outDef: TreeDef;
}

/** Stage a user's function (`what`, of custom function `name`) into a closed program; a closed-over tracer is a TransformError. */
export function stageUserProgram(f: (...xs: Tracer[]) => Tracer[], avals: readonly ShapedArray[], name: string, what: string): ClosedProgram {
  const { closed, hoisted } = closeProgram(stageProgram(f, avals));
  if (hoisted.length) throw closureError(name, what);
  return closed;
}

/** Stage `fn` on these argument leaves. */
export function stageFn(fn: (...args: any[]) => unknown, name: string, leaves: readonly Tracer[], inDef: TreeDef): StagedFn {
  const { fn: flat, outDef } = flatFn(fn, inDef, name);
  const program = stageUserProgram(flat, leaves.map((l) => l.aval), name, "the function");
  return { program, inDef, outDef: outDef() };
}

/** The cache key of a call: argument structure, leaf types, backend (constants live there). */
export function signatureKey(inDef: TreeDef, avals: readonly ShapedArray[]): string {
  return [treeDefString(inDef), avals.join(","), getBackend().name].join("|");
}
