import {
  type Atom,
  ConcreteArray,
  type Eqn,
  Lit,
  NonLinearError,
  type Program,
  type Tracer,
  Var,
  asInternal,
  bind,
  type ClosedProgram,
  closeProgram,
  ProgramMemo,
  maskKey,
  getPrimitive,
  ops,
  stageProgram,
} from "@lintra/core-ir";
import { Zero, instantiate } from "@lintra/jvp";
import { transposeRules } from "./transpose-rules.js";
import { UndefinedPrimal, isUndefined } from "./undefined-primal.js";

export type Cotangent = Tracer | Zero;

function describe(eqn: Eqn): string {
  return `'${eqn.outs.map((v) => v.aval).join(" ")} = ${eqn.prim} ${eqn.inputs.map((a) => (a instanceof Lit ? String(a.value) : a.aval.toString())).join(" ")}'`;
}

/** Throw unless `eqn` uses its linear inputs only where the primitive is linear. */
function checkLinearUse(eqn: Eqn, linear: boolean[]): void {
  const def = getPrimitive(eqn.prim);
  // A higher-order primitive is as linear as its body: its transpose rule checks the body.
  if (def.linearity === "body" && transposeRules[eqn.prim]) return;
  const { linearArgs } = def;
  let bad = -1;
  let count = 0;
  for (let i = 0; i < linear.length; i++) {
    if (!linear[i]) continue;
    count++;
    if (bad < 0 && linearArgs !== "all" && !linearArgs.includes(i)) bad = i;
  }
  if (def.linearity === "none" || bad >= 0) {
    throw new NonLinearError(`transpose: equation ${describe(eqn)} uses a linear variable non-linearly (operand ${Math.max(bad, 0)} of '${eqn.prim}')`);
  }
  if (def.linearity === "bilinear" && count > 1) {
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
  // A literal read here is a fresh transformation-internal scalar, not the literal's cached
  // array: an eager release scope gives it back on return, without a finalizer.
  const read = (a: Atom): Tracer => (a instanceof Lit ? ConcreteArray.scopedScalar(a.value, a.aval.dtype, "internal") : values.get(a)!);

  // Plain loops below: this runs once per equation of long linear programs.
  const linearEqns: Eqn[] = [];
  for (const eqn of program.eqns) {
    const { inputs, outs } = eqn;
    let linear: boolean[] | null = null;
    for (let i = 0; i < inputs.length; i++) {
      if (isLinear(inputs[i])) (linear ??= new Array<boolean>(inputs.length).fill(false))[i] = true;
    }
    if (linear) {
      checkLinearUse(eqn, linear);
      for (const v of outs) linearVars.add(v);
      linearEqns.push(eqn);
    } else {
      const results = bind(eqn.prim, inputs.map(read), eqn.params);
      for (let i = 0; i < outs.length; i++) values.set(outs[i], results[i]);
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
    const { inputs, outs } = eqn;
    if (!outs.some((v) => ctEnv.has(v))) continue; // symbolic zeros: nothing to propagate
    const eqnCts = outs.map((v) => ctEnv.get(v) ?? new Zero(v.aval));
    for (const v of outs) ctEnv.delete(v);
    const rule = transposeRules[eqn.prim]!;
    const inCts = rule(eqnCts, inputs.map((a) => (isLinear(a) ? new UndefinedPrimal(a.aval) : read(a))), eqn.params as never);
    for (let i = 0; i < inputs.length; i++) {
      const c = inCts[i];
      if (c && isLinear(inputs[i])) addCt(inputs[i] as Var, c);
    }
  }
  return program.inBinders.map((v, i) => (isUndefined(args[i]) ? (ctEnv.get(v) ?? new Zero(v.aval)) : null));
}

/**
 * The transposed program of a linear program: from output cotangents to input cotangents.
 * With `linearInputs`, only those inputs are linear; the transposed program then takes
 * the non-linear inputs first, then the output cotangents.
 */
export function transpose(program: Program, linearInputs?: readonly boolean[], nonzeroCts?: readonly boolean[]): Program {
  const linear = linearInputs ?? program.inBinders.map(() => true);
  const nonzero = nonzeroCts ?? program.outs.map(() => true);
  const nonLinearAvals = program.inBinders.filter((_, i) => !linear[i]).map((v) => v.aval);
  return stageProgram(
    (...xs) => {
      const given = xs.slice(0, nonLinearAvals.length);
      let c = nonLinearAvals.length;
      const cts = program.outAvals.map((a, i) => (nonzero[i] ? xs[c++] : new Zero(a)));
      let j = 0;
      const args = program.inBinders.map((v, i) => (linear[i] ? new UndefinedPrimal(v.aval) : given[j++]));
      const out = backwardPass(program, args, cts);
      return out.flatMap((c, i) => (linear[i] ? [instantiate(c as Cotangent)] : []));
    },
    [...nonLinearAvals, ...program.outAvals.filter((_, i) => nonzero[i])],
  );
}

const transposed = new ProgramMemo<ClosedProgram>();

/** `transpose` of a closed program, cached per program and masks (what a higher-order transpose rule binds). */
export function transposeClosed(program: ClosedProgram, linearInputs: readonly boolean[], nonzeroCts: readonly boolean[]): ClosedProgram {
  return transposed.get(program, maskKey(linearInputs, nonzeroCts), () => {
    const { closed, hoisted } = closeProgram(transpose(program, linearInputs, nonzeroCts));
    if (hoisted.length) throw new Error("internal: the transpose of a closed program captured a tracer");
    return closed;
  });
}
