/** The transpose rule of `jit`: a jit of the body transposed with respect to its linear inputs. */
import { type Params, type Tracer, bind } from "@lintra/core-ir";
import { Zero } from "@lintra/jvp";
import { transposeClosed } from "./backward-pass.js";
import { type UndefinedPrimal, isUndefined } from "./undefined-primal.js";

export function transposeJit(cts: (Tracer | Zero)[], inputs: (Tracer | UndefinedPrimal)[], params: Params<"jit">): (Tracer | null)[] {
  const linear = inputs.map(isUndefined);
  const nonzero = cts.map((c) => !(c instanceof Zero));
  const program = transposeClosed(params.program, linear, nonzero);
  const given = inputs.filter((x): x is Tracer => !isUndefined(x));
  const outs = bind("jit", [...given, ...cts.filter((c): c is Tracer => !(c instanceof Zero))], { name: `transpose(${params.name})`, program });
  let j = 0;
  return inputs.map((x) => (isUndefined(x) ? outs[j++] : null));
}
