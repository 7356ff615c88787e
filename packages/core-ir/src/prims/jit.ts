import { TypecheckError } from "../errors.js";
import type { ClosedProgram } from "../program.js";
import { declarePrimitive } from "../registry.js";

declare module "../registry.js" {
  interface PrimParamMap {
    /** Apply a closed program as one unit: what `jit` stages, and what a backend may compile whole. */
    jit: { name: string; program: ClosedProgram };
  }
  interface HigherOrderPrims {
    jit: true;
  }
}

declarePrimitive(
  {
    name: "jit",
    family: "higher-order",
    arity: "variadic",
    linearity: "body",
    linearArgs: "all",
    abstractEval: (avals, { name, program }) => {
      const expected = program.inAvals;
      if (avals.length !== expected.length || avals.some((a, i) => !a.equals(expected[i]))) {
        throw new TypecheckError(`jit[name=${name}]: called with (${avals.join(", ")}); its program takes (${expected.join(", ")})`);
      }
      return program.outAvals;
    },
    doc: "run a closed sub-program (staged once per signature by `jit`)",
  },
  true,
);
