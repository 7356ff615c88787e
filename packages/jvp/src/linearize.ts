import { type Program, type Tracer, asInternal, dce, evalProgram, withDynamic, withPartialEval } from "@lintra/core-ir";
import { jvpFlat } from "./jvp-trace.js";
import { Zero, hasTangent, instantiate } from "./zero.js";

/**
 * JVP under partial evaluation. The JVP runs on primals now; tangent inputs are tracers of
 * a partial-eval transformation, so every equation that touches a tangent is recorded
 * instead of run (a higher-order equation is split by its partial-eval rule). The result
 * is the primal outputs and a linear program from input tangents to output tangents,
 * whose constants are the residuals the primal computation left behind.
 */
export function linearizeFlat(f: (...xs: Tracer[]) => Tracer[], primals: readonly Tracer[]): { outs: Tracer[]; program: Program } {
  return withPartialEval((stage) => {
    const tangentsIn = primals.map((p) => stage.newArg(p.aval));
    const [outs, tangentsOut] = jvpFlat(
      f,
      primals,
      tangentsIn.map((t, i) => (hasTangent(primals[i].aval) ? t : new Zero(primals[i].aval))),
    );
    // A symbolic zero output becomes a staged broadcast of 0, not an array made now.
    const linearOuts = tangentsOut.map((t) => stage.fullRaise(withDynamic(stage.main, () => instantiate(t))));
    const program = dce(stage.builder.build(tangentsIn, linearOuts));
    return { outs, program };
  });
}

/** Evaluate a linear program (from `linearizeFlat`) on tangents: never re-runs the primal. */
export function applyLinear(program: Program, tangents: readonly Tracer[]): Tracer[] {
  return asInternal(() => evalProgram(program, tangents));
}
