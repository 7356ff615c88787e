/**
 * The rule tables core-ir holds for higher-order primitives (params with sub-programs).
 * A new higher-order primitive needs a row in each; its JVP and transpose rows live in
 * @lintra/jvp and @lintra/transpose (see docs/add-a-higher-order-primitive.md).
 */
import type { ConcreteArray } from "./eval.js";
import { jitBody, jitDce, jitImpl, jitPartialEval } from "./jit-rules.js";
import type { ClosedProgram, Eqn } from "./program.js";
import type { HigherOrderPrim, Params } from "./registry.js";
import type { ShapedArray } from "./shape.js";
import type { StagingTrace } from "./staging.js";
import type { Tracer } from "./trace.js";

/** Evaluation on concrete arrays (instead of a backend kernel). Returns new arrays, or its inputs. */
export type ImplRule<P extends HigherOrderPrim> = (args: ConcreteArray[], params: Params<P>, outAvals: ShapedArray[]) => ConcreteArray[];

/**
 * Partial evaluation inside `linearize`: `known[i]` is the known value of input i (null
 * when unknown, `tracers[i]` then being the trace's own tracer). Runs the known part now,
 * stages the rest on `trace`, and returns one value per output, known or staged.
 */
export type PartialEvalRule<P extends HigherOrderPrim> = (trace: StagingTrace, known: (Tracer | null)[], tracers: Tracer[], params: Params<P>) => Tracer[];

/** Narrow an equation to the outputs that are used; say which inputs the narrowed one reads. */
export type DceRule<P extends HigherOrderPrim> = (eqn: Eqn<P>, usedOutputs: boolean[]) => { eqn: Eqn<P>; usedInputs: boolean[] };

/** A primitive that simply applies a sub-program (no control flow): the interpreter runs it in place. */
export type InlineRule<P extends HigherOrderPrim> = (params: Params<P>) => ClosedProgram;

export const implRules: { [P in HigherOrderPrim]: ImplRule<P> } = {
  jit: jitImpl,
};

export const partialEvalRules: { [P in HigherOrderPrim]: PartialEvalRule<P> } = {
  jit: jitPartialEval,
};

export const dceRules: { [P in HigherOrderPrim]: DceRule<P> } = {
  jit: jitDce,
};

export const inlineRules: { [P in HigherOrderPrim]?: InlineRule<P> } = {
  jit: jitBody,
};
