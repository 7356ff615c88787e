/** The transpose rules of `jit` and `checkpoint`: the body transposed with respect to its linear inputs. */
import { type Params, type Tracer, bind } from "@lintra/core-ir";
import { Zero } from "@lintra/jvp";
import { transposeClosed } from "./backward-pass.js";
import { type UndefinedPrimal, isUndefined } from "./undefined-primal.js";

export function transposeJit(cts: (Tracer | Zero)[], inputs: (Tracer | UndefinedPrimal)[], params: Params<"jit">): (Tracer | null)[] {
  return transposeCall("jit", cts, inputs, params);
}

/**
 * checkpoint: a checkpoint of the transposed body. The body may recompute residuals from
 * its non-linear inputs; transposition evaluates that work forward, in the backward pass.
 */
export function transposeCheckpoint(cts: (Tracer | Zero)[], inputs: (Tracer | UndefinedPrimal)[], params: Params<"checkpoint">): (Tracer | null)[] {
  return transposeCall("checkpoint", cts, inputs, params);
}

function transposeCall<P extends "jit" | "checkpoint">(prim: P, cts: (Tracer | Zero)[], inputs: (Tracer | UndefinedPrimal)[], params: Params<P>): (Tracer | null)[] {
  const linear = inputs.map(isUndefined);
  const nonzero = cts.map((c) => !(c instanceof Zero));
  const program = transposeClosed(params.program, linear, nonzero);
  const given = inputs.filter((x): x is Tracer => !isUndefined(x));
  const outs = bind(prim, [...given, ...cts.filter((c): c is Tracer => !(c instanceof Zero))], { ...params, name: `transpose(${params.name})`, program } as Params<P>);
  let j = 0;
  return inputs.map((x) => (isUndefined(x) ? outs[j++] : null));
}

/** name is the identity: its transpose passes the cotangent on. */
export function transposeName(cts: (Tracer | Zero)[]): (Tracer | null)[] {
  const [ct] = cts;
  return [ct instanceof Zero ? null : ct];
}
