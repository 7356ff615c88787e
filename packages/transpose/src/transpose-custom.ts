/** The transpose rule of custom_lin: the user's bwd, the VJP that customVjp was given. */
import { NonLinearError, type Params, type Tracer } from "@lintra/core-ir";
import { type Zero, instantiate } from "@lintra/jvp";
import { type UndefinedPrimal, isUndefined } from "./undefined-primal.js";

/**
 * Inputs are the residuals (values), then one tangent per primal input (the linear ones
 * undefined). bwd gets the residuals and every output cotangent (zeros instantiated, as JAX
 * passes them) and gives one cotangent per primal input leaf.
 */
export function transposeCustomLin(cts: (Tracer | Zero)[], inputs: (Tracer | UndefinedPrimal)[], { name, bwd, numResiduals }: Params<"custom_lin">): (Tracer | null)[] {
  const residuals = inputs.slice(0, numResiduals);
  if (residuals.some(isUndefined)) {
    throw new NonLinearError(`transpose: custom_lin of customVjp function '${name}' has a linear residual; it is linear in its tangents only`);
  }
  const inCts = bwd.apply(residuals as Tracer[], cts.map(instantiate));
  const tangents = inputs.slice(numResiduals);
  return [...residuals.map(() => null), ...inCts.map((c, i) => (isUndefined(tangents[i]) ? c : null))];
}
