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
  // Every variable gets a slot where it is bound; values, linearity and cotangents live in
  // arrays by slot. (This runs once per equation of long linear programs: one map lookup per
  // operand, and no map that grows and shrinks as cotangents come and go.)
  const slot = new Map<Var, number>();
  const values: (Tracer | undefined)[] = [];
  const linearSlots: boolean[] = [];
  const bindVar = (v: Var, value: Tracer | undefined) => {
    slot.set(v, values.length);
    values.push(value);
    linearSlots.push(value === undefined);
  };
  program.constBinders.forEach((v, i) => bindVar(v, program.consts[i]));
  program.inBinders.forEach((v, i) => {
    const a = args[i];
    bindVar(v, isUndefined(a) ? undefined : a);
  });
  const slotOf = (a: Atom) => (a instanceof Var ? slot.get(a)! : -1);
  const isLinear = (a: Atom) => a instanceof Var && linearSlots[slot.get(a)!];
  // A literal read here is a fresh transformation-internal scalar, not the literal's cached
  // array: an eager release scope gives it back on return, without a finalizer.
  const read = (a: Atom): Tracer => (a instanceof Lit ? ConcreteArray.scopedScalar(a.value, a.aval.dtype, "internal") : values[slot.get(a)!]!);

  const linearEqns: Eqn[] = [];
  for (const eqn of program.eqns) {
    const { inputs, outs } = eqn;
    let linear: boolean[] | null = null;
    for (let i = 0; i < inputs.length; i++) {
      if (isLinear(inputs[i])) (linear ??= new Array<boolean>(inputs.length).fill(false))[i] = true;
    }
    if (linear) {
      checkLinearUse(eqn, linear);
      for (const v of outs) bindVar(v, undefined);
      linearEqns.push(eqn);
    } else {
      const results = bind(eqn.prim, inputs.map(read), eqn.params);
      for (let i = 0; i < outs.length; i++) bindVar(outs[i], results[i]);
    }
  }

  const ctOf: (Tracer | undefined)[] = new Array(values.length);
  const addCt = (s: number, ct: Tracer) => {
    const prev = ctOf[s];
    ctOf[s] = prev ? ops.add(prev, ct) : ct;
  };
  program.outs.forEach((a, i) => {
    const ct = cts[i];
    if (isLinear(a) && !(ct instanceof Zero)) addCt(slotOf(a), ct);
  });

  for (let k = linearEqns.length - 1; k >= 0; k--) {
    const eqn = linearEqns[k];
    const { inputs, outs } = eqn;
    let any = false;
    const eqnCts = new Array<Cotangent>(outs.length);
    for (let j = 0; j < outs.length; j++) {
      const s = slot.get(outs[j])!;
      const ct = ctOf[s];
      if (ct) (any = true), (ctOf[s] = undefined);
      eqnCts[j] = ct ?? new Zero(outs[j].aval);
    }
    if (!any) continue; // symbolic zeros: nothing to propagate
    const rule = transposeRules[eqn.prim]!;
    const inCts = rule(eqnCts, inputs.map((a) => (isLinear(a) ? new UndefinedPrimal(a.aval) : read(a))), eqn.params as never);
    for (let i = 0; i < inputs.length; i++) {
      const c = inCts[i];
      if (c && isLinear(inputs[i])) addCt(slotOf(inputs[i]), c);
    }
  }
  return program.inBinders.map((v, i) => (isUndefined(args[i]) ? (ctOf[slot.get(v)!] ?? new Zero(v.aval)) : null));
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
