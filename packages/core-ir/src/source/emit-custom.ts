/** toSource rows of customJvp / customVjp: the primal body, as `jit` writes it; custom_lin has no source. */
import { TransformError } from "../errors.js";
import type { HigherOrderEmitArgs } from "./types.js";

/** custom_jvp_call / custom_vjp_call: the function itself (its rules only matter to differentiation). */
export function emitCustomCall({ ins, params: { program }, outs, writeFunction }: HigherOrderEmitArgs<"custom_jvp_call" | "custom_vjp_call">): void {
  const lhs = `const [${outs.map((o) => o.name).join(", ")}]`;
  const args = ins.map((x) => x.ref).join(", ");
  writeFunction(program, (params) => `${lhs} = ((${params.join(", ")}) => {`, `})(${args});`);
}

/** custom_lin is known only by its transpose, a JS function: a linear program holding one has no source. */
export function emitCustomLin({ params: { name } }: HigherOrderEmitArgs<"custom_lin">): void {
  throw new TransformError(
    `toSource: custom_lin (the linearized customVjp function '${name}') has no source form: only its transpose, the user's bwd, is known; ` +
      "write the transposed or whole grad program instead",
  );
}
