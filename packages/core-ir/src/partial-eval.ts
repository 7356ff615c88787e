/**
 * Partial evaluation of a program: which of its work can run now (its inputs are known)
 * and which must wait (it depends on unknown inputs). The split is found by tracing: the
 * program is evaluated with its known inputs as tracers of a staging transformation (the
 * known program) and its unknown inputs as tracers of a partial-eval transformation above
 * it (the unknown program). Known values that unknown work needs are *residuals*, outputs
 * of the known program and inputs of the unknown one. Higher-order equations inside are
 * split the same way, by their partial-eval rules.
 */
import { type ClosedProgram, type Program, ProgramMemo, closeProgram, evalProgram, maskKey } from "./program.js";
import { withPartialEval, withStaging } from "./staging.js";
import type { Tracer } from "./trace.js";

export interface PartialEvalResult {
  /** Known inputs -> known outputs, then the residuals. */
  readonly known: ClosedProgram;
  /** Residuals, then unknown inputs -> unknown outputs. */
  readonly unknown: ClosedProgram;
  /** Which outputs of the original program are unknown. */
  readonly outUnknowns: readonly boolean[];
  readonly numResiduals: number;
}

const splits = new ProgramMemo<PartialEvalResult>();

/**
 * Split `program` given which inputs are unknown (cached per program and masks). Outputs
 * marked in `instantiate` are unknown even where their value is known (control flow needs
 * every branch, or every step, to agree on which outputs are unknown).
 */
export function partialEvalProgram(program: Program, unknowns: readonly boolean[], instantiate: readonly boolean[] = []): PartialEvalResult {
  return splits.get(program, maskKey(unknowns, instantiate), () => split(program, unknowns, instantiate));
}

function split(program: Program, unknowns: readonly boolean[], instantiate: readonly boolean[]): PartialEvalResult {
  return withStaging((knownTrace) => {
    const knownIns = program.inBinders.filter((_, i) => !unknowns[i]).map((v) => knownTrace.newArg(v.aval));
    const { outs, outUnknowns, staged } = withPartialEval((unknownTrace) => {
      const unknownIns = program.inBinders.filter((_, i) => unknowns[i]).map((v) => unknownTrace.newArg(v.aval));
      let k = 0;
      let u = 0;
      const args = program.inBinders.map((_, i) => (unknowns[i] ? unknownIns[u++] : knownIns[k++]));
      // A known output made unknown is a residual passed straight through.
      const outs = evalProgram(program, args).map((o, i) => (instantiate[i] ? unknownTrace.fullRaise(o) : o));
      const outUnknowns = outs.map((o) => o._trace.main === unknownTrace.main);
      const staged = unknownTrace.builder.build(
        unknownIns,
        outs.filter((_, i) => outUnknowns[i]),
      );
      return { outs, outUnknowns, staged };
    });
    // The unknown program's non-concrete constants are the known values it needs: residuals.
    const { closed: unknown, hoisted: residuals } = closeProgram(staged);
    const knownOuts: Tracer[] = outs.filter((_, i) => !outUnknowns[i]);
    const built = knownTrace.builder.build(
      knownIns,
      [...knownOuts, ...residuals].map((t) => knownTrace.fullRaise(t)),
    );
    const { closed: known, hoisted } = closeProgram(built);
    if (hoisted.length) throw new Error("internal: the known part of a closed program captured a tracer");
    return { known, unknown, outUnknowns, numResiduals: residuals.length };
  });
}
