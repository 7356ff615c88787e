import type { Tracer } from "../trace.js";
import { TypecheckError } from "../errors.js";
import type { ClosedProgram } from "../program.js";
import { declarePrimitive } from "../registry.js";
import type { ShapedArray } from "../shape.js";

/*
 * customJvp / customVjp (JAX's custom_jvp_call, custom_vjp_call and custom_lin). Evaluated,
 * staged, partially evaluated and written as source, they are their primal program; only
 * differentiation reads the user's rules.
 */

/** What a custom_jvp_call holds of its rule: the rule's program on demand (the user's, or a transformed one). */
export interface JvpRuleProgram {
  /** Identity for `paramsKey`. */
  readonly id: number;
  /** [primals…, tangents…] -> [primal outputs…, tangent outputs…]. */
  program(): ClosedProgram;
  /** What the printer shows. */
  toJSON(): string;
}

/** What a custom_vjp_call holds of its fwd: inputs -> outputs, then residual leaves, on demand. */
export interface VjpFwdProgram {
  readonly id: number;
  program(): ClosedProgram;
  toJSON(): string;
}

/** What custom_vjp_call and custom_lin hold of the bwd: residuals and output cotangents -> input cotangents. */
export interface VjpBwd {
  readonly id: number;
  readonly inAvals: ShapedArray[];
  readonly outAvals: ShapedArray[];
  readonly resAvals: ShapedArray[];
  /** One cotangent per input leaf of the function (zeros where the user's bwd said null). */
  apply(residuals: readonly Tracer[], cts: readonly Tracer[]): Tracer[];
  toJSON(): string;
}

declare module "../registry.js" {
  interface PrimParamMap {
    /** A function with a user-given JVP rule: `program` is the function, `jvp` stages the rule on demand. */
    custom_jvp_call: { name: string; program: ClosedProgram; jvp: JvpRuleProgram };
    /**
     * A function with a user-given VJP: `program` is the function; `fwd` stages the user's fwd
     * on demand (outputs, then residuals); `bwd` maps residuals and cotangents to input cotangents.
     */
    custom_vjp_call: { name: string; program: ClosedProgram; fwd: VjpFwdProgram; bwd: VjpBwd };
    /**
     * The linearization of a custom_vjp_call: inputs are `numResiduals` residuals, then one
     * tangent per primal input; outputs one tangent per primal output. Only its transpose
     * (the user's bwd) is known, so it can be transposed but not evaluated.
     */
    custom_lin: { name: string; bwd: VjpBwd; numResiduals: number };
  }
  interface HigherOrderPrims {
    custom_jvp_call: true;
    custom_vjp_call: true;
    custom_lin: true;
  }
}

/** Throw unless `avals` are exactly what a program (or rule) takes. */
function checkInputs(what: string, avals: readonly ShapedArray[], expected: readonly ShapedArray[]): void {
  if (avals.length !== expected.length || avals.some((a, i) => !a.equals(expected[i]))) {
    throw new TypecheckError(`${what}: called with (${avals.join(", ")}); it takes (${expected.join(", ")})`);
  }
}

declarePrimitive(
  {
    name: "custom_jvp_call",
    family: "higher-order",
    arity: "variadic",
    // Never applied to linear inputs: its JVP rule replaces it by a jit of the user's rule.
    linearity: "none",
    linearArgs: [],
    abstractEval: (avals, { name, program }) => {
      checkInputs(`custom_jvp_call[name=${name}]`, avals, program.inAvals);
      return program.outAvals;
    },
    doc: "apply a function whose JVP is the user's rule (customJvp)",
  },
  true,
);

declarePrimitive(
  {
    name: "custom_vjp_call",
    family: "higher-order",
    arity: "variadic",
    // Never applied to linear inputs: its JVP rule replaces it by a jit of fwd and a custom_lin.
    linearity: "none",
    linearArgs: [],
    abstractEval: (avals, { name, program }) => {
      checkInputs(`custom_vjp_call[name=${name}]`, avals, program.inAvals);
      return program.outAvals;
    },
    doc: "apply a function whose VJP is the user's fwd and bwd (customVjp)",
  },
  true,
);

declarePrimitive(
  {
    name: "custom_lin",
    family: "higher-order",
    arity: "variadic",
    // Linear in its tangents, which only the params locate (after numResiduals residuals):
    // like a body primitive, its transpose rule checks that no residual is linear.
    linearity: "body",
    linearArgs: "all",
    abstractEval: (avals, { name, bwd, numResiduals }) => {
      checkInputs(`custom_lin[name=${name}]`, avals, [...bwd.resAvals, ...bwd.inAvals]);
      if (numResiduals !== bwd.resAvals.length) throw new TypecheckError(`custom_lin[name=${name}]: numResiduals ${numResiduals}; its bwd takes ${bwd.resAvals.length} residuals`);
      return [...bwd.outAvals];
    },
    doc: "the linearized customVjp function: transposes to the user's bwd, cannot run forward",
  },
  true,
);
