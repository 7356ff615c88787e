/** The core-ir rows of `while`: evaluation, partial evaluation, DCE. */
import type { Backend } from "./backend.js";
import { TransformError } from "./errors.js";
import { Owned, type Slot, borrow, runClosed } from "./interpret.js";
import { type PartialEvalResult, partialEvalProgram } from "./partial-eval.js";
import { type ClosedProgram, type Eqn, pruneProgram } from "./program.js";
import type { Params } from "./registry.js";
import { ShapedArray } from "./shape.js";
import type { StagingTrace } from "./staging.js";
import { type Tracer, bind } from "./trace.js";

type WhileParams = Params<"while">;
const BOOL = new ShapedArray([], "bool");

/** Evaluate: test, step, test …, keeping only the current carry alive. */
export function whileImpl(backend: Backend<any>, inputs: readonly Slot[], { cond, body, condNumConsts, bodyNumConsts }: WhileParams): Slot[] {
  const condConsts = borrow(inputs.slice(0, condNumConsts));
  const bodyConsts = borrow(inputs.slice(condNumConsts, condNumConsts + bodyNumConsts));
  let carry: Slot[] = inputs.slice(condNumConsts + bodyNumConsts);
  const owned = new Owned(backend);
  try {
    for (;;) {
      const [pred] = runClosed(cond, backend, [...condConsts, ...borrow(carry)]);
      const go = backend.read(pred.buffer, BOOL)[0] !== 0;
      if (pred.owned) backend.release(pred.buffer);
      if (!go) break;
      const next = runClosed(body, backend, [...bodyConsts, ...borrow(carry)]);
      owned.adopt(next);
      owned.drop(carry, new Set(next.map((s) => s.buffer)));
      carry = next;
    }
  } catch (e) {
    owned.releaseAll();
    throw e;
  }
  return owned.handOver(carry);
}

/**
 * Known inputs (under `linearize`): the carries that do not depend on unknown inputs are
 * computed now by a known loop; the unknown ones by the whole loop, staged with the known
 * inputs as residuals. Per-step residuals cannot be kept for a loop of unknown length, so
 * the staged loop recomputes the known carries, and it has no transpose (as in JAX).
 */
export function whilePartialEval(trace: StagingTrace, known: (Tracer | null)[], tracers: Tracer[], params: WhileParams): Tracer[] {
  const { cond, body, condNumConsts, bodyNumConsts } = params;
  const nConsts = condNumConsts + bodyNumConsts;
  const unknown = known.map((k) => k === null);
  let carry = unknown.slice(nConsts);
  const bodyConsts = unknown.slice(condNumConsts, nConsts);
  for (;;) {
    const out = partialEvalProgram(body, [...bodyConsts, ...carry]).outUnknowns;
    if (out.every((u, i) => !u || carry[i])) break;
    carry = carry.map((u, i) => u || out[i]);
  }
  const condPe = partialEvalProgram(cond, [...unknown.slice(0, condNumConsts), ...carry]);
  if (condPe.outUnknowns[0] || unknown.slice(0, condNumConsts).some(Boolean)) {
    throw new TransformError("whileLoop: the loop's predicate depends on a value being differentiated; only the carried values may be");
  }
  const staged = trace.stage("while", tracers, params, params.body.outAvals);
  if (carry.every(Boolean)) return staged;
  // The known loop: the body and predicate restricted to the known consts and carries.
  const keepCarry = carry.map((u) => !u);
  const keepBodyConsts = bodyConsts.map((u) => !u);
  // The known halves of the splits (not a pruned body: a loop nested in the body keeps every
  // carry of its own, tangents included, so pruning would leave unknown inputs behind).
  const knownBody = knownPart(partialEvalProgram(body, [...bodyConsts, ...carry], carry), keepCarry.filter(Boolean).length);
  const knownCond = knownPart(condPe, 1);
  const knownIns = known.filter((k, i) => (i < condNumConsts ? true : i < nConsts ? keepBodyConsts[i - condNumConsts] : keepCarry[i - nConsts])) as Tracer[];
  const knownBodyConsts = keepBodyConsts.filter(Boolean).length;
  const knownOuts = bind("while", knownIns, { cond: knownCond, body: knownBody, condNumConsts, bodyNumConsts: knownBodyConsts });
  let k = 0;
  return carry.map((isUnknown, i) => (isUnknown ? staged[i] : knownOuts[k++]));
}

/** The known program of a split, without its residual outputs: known inputs -> the first `numOuts` known outputs. */
function knownPart(split: PartialEvalResult, numOuts: number): ClosedProgram {
  const { known } = split;
  return pruneProgram(known, known.outs.map((_, i) => i < numOuts), known.inBinders.map(() => true)).program;
}

/** A loop runs whole: no output can be dropped (each feeds the next step), no input either. */
export function whileDce(eqn: Eqn<"while">): { eqn: Eqn<"while">; usedInputs: boolean[] } {
  return { eqn, usedInputs: eqn.inputs.map(() => true) };
}
