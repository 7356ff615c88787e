/**
 * Transpose rules of the control-flow primitives: cond of the transposed branches; scan
 * run backwards over the transposed body, accumulating the cotangents of its consts;
 * none for while (a loop of unknown length keeps no residuals to run backwards from).
 */
import { type ClosedProgram, NonLinearError, type Params, ProgramMemo, type ShapedArray, type Tracer, TransformError, bind, maskKey, ops, stageClosedProgram } from "@lintra/core-ir";
import { Zero, instantiate } from "@lintra/jvp";
import { type Cotangent, backwardPass, transposeClosed } from "./backward-pass.js";
import { UndefinedPrimal, isUndefined } from "./undefined-primal.js";

type Input = Tracer | UndefinedPrimal;
const values = (xs: readonly Input[]): Tracer[] => xs.filter((x): x is Tracer => !isUndefined(x));

export function transposeCond(cts: Cotangent[], [index, ...operands]: Input[], { branches }: Params<"cond">): (Tracer | null)[] {
  if (isUndefined(index)) throw new NonLinearError("transpose: a cond's branch index depends on a linear input");
  const linear = operands.map(isUndefined);
  const nonzero = cts.map((c) => !(c instanceof Zero));
  const transposed = branches.map((b) => transposeClosed(b, linear, nonzero));
  const outs = bind("cond", [index, ...values(operands), ...cts.filter((c): c is Tracer => !(c instanceof Zero))], { branches: transposed });
  let j = 0;
  return [null, ...operands.map((x) => (isUndefined(x) ? outs[j++] : null))];
}

const bodies = new ProgramMemo<ClosedProgram>();

/**
 * One step backwards: (non-linear consts, const-cotangent accumulators, carry cotangents,
 * non-linear x_i, y_i cotangents) -> (accumulators + this step's const cotangents, the
 * previous carry's cotangents, the linear x_i's cotangents).
 */
function transposedBody(params: Params<"scan">, constLinear: readonly boolean[], xsLinear: readonly boolean[]): ClosedProgram {
  const { program, numConsts, numCarry } = params;
  return bodies.get(program, `${numConsts},${numCarry}|${maskKey(constLinear, xsLinear)}`, () => stageTransposedBody(params, constLinear, xsLinear));
}

function stageTransposedBody(params: Params<"scan">, constLinear: readonly boolean[], xsLinear: readonly boolean[]): ClosedProgram {
  const { program, numConsts: nC, numCarry: nK } = params;
  const avals = program.inAvals;
  const [constAvals, carryAvals, xAvals] = [avals.slice(0, nC), avals.slice(nC, nC + nK), avals.slice(nC + nK)];
  const yAvals = program.outAvals.slice(nK);
  const pick = (as: readonly ShapedArray[], keep: readonly boolean[], want: boolean) => as.filter((_, i) => keep[i] === want);
  const inAvals = [...pick(constAvals, constLinear, false), ...pick(constAvals, constLinear, true), ...carryAvals, ...pick(xAvals, xsLinear, false), ...yAvals];
  return stageClosedProgram((...args) => {
    let at = 0;
    const take = (n: number) => args.slice(at, (at += n));
    const [constVals, acc, ctCarry, xVals, ctYs] = [
      take(constLinear.filter((l) => !l).length),
      take(constLinear.filter(Boolean).length),
      take(nK),
      take(xsLinear.filter((l) => !l).length),
      take(yAvals.length),
    ];
    let [c, x] = [0, 0];
    const bodyArgs: Input[] = [
      ...constAvals.map((a, i) => (constLinear[i] ? new UndefinedPrimal(a) : constVals[c++])),
      ...carryAvals.map((a) => new UndefinedPrimal(a)),
      ...xAvals.map((a, i) => (xsLinear[i] ? new UndefinedPrimal(a) : xVals[x++])),
    ];
    const inCts = backwardPass(program, bodyArgs, [...ctCarry, ...ctYs]);
    const constCts = inCts.slice(0, nC).filter((_, i) => constLinear[i]);
    return [
      ...constCts.map((ct, i) => ops.add(acc[i], instantiate(ct as Cotangent))),
      ...inCts.slice(nC, nC + nK).map((ct) => instantiate(ct as Cotangent)),
      ...inCts.slice(nC + nK).flatMap((ct, i) => (xsLinear[i] ? [instantiate(ct as Cotangent)] : [])),
    ];
  }, inAvals);
}

/**
 * scan backwards. Every carry is linear here (a carry given as a value is a zero that
 * partial evaluation instantiated; its cotangent is dropped); consts and xs may be either.
 */
export function transposeScan(cts: Cotangent[], inputs: Input[], params: Params<"scan">): (Tracer | null)[] {
  const { length, reverse, numConsts: nC, numCarry: nK } = params;
  const [consts, carry, xs] = [inputs.slice(0, nC), inputs.slice(nC, nC + nK), inputs.slice(nC + nK)];
  const constLinear = consts.map(isUndefined);
  const xsLinear = xs.map(isUndefined);
  const body = transposedBody(params, constLinear, xsLinear);
  const acc0 = consts.filter(isUndefined).map((c) => instantiate(new Zero(c.aval)));
  const outs = bind(
    "scan",
    [...values(consts), ...acc0, ...cts.slice(0, nK).map(instantiate), ...values(xs), ...cts.slice(nK).map(instantiate)],
    { program: body, length, reverse: !reverse, numConsts: values(consts).length, numCarry: acc0.length + nK },
  );
  let [a, x] = [0, acc0.length + nK];
  return [
    ...consts.map((c) => (isUndefined(c) ? outs[a++] : null)),
    ...carry.map((c, i) => (isUndefined(c) ? outs[acc0.length + i] : null)),
    ...xs.map((v) => (isUndefined(v) ? outs[x++] : null)),
  ];
}

export function transposeWhile(): never {
  throw new TransformError(
    "whileLoop: reverse-mode differentiation (grad, vjp, jacrev) of a while loop is not supported, as in JAX: " +
      "its number of steps is not known in advance, so no residuals are kept. Use lax.scan, or lax.foriLoop with static (number) bounds",
  );
}
