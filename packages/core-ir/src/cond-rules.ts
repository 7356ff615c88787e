/** The core-ir rows of `cond`: evaluation, partial evaluation, DCE. */
import type { Backend } from "./backend.js";
import { ConcreteArray } from "./eval.js";
import { type Slot, runClosed } from "./interpret.js";
import { broadcastInDim } from "./lax.js";
import { type PartialEvalResult, partialEvalProgram } from "./partial-eval.js";
import { type ClosedProgram, type Eqn, evalProgram, pruneProgram } from "./program.js";
import type { Params } from "./registry.js";
import { ShapedArray } from "./shape.js";
import { type StagingTrace, stageClosedProgram } from "./staging.js";
import { type Tracer, bind } from "./trace.js";

type CondParams = Params<"cond">;

/** The branch an index selects: clamped into range, as JAX's `switch` does. */
export const clampIndex = (index: number, count: number): number => Math.min(Math.max(Math.trunc(index), 0), count - 1);

/** Evaluate: read the index, run only the branch it selects. */
export function condImpl(backend: Backend<any>, [index, ...operands]: readonly Slot[], { branches }: CondParams): Slot[] {
  const k = clampIndex(backend.read(index.buffer, INDEX)[0], branches.length);
  return runClosed(branches[k], backend, operands);
}

const INDEX = new ShapedArray([], "int32");

/** Zeros of `aval`, staged (a literal broadcast), for a residual the taken branch does not produce. */
function zeros(aval: ShapedArray): Tracer {
  const zero = ConcreteArray.scalar(0, aval.dtype);
  return aval.ndim === 0 ? zero : broadcastInDim(zero, aval.shape, []);
}

/** Split every branch with one set of unknown outputs: an output unknown in any branch is unknown in all. */
function splitBranches(branches: readonly ClosedProgram[], unknowns: boolean[]): PartialEvalResult[] {
  const first = branches.map((b) => partialEvalProgram(b, unknowns));
  const outUnknowns = first[0].outUnknowns.map((_, i) => first.some((pe) => pe.outUnknowns[i]));
  return branches.map((b) => partialEvalProgram(b, unknowns, outUnknowns));
}

/**
 * Known operands: the known cond runs now and returns every branch's residuals (the taken
 * branch's values, zeros for the others, as JAX does); the unknown cond is staged over the
 * index, those residuals and the unknown operands.
 */
export function condPartialEval(trace: StagingTrace, known: (Tracer | null)[], tracers: Tracer[], { branches }: CondParams): Tracer[] {
  const [index, ...operandKnowns] = known;
  if (index === null) return trace.stage("cond", tracers, { branches }, branches[0].outAvals);
  const unknowns = operandKnowns.map((k) => k === null);
  const pes = splitBranches(branches, unknowns);
  const resAvals = pes.flatMap((pe) => pe.known.outAvals.slice(pe.known.outAvals.length - pe.numResiduals));
  const offsets = pes.map((_, k) => pes.slice(0, k).reduce((n, pe) => n + pe.numResiduals, 0));
  const knownAvals = branches[0].inAvals.filter((_, i) => !unknowns[i]);
  const knownBranches = pes.map((pe, k) =>
    stageClosedProgram((...xs) => {
      const outs = evalProgram(pe.known, xs);
      const own = outs.slice(outs.length - pe.numResiduals);
      const res = resAvals.map((a, j) => (j >= offsets[k] && j < offsets[k] + pe.numResiduals ? own[j - offsets[k]] : zeros(a)));
      return [...outs.slice(0, outs.length - pe.numResiduals), ...res];
    }, knownAvals),
  );
  const unknownAvals = branches[0].inAvals.filter((_, i) => unknowns[i]);
  const unknownBranches = pes.map((pe, k) =>
    stageClosedProgram((...xs) => {
      const res = xs.slice(offsets[k], offsets[k] + pe.numResiduals);
      return evalProgram(pe.unknown, [...res, ...xs.slice(resAvals.length)]);
    }, [...resAvals, ...unknownAvals]),
  );
  const knownOuts = bind("cond", [index, ...operandKnowns.filter((k): k is Tracer => k !== null)], { branches: knownBranches });
  const residuals = knownOuts.slice(knownOuts.length - resAvals.length);
  const unknownIns = tracers.slice(1).filter((_, i) => unknowns[i]);
  const outUnknowns = pes[0].outUnknowns;
  const unknownOuts = trace.stage("cond", [index, ...residuals, ...unknownIns], { branches: unknownBranches }, unknownBranches[0].outAvals);
  let k = 0;
  let u = 0;
  return outUnknowns.map((isUnknown) => (isUnknown ? unknownOuts[u++] : knownOuts[k++]));
}

/** Drop unused outputs from every branch, then the operands no branch reads. */
export function condDce(eqn: Eqn<"cond">, usedOutputs: boolean[]): { eqn: Eqn<"cond">; usedInputs: boolean[] } {
  const { branches } = eqn.params;
  const read = branches.map((b) => pruneProgram(b, usedOutputs).keptInputs);
  const keep = branches[0].inBinders.map((_, i) => read.some((r) => r[i]));
  const narrowed = branches.map((b) => pruneProgram(b, usedOutputs, keep).program);
  const usedInputs = [true, ...keep];
  return {
    eqn: { prim: "cond", params: { branches: narrowed }, inputs: eqn.inputs.filter((_, i) => usedInputs[i]), outs: eqn.outs.filter((_, i) => usedOutputs[i]) },
    usedInputs,
  };
}
