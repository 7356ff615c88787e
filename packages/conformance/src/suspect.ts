/**
 * When a composite's derivative differs between a backend and the reference, which
 * primitive is most likely at fault: the derivative is staged as a program, and each of
 * its equations runs on both backends with the *same* inputs (the reference's values), so
 * errors do not accumulate and the first equation whose outputs differ names the suspect.
 */
import {
  type AnyTypedArray,
  type Backend,
  type ConcreteArray,
  type Eqn,
  type FirstOrderPrim,
  type HigherOrderPrim,
  Lit,
  type Program,
  type ShapedArray,
  type Slot,
  type Var,
  getPrimitive,
  implRules,
  runKernel,
  toTyped,
} from "@lintra/core-ir";
import { compareValues } from "./tolerance.js";

const EQUATION_TOLERANCE = { float32: { rtol: 1e-4, atol: 1e-6 }, float64: { rtol: 1e-10, atol: 1e-13 } };

/** Run one equation on `backend` from host values; the outputs read back. */
function runEquation(backend: Backend<any>, eqn: Eqn, inputs: readonly AnyTypedArray[]): AnyTypedArray[] {
  const avals = eqn.inputs.map((a) => a.aval);
  const outAvals = eqn.outs.map((v) => v.aval);
  const buffers = inputs.map((x, i) => backend.fromTyped(x.slice(), avals[i]));
  try {
    let outs: Slot[];
    if (getPrimitive(eqn.prim).higherOrder) {
      outs = implRules[eqn.prim as HigherOrderPrim](backend, buffers.map((buffer) => ({ buffer, owned: false })), eqn.params as never, outAvals);
    } else {
      const refs = buffers.map((buffer, i) => ({ buffer, aval: avals[i], backend }));
      outs = runKernel(backend, eqn.prim as FirstOrderPrim, refs, eqn.params as never, outAvals).map((buffer) => ({ buffer, owned: true }));
    }
    return outs.map((s, i) => {
      const value = backend.read(s.buffer, outAvals[i]).slice();
      if (s.owned) backend.release(s.buffer);
      return value;
    });
  } finally {
    for (const b of buffers) backend.release(b);
  }
}

function differs(actual: AnyTypedArray, expected: AnyTypedArray, aval: ShapedArray): boolean {
  const tol = aval.dtype === "float64" ? EQUATION_TOLERANCE.float64 : EQUATION_TOLERANCE.float32;
  const magnitude = Array.from(expected).reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 1);
  const kind = aval.dtype === "float32" || aval.dtype === "float64" ? "close" : "exact";
  return compareValues(actual, expected, { kind, rtol: tol.rtol, atol: tol.atol * magnitude, zeroSign: false } as never).length > 0;
}

/**
 * The first equation of `program` whose outputs on `backend` differ from the reference's
 * given the same inputs, described as `prim (input types)`; null when every equation agrees
 * (the difference then comes from accumulated rounding, not from one primitive).
 */
export function suspectPrimitive(program: Program, args: readonly AnyTypedArray[], backend: Backend<any>, reference: Backend<any>): string | null {
  const env = new Map<Var, AnyTypedArray>();
  program.constBinders.forEach((v, i) => env.set(v, (program.consts[i] as ConcreteArray).readSync()));
  program.inBinders.forEach((v, i) => env.set(v, args[i]));
  const read = (a: Var | Lit) => (a instanceof Lit ? toTyped(a.aval.dtype, [a.value]) : env.get(a)!);
  for (const eqn of program.eqns) {
    const inputs = eqn.inputs.map(read);
    const expected = runEquation(reference, eqn, inputs);
    let actual: AnyTypedArray[];
    try {
      actual = runEquation(backend, eqn, inputs);
    } catch (e) {
      return `${eqn.prim} (${eqn.inputs.map((a) => a.aval).join(", ")}), which threw ${(e as Error).name}`;
    }
    if (eqn.outs.some((v, i) => differs(actual[i], expected[i], v.aval))) {
      const where = getPrimitive(eqn.prim).higherOrder ? " (a primitive inside its body)" : "";
      return `${eqn.prim}${where} (${eqn.inputs.map((a) => a.aval).join(", ")})`;
    }
    eqn.outs.forEach((v, i) => env.set(v, expected[i]));
  }
  return null;
}
