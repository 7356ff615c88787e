import type { SavePolicy } from "../checkpoint-policy.js";
import type { ClosedProgram } from "../program.js";
import { declarePrimitive } from "../registry.js";
import { programCallEval } from "./jit.js";

declare module "../registry.js" {
  interface PrimParamMap {
    /**
     * Apply a closed program whose residuals, under differentiation, are what `policy`
     * allows to be saved; the rest is recomputed in the backward pass (JAX's remat).
     */
    checkpoint: { name: string; program: ClosedProgram; policy: SavePolicy };
    /** The identity, naming its value for `checkpoint` policies (JAX's checkpoint_name). No kernel: its impl passes the buffer on. */
    name: { name: string };
  }
  interface HigherOrderPrims {
    checkpoint: true;
    name: true;
  }
}

declarePrimitive(
  {
    name: "checkpoint",
    family: "higher-order",
    arity: "variadic",
    linearity: "body",
    linearArgs: "all",
    abstractEval: programCallEval("checkpoint"),
    doc: "run a closed sub-program whose residuals are saved only as its policy allows, and recomputed otherwise (checkpoint / remat)",
  },
  true,
);

declarePrimitive(
  {
    name: "name",
    family: "higher-order",
    arity: 1,
    linearity: "linear",
    linearArgs: "all",
    abstractEval: ([x]) => [x],
    doc: "the identity, naming its value for checkpoint policies (saveOnlyTheseNames)",
  },
  true,
);
