/**
 * The core-ir rows of `checkpoint`: evaluation, partial evaluation under its policy, DCE.
 * (JVP, transpose and batching rows live with their transformations.)
 *
 * Partial evaluation is where the policy acts. The body is split as for `jit`: a known
 * program (known inputs -> known outputs and residuals) and an unknown one (residuals and
 * unknown inputs -> unknown outputs). Then each residual is either saved (the known inputs
 * themselves; constants; values of equations the policy calls saveable) or recomputed:
 * the unknown side gets a copy of the known equations that compute it, from the known
 * inputs and the saved residuals. Under `linearize`, the unknown side is the linear
 * program, so what is recomputed runs again in the backward pass instead of being held.
 */
import type { Backend } from "./backend.js";
import { TransformError } from "./errors.js";
import type { SavePolicy } from "./checkpoint-policy.js";
import { type Slot, runClosed } from "./interpret.js";
import { sparseSplit } from "./checkpoint-sparsify.js";
import { partialEvalProgram } from "./partial-eval.js";
import { type ClosedProgram, type Eqn, type Lit, Program, ProgramMemo, Var, closeProgram, dce, evalProgram, maskKey, pruneProgram } from "./program.js";
import type { Params } from "./registry.js";
import { stageProgram } from "./staging.js";
import type { StagingTrace } from "./staging.js";
import { type Tracer, bind } from "./trace.js";

type CheckpointParams = Params<"checkpoint">;

/** Evaluate: run the body. */
export function checkpointImpl(backend: Backend<any>, inputs: readonly Slot[], { program }: CheckpointParams): Slot[] {
  return runClosed(program, backend, inputs);
}

/** The split of a checkpoint's body under its policy. */
interface RematSplit {
  /** Known inputs -> known outputs, then the saved residuals. */
  readonly known: ClosedProgram;
  /** Saved residuals, the known inputs it reads, the unknown inputs -> unknown outputs. */
  readonly unknown: ClosedProgram;
  readonly numKnownOuts: number;
  /** Which known inputs the unknown program reads (to recompute, or as residuals themselves). */
  readonly knownInputsRead: readonly boolean[];
  readonly outUnknowns: readonly boolean[];
}

const splits = new ProgramMemo<RematSplit>();

function rematSplit(program: ClosedProgram, unknowns: readonly boolean[], policy: SavePolicy): RematSplit {
  return splits.get(program, `${maskKey(unknowns)}|${policy.id}`, () => {
    if (!policy.sparsifier) return split(program, unknowns, policy);
    const pe = partialEvalProgram(program, unknowns);
    const s = sparseSplit(pe, policy.sparsifier, keyKnownIndex(unknowns, policy.keyInput));
    return { ...s, outUnknowns: pe.outUnknowns };
  });
}

function split(program: ClosedProgram, unknowns: readonly boolean[], policy: SavePolicy): RematSplit {
  const pe = partialEvalProgram(program, unknowns);
  const known = pe.known;
  const numKnownOuts = known.outs.length - pe.numResiduals;
  const residuals = known.outs.slice(numKnownOuts);
  const savedVars = savedResiduals(known, residuals, policy);
  const savedList = [...savedVars];
  const keptKnown = withOutputs(known, [...known.outs.slice(0, numKnownOuts), ...savedList]);
  const recompute = recomputation(known, residuals, savedList);
  const savedAvals = savedList.map((v) => v.aval);
  const knownAvals = known.inBinders.map((v) => v.aval);
  const unknownAvals = pe.unknown.inAvals.slice(pe.numResiduals);
  const staged = stageProgram(
    (...xs) => {
      const savedIns = xs.slice(0, savedAvals.length);
      const knownIns = xs.slice(savedAvals.length, savedAvals.length + knownAvals.length);
      const allResiduals = evalProgram(recompute, [...knownIns, ...savedIns]);
      return evalProgram(pe.unknown, [...allResiduals, ...xs.slice(savedAvals.length + knownAvals.length)]);
    },
    [...savedAvals, ...knownAvals, ...unknownAvals],
  );
  const { closed, hoisted } = closeProgram(staged);
  if (hoisted.length) throw new Error("internal: the recomputation of a checkpoint captured a tracer");
  // Keep every saved residual and unknown input (the equation passes them all); drop the known inputs it does not read.
  const keep = [...savedAvals.map(() => true), ...knownAvals.map(() => false), ...unknownAvals.map(() => true)];
  const { program: unknownProgram, keptInputs } = pruneProgram(closed, closed.outs.map(() => true), keep);
  const read = keptInputs.slice(savedAvals.length, savedAvals.length + knownAvals.length);
  return { known: keptKnown, unknown: unknownProgram, numKnownOuts, knownInputsRead: read, outUnknowns: pe.outUnknowns };
}

