/**
 * The core-ir rows of custom_jvp_call, custom_vjp_call and custom_lin: evaluation, partial
 * evaluation, DCE. Outside differentiation a custom call is its primal program, as in JAX;
 * the JVP rows (in @lintra/jvp) are the only ones that read the user's rules.
 */
import type { Backend } from "./backend.js";
import { forwardModeError } from "./custom-vjp.js";
import type { Slot } from "./interpret.js";
import { jitImpl, jitPartialEval } from "./jit-rules.js";
import type { Eqn } from "./program.js";
import type { HigherOrderPrim, Params } from "./registry.js";
import type { StagingTrace } from "./staging.js";
import type { Tracer } from "./trace.js";

type CustomCall = "custom_jvp_call" | "custom_vjp_call";

/** Evaluate: run the primal program, as a jit would. */
export function customCallImpl<P extends CustomCall>(backend: Backend<any>, inputs: readonly Slot[], { name, program }: Params<P>): Slot[] {
  return jitImpl(backend, inputs, { name, program });
}

/**
 * Known inputs without a JVP around (a custom call can only meet partial evaluation alone
 * inside a program being split): split the primal program as a jit. The custom rule is
 * dropped here, as JAX drops it; under `linearize` the JVP rule has already replaced it.
 */
export function customCallPartialEval<P extends CustomCall>(trace: StagingTrace, known: (Tracer | null)[], tracers: Tracer[], { name, program }: Params<P>): Tracer[] {
  return jitPartialEval(trace, known, tracers, { name, program });
}

/** No narrowing: the user's rule is written for every output and input of the function. */
export function keepWhole<P extends HigherOrderPrim>(eqn: Eqn<P>): { eqn: Eqn<P>; usedInputs: boolean[] } {
  return { eqn, usedInputs: eqn.inputs.map(() => true) };
}

/** custom_lin is only ever transposed (by the user's bwd): running it forward is forward mode. */
export function customLinImpl(_backend: Backend<any>, _inputs: readonly Slot[], { name }: Params<"custom_lin">): Slot[] {
  throw forwardModeError(name);
}

/** Under `linearize` its residuals are known and its tangents not: the whole equation is linear work, staged. */
export function customLinPartialEval(trace: StagingTrace, _known: (Tracer | null)[], tracers: Tracer[], params: Params<"custom_lin">): Tracer[] {
  return trace.stage("custom_lin", tracers, params, params.bwd.outAvals);
}
