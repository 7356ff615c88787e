import {
  type Atom,
  type Eqn,
  Lit,
  NonLinearError,
  type Program,
  type Tracer,
  Var,
  asInternal,
  bind,
  getPrimitive,
  ops,
  stageProgram,
} from "@lintra/core-ir";
import { Zero } from "@lintra/jvp";
import { transposeRules } from "./transpose-rules.js";
import { UndefinedPrimal, isUndefined } from "./undefined-primal.js";

export type Cotangent = Tracer | Zero;

function describe(eqn: Eqn): string {
  return `'${eqn.out.aval} = ${eqn.prim} ${eqn.inputs.map((a) => (a instanceof Lit ? String(a.value) : a.aval.toString())).join(" ")}'`;
}

/** Throw unless `eqn` uses its linear inputs only where the primitive is linear. */
function checkLinearUse(eqn: Eqn, linear: boolean[]): void {
  const def = getPrimitive(eqn.prim);
  const allowed = (i: number) => def.linearArgs === "all" || def.linearArgs.includes(i);
  const bad = linear.findIndex((l, i) => l && !allowed(i));
  if (def.linearity === "none" || bad >= 0) {
    throw new NonLinearError(`transpose: equation ${describe(eqn)} uses a linear variable non-linearly (operand ${Math.max(bad, 0)} of '${eqn.prim}')`);
  }
  if (def.linearity === "bilinear" && linear.filter(Boolean).length > 1) {
    throw new NonLinearError(`transpose: equation ${describe(eqn)} multiplies two linear variables; the program is not linear`);
  }
  if (!transposeRules[eqn.prim]) throw new NonLinearError(`transpose: primitive '${eqn.prim}' in ${describe(eqn)} has no transpose rule`);
}

/**
 * Transpose a linear program: inputs given as `UndefinedPrimal` are linear, the others
 * are values. Non-linear equations (residual computations) are evaluated forward first;
 * then the linear ones run backwards, each through its primitive's transpose rule.
 * Cotangents of a variable used twice are added; an absent cotangent is a symbolic zero.
 */
export function backwardPass(program: Program, args: readonly (Tracer | UndefinedPrimal)[], cts: readonly Cotangent[]): (Cotangent | null)[] {
  return asInternal(() => runBackward(program, args, cts));
}

function runBackward(program: Program, args: readonly (Tracer | UndefinedPrimal)[], cts: readonly Cotangent[]): (Cotangent | null)[] {
  const values = new Map<Var, Tracer>();
  const linearVars = new Set<Var>();
  program.constBinders.forEach((v, i) => values.set(v, program.consts[i]));
  program.inBinders.forEach((v, i) => {
    const a = args[i];
    if (isUndefined(a)) linearVars.add(v);
    else values.set(v, a);
  });
  const isLinear = (a: Atom) => a instanceof Var && linearVars.has(a);
  const read = (a: Atom): Tracer => (a instanceof Lit ? a.toArray() : values.get(a)!);

  const linearEqns: Eqn[] = [];
  for (const eqn of program.eqns) {
    const linear = eqn.inputs.map(isLinear);
    if (linear.some(Boolean)) {
      checkLinearUse(eqn, linear);
      linearVars.add(eqn.out);
      linearEqns.push(eqn);
    } else {
      values.set(eqn.out, bind(eqn.prim, eqn.inputs.map(read), eqn.params));
    }
  }

  const ctEnv = new Map<Var, Tracer>();
  const addCt = (v: Var, ct: Tracer) => {
    const prev = ctEnv.get(v);
    ctEnv.set(v, prev ? ops.add(prev, ct) : ct);
  };
  program.outs.forEach((a, i) => {
    const ct = cts[i];
    if (isLinear(a) && !(ct instanceof Zero)) addCt(a as Var, ct);
  });

  for (let k = linearEqns.length - 1; k >= 0; k--) {
    const eqn = linearEqns[k];
    const ct = ctEnv.get(eqn.out);
    if (!ct) continue; // symbolic zero: nothing to propagate
    ctEnv.delete(eqn.out);
    const inputs = eqn.inputs.map((a) => (isLinear(a) ? new UndefinedPrimal(a.aval) : read(a)));
    const rule = transposeRules[eqn.prim]!;
    const inCts = rule(ct, inputs, eqn.params as never);
    eqn.inputs.forEach((a, i) => {
      const c = inCts[i];
      if (isLinear(a) && c) addCt(a as Var, c);
    });
  }
  return program.inBinders.map((v, i) => (isUndefined(args[i]) ? (ctEnv.get(v) ?? new Zero(v.aval)) : null));
}

/**
 * The transposed program of a linear program: from output cotangents to input cotangents.
 * With `linearInputs`, only those inputs are linear; the transposed program then takes
 * the non-linear inputs first, then the output cotangents.
 */
export function transpose(program: Program, linearInputs?: readonly boolean[]): Program {
  const linear = linearInputs ?? program.inBinders.map(() => true);
  const nonLinearAvals = program.inBinders.filter((_, i) => !linear[i]).map((v) => v.aval);
  return stageProgram(
    (...xs) => {
      const given = xs.slice(0, nonLinearAvals.length);
      const cts = xs.slice(nonLinearAvals.length);
      let j = 0;
      const args = program.inBinders.map((v, i) => (linear[i] ? new UndefinedPrimal(v.aval) : given[j++]));
      const out = backwardPass(program, args, cts);
      return out.flatMap((c, i) => (linear[i] ? [c instanceof Zero ? ops.zerosLike(c.aval) : (c as Tracer)] : []));
    },
    [...nonLinearAvals, ...program.outAvals],
  );
}
