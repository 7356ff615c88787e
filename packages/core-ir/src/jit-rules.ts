/** The core-ir rows of `jit`: evaluation, partial evaluation, DCE. (JVP and transpose rows live with their transformations.) */
import { getBackend } from "./backend.js";
import type { ConcreteArray } from "./eval.js";
import { runProgram } from "./interpret.js";
import { partialEvalProgram } from "./partial-eval.js";
import { type ClosedProgram, type Eqn, Program, Var, dce } from "./program.js";
import type { Params } from "./registry.js";
import type { StagingTrace } from "./staging.js";
import { type Tracer, bind } from "./trace.js";

type JitParams = Params<"jit">;

/** Evaluate: run the body on the current backend (compiled, where the backend can). */
export function jitImpl(args: ConcreteArray[], { program }: JitParams): ConcreteArray[] {
  return runProgram(program, args, getBackend());
}

/** A jit equation is its body, run in place by the interpreter. */
export function jitBody({ program }: JitParams): ClosedProgram {
  return program;
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

/** Keep only the used outputs of the body, then only the inputs the rest reads. */
export function jitDce(eqn: Eqn<"jit">, usedOutputs: boolean[]): { eqn: Eqn<"jit">; usedInputs: boolean[] } {
  const { program } = eqn.params;
  if (usedOutputs.every(Boolean) && program.eqns.length === dce(program).eqns.length) {
    return { eqn, usedInputs: eqn.inputs.map(() => true) };
  }
  const narrowed = dce(new Program(program.constBinders, program.consts, program.inBinders, program.eqns, program.outs.filter((_, i) => usedOutputs[i])));
  const read = new Set<Var>();
  for (const e of narrowed.eqns) for (const a of e.inputs) if (a instanceof Var) read.add(a);
  for (const a of narrowed.outs) if (a instanceof Var) read.add(a);
  const usedInputs = program.inBinders.map((v) => read.has(v));
  const body = new Program(
    narrowed.constBinders,
    narrowed.consts,
    program.inBinders.filter((_, i) => usedInputs[i]),
    narrowed.eqns,
    narrowed.outs,
  ) as ClosedProgram;
  return {
    eqn: { prim: "jit", params: { ...eqn.params, program: body }, inputs: eqn.inputs.filter((_, i) => usedInputs[i]), outs: eqn.outs.filter((_, i) => usedOutputs[i]) },
    usedInputs,
  };
}
