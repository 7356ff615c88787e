/**
 * The JVP rules of customJvp and customVjp. A custom_jvp_call becomes a jit of the user's
 * rule; a custom_vjp_call a jit of its fwd plus a custom_lin for the output tangents. Both
 * are then ordinary equations to `linearize` and transposition.
 */
import { type Params, type ShapedArray, type Tracer, bind, forwardModeError } from "@lintra/core-ir";
import { type Tangent, instantiate } from "./zero.js";

/** The user's rule on the primals and every tangent (zeros instantiated, as JAX passes them). */
export function customJvpCallJvp(primals: Tracer[], tangents: Tangent[], { name, jvp }: Params<"custom_jvp_call">, outAvals: ShapedArray[]): [Tracer[], Tangent[]] {
  const outs = bind("jit", [...primals, ...tangents.map(instantiate)], { name: `jvp(${name})`, program: jvp.program() });
  return [outs.slice(0, outAvals.length), outs.slice(outAvals.length)];
}

/**
 * fwd runs now, on the primals (under `linearize` its residuals are known); the output
 * tangents are custom_lin of the residuals and the input tangents, linear in the tangents,
 * whose transpose is the user's bwd.
 */
export function customVjpCallJvp(primals: Tracer[], tangents: Tangent[], { name, fwd, bwd }: Params<"custom_vjp_call">, outAvals: ShapedArray[]): [Tracer[], Tangent[]] {
  const outsAndResiduals = bind("jit", primals, { name: `fwd(${name})`, program: fwd.program() });
  const residuals = outsAndResiduals.slice(outAvals.length);
  const tangentsOut = bind("custom_lin", [...residuals, ...tangents.map(instantiate)], { name, bwd, numResiduals: residuals.length });
  return [outsAndResiduals.slice(0, outAvals.length), tangentsOut];
}

/** Differentiating custom_lin itself would need it forward: only its transpose is known. */
export function customLinJvp(_primals: Tracer[], _tangents: Tangent[], { name }: Params<"custom_lin">): never {
  throw forwardModeError(name);
}
