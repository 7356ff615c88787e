/**
 * The rule tables core-ir holds for higher-order primitives (params with sub-programs).
 * A new higher-order primitive needs a row in each; its JVP and transpose rows live in
 * @lintra/jvp and @lintra/transpose (see docs/add-a-higher-order-primitive.md).
 */
import type { Backend } from "./backend.js";
import { condDce, condImpl, condPartialEval } from "./cond-rules.js";
import { customCallImpl, customCallPartialEval, customLinImpl, customLinPartialEval, keepWhole } from "./custom-rules.js";
import type { Slot } from "./interpret.js";
import { jitImpl, jitPartialEval, programCallDce } from "./jit-rules.js";
import { checkpointImpl, checkpointPartialEval, nameImpl, namePartialEval } from "./checkpoint-rules.js";
import { scanDce, scanImpl, scanPartialEval } from "./scan-rules.js";
import { whileDce, whileImpl, whilePartialEval } from "./while-rules.js";
import type { Eqn } from "./program.js";
import type { HigherOrderPrim, Params } from "./registry.js";
import type { ShapedArray } from "./shape.js";
import type { StagingTrace } from "./staging.js";
import type { Tracer } from "./trace.js";

/**
 * Evaluation on a backend's buffers (instead of a kernel). The inputs are borrowed: never
 * released here. Each result is owned by the caller, or (not `owned`) the buffer of an
 * input or of a constant, which the caller must not release.
 */
export type ImplRule<P extends HigherOrderPrim> = (backend: Backend<any>, inputs: readonly Slot[], params: Params<P>, outAvals: ShapedArray[]) => Slot[];

/**
 * Partial evaluation inside `linearize`: `known[i]` is the known value of input i (null
 * when unknown, `tracers[i]` then being the trace's own tracer). Runs the known part now,
 * stages the rest on `trace`, and returns one value per output, known or staged.
 */
export type PartialEvalRule<P extends HigherOrderPrim> = (trace: StagingTrace, known: (Tracer | null)[], tracers: Tracer[], params: Params<P>) => Tracer[];

/** Narrow an equation to the outputs that are used; say which inputs the narrowed one reads. */
export type DceRule<P extends HigherOrderPrim> = (eqn: Eqn<P>, usedOutputs: boolean[]) => { eqn: Eqn<P>; usedInputs: boolean[] };


export const implRules: { [P in HigherOrderPrim]: ImplRule<P> } = {
  jit: jitImpl,
  checkpoint: checkpointImpl,
  name: nameImpl,
  cond: condImpl,
  scan: scanImpl,
  while: whileImpl,
  custom_jvp_call: customCallImpl,
  custom_vjp_call: customCallImpl,
  custom_lin: customLinImpl,
};

export const partialEvalRules: { [P in HigherOrderPrim]: PartialEvalRule<P> } = {
  jit: jitPartialEval,
  checkpoint: checkpointPartialEval,
  name: namePartialEval,
  cond: condPartialEval,
  scan: scanPartialEval,
  while: whilePartialEval,
  custom_jvp_call: customCallPartialEval,
  custom_vjp_call: customCallPartialEval,
  custom_lin: customLinPartialEval,
};

export const dceRules: { [P in HigherOrderPrim]: DceRule<P> } = {
  jit: programCallDce,
  checkpoint: programCallDce,
  name: keepWhole,
  cond: condDce,
  scan: scanDce,
  while: whileDce,
  custom_jvp_call: keepWhole,
  custom_vjp_call: keepWhole,
  custom_lin: keepWhole,
};