/** The key's index among the known inputs; a key being differentiated is an error. */
function keyKnownIndex(unknowns: readonly boolean[], keyInput: number | null): number | null {
  if (keyInput === null) return null;
  if (unknowns[keyInput]) throw new TransformError("checkpoint: the randomized-AD key argument is being differentiated; differentiate with respect to the other arguments (argnums)");
  return unknowns.slice(0, keyInput).filter((u) => !u).length;
}

/**
 * The values the known side keeps: walking back from the residuals the unknown side needs,
 * the output of an equation the policy calls saveable is kept (the walk stops there); any
 * other equation is recomputed, and what it reads is needed in turn. Known inputs and
 * constants are at hand on both sides and never kept. (Saving may thus stop at a value
 * that is not itself a residual, e.g. a matmul feeding a tanh whose derivative is one.)
 */
function savedResiduals(known: ClosedProgram, residuals: readonly (Var | Lit)[], policy: SavePolicy): Set<Var> {
  const needed = new Set<Var>(residuals.filter((r): r is Var => r instanceof Var));
  const saved = new Set<Var>();
  for (let i = known.eqns.length - 1; i >= 0; i--) {
    const e = known.eqns[i];
    const live = e.outs.filter((v) => needed.has(v));
    if (live.length === 0) continue;
    for (const v of live) needed.delete(v);
    if (policy.saveable(e.prim, e.params as never, e.inputs.map((a) => a.aval))) {
      for (const v of live) saved.add(v);
    } else {
      for (const a of e.inputs) if (a instanceof Var) needed.add(a);
    }
  }
  return saved;
}

/** `program` with other outputs (its equations pruned to what they need), inputs unchanged. */
function withOutputs(program: ClosedProgram, outs: readonly (Var | Lit)[]): ClosedProgram {
  return dce(new Program(program.constBinders, program.consts, program.inBinders, program.eqns, [...outs])) as ClosedProgram;
}

/**
 * The known program cut at the saved values: (known inputs, saved values) -> every
 * residual, computing the others again. An equation whose outputs are all saved is
 * dropped; one with some saved outputs keeps them under fresh, unused names.
 */
function recomputation(known: ClosedProgram, residuals: readonly (Var | Lit)[], saved: readonly Var[]): ClosedProgram {
  const savedVars = new Set(saved);
  const eqns = known.eqns
    .filter((e) => !e.outs.every((v) => savedVars.has(v)))
    .map((e) => (e.outs.some((v) => savedVars.has(v)) ? { ...e, outs: e.outs.map((v) => (savedVars.has(v) ? new Var(v.aval) : v)) } : e));
  const cut = new Program(known.constBinders, known.consts, [...known.inBinders, ...saved], eqns, [...residuals]);
  return dce(cut) as ClosedProgram;
}

/** Known inputs: the known part of the body runs now (saving what the policy allows); the rest is staged over the saved residuals. */
export function checkpointPartialEval(trace: StagingTrace, known: (Tracer | null)[], tracers: Tracer[], params: CheckpointParams): Tracer[] {
  const unknowns = known.map((k) => k === null);
  const s = rematSplit(params.program, unknowns, params.policy);
  const knownIns = known.filter((k): k is Tracer => k !== null);
  const knownOuts = bind("checkpoint", knownIns, { ...params, program: s.known });
  const saved = knownOuts.slice(s.numKnownOuts);
  const readKnown = knownIns.filter((_, i) => s.knownInputsRead[i]);
  const unknownIns = tracers.filter((_, i) => unknowns[i]);
  const unknownOuts = trace.stage("checkpoint", [...saved, ...readKnown, ...unknownIns], { ...params, program: s.unknown }, s.unknown.outAvals);
  let k = 0;
  let u = 0;
  return s.outUnknowns.map((isUnknown) => (isUnknown ? unknownOuts[u++] : knownOuts[k++]));
}


/** name: evaluation passes the input's buffer on (borrowed: the caller keeps owning it). */
export function nameImpl(_backend: Backend<any>, inputs: readonly Slot[]): Slot[] {
  return [{ buffer: inputs[0].buffer, owned: false }];
}

/** name of a known value runs now (the checkpoint policies see it in the known program); of an unknown one, it is staged. */
export function namePartialEval(trace: StagingTrace, known: (Tracer | null)[], tracers: Tracer[], params: Params<"name">): Tracer[] {
  if (known[0] !== null) return bind("name", [known[0]], params);
  return trace.stage("name", tracers, params, [tracers[0].aval]);
}
