// A custom differentiation rule, JAX's log1pexp example: log(1 + exp(x)) is fine to
// evaluate, but its derivative as differentiated, exp(x) / (1 + exp(x)), is inf/inf = NaN in
// float32 once exp(x) overflows (x > 88.7). `customJvp` replaces the derivative with
// 1 - 1/(1 + exp(x)), which tends to 1; the function itself is unchanged.
import { customJvp, grad, jit, makeProgram, np, vjp } from "lintra";

function log1pexp(x: np.Array) {
  return np.log(np.exp(x).add(1));
}

// `customJvp(fn)` is called like `fn`. `defjvp` gives the rule: primals and tangents come as
// lists, one entry per argument; it returns [primal output, tangent output]. The rule is
// written with forward-mode operations only and linear in the tangent `t`, so reverse mode
// (grad, vjp) transposes it like any other JVP: no separate backward rule is needed.
const log1pexpStable = customJvp(log1pexp);
log1pexpStable.defjvp(function log1pexpJvp([x]: np.Array[], [t]: np.Array[]) {
  const slope = np.reciprocal(np.exp(x).add(1)).neg().add(1); // 1 - 1/(1 + eˣ)
  return [log1pexpStable(x), t.mul(slope)];
});
// (For very negative x the rule loses digits in float32, 1 - 1/(1 + eˣ) cancelling; JAX's
// example makes the same trade, and the table below shows it at x = -10.)

console.log("          x   d/dx without the rule   d/dx with customJvp");
for (const v of [-10, 0, 10, 50, 100]) {
  const x = np.array(v); // float32
  const plain = grad(log1pexp)(x).item();
  const custom = grad(log1pexpStable)(x).item();
  console.log(`${String(v).padStart(11)}   ${plain.toPrecision(6).padStart(21)}   ${custom.toPrecision(6).padStart(19)}`);
}

// The rule holds under every transformation, in any order with jit.
const x100 = np.array(100);
console.log(`\njit(grad(f))(100) = ${jit(grad(log1pexpStable))(x100).item()}`);
console.log(`grad(jit(f))(100) = ${grad(jit(log1pexpStable))(x100).item()}`);
const [, fVjp] = vjp(log1pexpStable, np.array([0, 100, 1000]));
console.log(`vjp at [0, 100, 1000], cotangent 1: [${Array.from((fVjp(np.ones([3]))[0] as np.Array).dataSync()).join(", ")}]`);

// Staged, the function is one `custom_jvp_call` equation holding fn's program and naming the
// rule; grad stages the rule's JVP (a jit) and transposes its linear part.
console.log("\nmakeProgram(grad(f))(100):\n" + makeProgram(grad(log1pexpStable))(x100).toString());
