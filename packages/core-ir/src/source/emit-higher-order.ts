import { emitCustomCall, emitCustomLin } from "./emit-custom.js";
import { emitCond, emitScan, emitWhile } from "./emit-control.js";
import type { HigherOrderEmitArgs, HigherOrderSourceEmitterTable } from "./types.js";

/*
 * Higher-order primitives: their bodies are written inline, as nested functions. A new
 * higher-order primitive adds its row here (scan as a loop around its body, cond as an
 * if/else over its branches, …); until then `toSource` names it in a TransformError.
 */

/**
 * jit (and checkpoint, whose policy only matters to differentiation): the sub-program as an
 * arrow function called at once with the equation's inputs,
 * `const [d] = ((e, f) => { … return [g]; })(b, c);`. The sub-program's variables are
 * named on from the enclosing program's (as the printer names them): nothing is shadowed.
 */
function emitCall<P extends "jit" | "checkpoint">({ ins, params: { program }, outs, writeFunction }: HigherOrderEmitArgs<P>): void {
  const lhs = `const [${outs.map((o) => o.name).join(", ")}]`;
  const args = ins.map((x) => x.ref).join(", ");
  writeFunction(program, (params) => `${lhs} = ((${params.join(", ")}) => {`, `})(${args});`);
}

export const higherOrderSourceEmitters: HigherOrderSourceEmitterTable = {
  jit: emitCall,
  checkpoint: emitCall,
  /** name: the identity, as a fresh array like every other equation's output. */
  name: ({ ins, outs, w }) => w.line(`const ${outs[0].name} = ${ins[0].copy()};`),
  cond: emitCond,
  scan: emitScan,
  while: emitWhile,
  custom_jvp_call: emitCustomCall,
  custom_vjp_call: emitCustomCall,
  custom_lin: emitCustomLin,
};
