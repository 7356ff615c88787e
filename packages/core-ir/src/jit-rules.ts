/** The core-ir rows of `jit`: evaluation, partial evaluation, DCE. (JVP and transpose rows live with their transformations.) */
import type { Backend } from "./backend.js";
import { type Slot, runClosed } from "./interpret.js";
import { partialEvalProgram } from "./partial-eval.js";
import { type Eqn, pruneProgram } from "./program.js";
import type { Params } from "./registry.js";
import type { StagingTrace } from "./staging.js";
import { type Tracer, bind } from "./trace.js";

type JitParams = Params<"jit">;

/** Evaluate: run the body (compiled, where the backend can). */
export function jitImpl(backend: Backend<any>, inputs: readonly Slot[], { program }: JitParams): Slot[] {
  return runClosed(program, backend, inputs);
}

/** Known inputs: the known part of the body runs now (as a jit); the rest is staged as a jit over residuals. */
export function jitPartialEval(trace: StagingTrace, known: (Tracer | null)[], tracers: Tracer[], { name, program }: JitParams): Tracer[] {
  const unknowns = known.map((k) => k === null);
  const pe = partialEvalProgram(program, unknowns);
  const knownOuts = bind("jit", known.filter((k): k is Tracer => k !== null), { name, program: pe.known });
  const residuals = knownOuts.slice(knownOuts.length - pe.numResiduals);
  const unknownIns = tracers.filter((_, i) => unknowns[i]);
  const unknownOuts = trace.stage("jit", [...residuals, ...unknownIns], { name, program: pe.unknown }, pe.unknown.outAvals);
  let k = 0;
  let u = 0;
  return pe.outUnknowns.map((isUnknown) => (isUnknown ? unknownOuts[u++] : knownOuts[k++]));
}

/** Keep only the used outputs of the body, then only the inputs the rest reads (jit, checkpoint). */
export function programCallDce<P extends "jit" | "checkpoint">(eqn: Eqn<P>, usedOutputs: boolean[]): { eqn: Eqn<P>; usedInputs: boolean[] } {
  const { program: body, keptInputs: usedInputs } = pruneProgram(eqn.params.program, usedOutputs);
  return {
    eqn: { ...eqn, params: { ...eqn.params, program: body }, inputs: eqn.inputs.filter((_, i) => usedInputs[i]), outs: eqn.outs.filter((_, i) => usedOutputs[i]) },
    usedInputs,
  };
}
