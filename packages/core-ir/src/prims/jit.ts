import { TypecheckError } from "../errors.js";
import type { ClosedProgram } from "../program.js";
import type { ShapedArray } from "../shape.js";
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

/** The abstract evaluation of a primitive that applies its `program` param: its inputs must be the program's. */
export function programCallEval(prim: string) {
  return (avals: readonly ShapedArray[], { name, program }: { name: string; program: ClosedProgram }): ShapedArray[] => {
    const expected = program.inAvals;
    if (avals.length !== expected.length || avals.some((a, i) => !a.equals(expected[i]))) {
      throw new TypecheckError(`${prim}[name=${name}]: called with (${avals.join(", ")}); its program takes (${expected.join(", ")})`);
    }
    return [...program.outAvals];
  };
}

declarePrimitive(
  {
    name: "jit",
    family: "higher-order",
    arity: "variadic",
    linearity: "body",
    linearArgs: "all",
    abstractEval: programCallEval("jit"),
    doc: "run a closed sub-program (staged once per signature by `jit`)",
  },
  true,
);
