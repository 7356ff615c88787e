/**
 * JVP rules of the control-flow primitives: each is the same primitive applied to the JVP
 * of its sub-programs, with tangents riding along as extra operands, carries or xs.
 */
import { type Params, type ShapedArray, type Tracer, bind, permuteProgram, withUnusedInputs } from "@lintra/core-ir";
import { jvpProgram } from "./jvp-jit.js";
import { type Tangent, Zero, instantiate, isZero } from "./zero.js";

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);
const count = (mask: readonly boolean[]) => mask.filter(Boolean).length;
const nonzero = (ts: readonly Tangent[], mask: readonly boolean[]): Tracer[] => ts.flatMap((t, i) => (mask[i] ? [instantiate(t)] : []));
const fill = (outs: readonly Tracer[], mask: readonly boolean[], avals: readonly ShapedArray[]): Tangent[] => {
  let j = 0;
  return mask.map((nz, i) => (nz ? outs[j++] : new Zero(avals[i])));
};

/** cond of the branches' JVPs; a tangent non-zero in any branch is an output of every branch. */
export function condJvp(primals: Tracer[], tangents: Tangent[], { branches }: Params<"cond">, outAvals: ShapedArray[]): [Tracer[], Tangent[]] {
  const [index, ...operands] = primals;
  const nz = tangents.slice(1).map((t) => !isZero(t));
  const first = branches.map((b) => jvpProgram(b, nz));
  const outNz = outAvals.map((_, i) => first.some((j) => j.outNonzero[i]));
  const jvps = branches.map((b) => jvpProgram(b, nz, outNz));
  const outs = bind("cond", [index, ...operands, ...nonzero(tangents.slice(1), nz)], { branches: jvps.map((j) => j.program) });
  return [outs.slice(0, outAvals.length), fill(outs.slice(outAvals.length), outNz, outAvals)];
}

/** The carries whose tangents are non-zero: those given, and those the body makes non-zero (a fixpoint). */
function carryFixpoint(carryNz: boolean[], step: (carry: boolean[]) => readonly boolean[]): boolean[] {
  for (;;) {
    const out = step(carryNz);
    if (out.every((o, i) => o === carryNz[i])) return carryNz;
    carryNz = carryNz.map((c, i) => c || out[i]);
  }
}

/** scan of the body's JVP: tangents of the consts are consts, of the carry carries, of the xs xs. */
export function scanJvp(primals: Tracer[], tangents: Tangent[], params: Params<"scan">, outAvals: ShapedArray[]): [Tracer[], Tangent[]] {
  const { program, numConsts: nC, numCarry: nK } = params;
  const nX = primals.length - nC - nK;
  const nY = program.outs.length - nK;
  const nz = tangents.map((t) => !isZero(t));
  const [constNz, xsNz] = [nz.slice(0, nC), nz.slice(nC + nK)];
  const jvpOf = (carryNz: readonly boolean[]) => jvpProgram(program, [...constNz, ...carryNz, ...xsNz], [...carryNz, ...new Array<boolean>(nY).fill(false)]);
  const carryNz = carryFixpoint(nz.slice(nC, nC + nK), (c) => jvpOf(c).outNonzero.slice(0, nK));
  const jp = jvpOf(carryNz);
  const [nCt, nKt, nXt] = [count(constNz), count(carryNz), count(xsNz)];
  const ysNz = jp.outNonzero.slice(nK);
  const nYt = count(ysNz);
  const base = nC + nK + nX;
  // [consts, carry, xs, constsᵗ, carryᵗ, xsᵗ] -> [consts, constsᵗ, carry, carryᵗ, xs, xsᵗ]; outputs likewise.
  const inOrder = [...range(nC), ...range(nCt, base), ...range(nK, nC), ...range(nKt, base + nCt), ...range(nX, nC + nK), ...range(nXt, base + nCt + nKt)];
  const outOrder = [...range(nK), ...range(nKt, nK + nY), ...range(nY, nK), ...range(nYt, nK + nY + nKt)];
  const body = permuteProgram(jp.program, inOrder, outOrder);
  const outs = bind(
    "scan",
    [
      ...primals.slice(0, nC),
      ...nonzero(tangents.slice(0, nC), constNz),
      ...primals.slice(nC, nC + nK),
      ...nonzero(tangents.slice(nC, nC + nK), carryNz),
      ...primals.slice(nC + nK),
      ...nonzero(tangents.slice(nC + nK), xsNz),
    ],
    { ...params, program: body, numConsts: nC + nCt, numCarry: nK + nKt },
  );
  const carryOut = outs.slice(0, nK);
  const carryT = fill(outs.slice(nK, nK + nKt), carryNz, outAvals.slice(0, nK));
  const ys = outs.slice(nK + nKt, nK + nKt + nY);
  const ysT = fill(outs.slice(nK + nKt + nY), ysNz, outAvals.slice(nK));
  return [[...carryOut, ...ys], [...carryT, ...ysT]];
}

/** while of the body's JVP; the predicate reads the primal carry only. */
export function whileJvp(primals: Tracer[], tangents: Tangent[], params: Params<"while">, outAvals: ShapedArray[]): [Tracer[], Tangent[]] {
  const { cond, body, condNumConsts: nCC, bodyNumConsts: nBC } = params;
  const nK = primals.length - nCC - nBC;
  const nz = tangents.map((t) => !isZero(t));
  const bcNz = nz.slice(nCC, nCC + nBC);
  const jvpOf = (carryNz: readonly boolean[]) => jvpProgram(body, [...bcNz, ...carryNz], carryNz);
  const carryNz = carryFixpoint(nz.slice(nCC + nBC), (c) => jvpOf(c).outNonzero);
  const [nBCt, nKt] = [count(bcNz), count(carryNz)];
  // [bodyConsts, carry, bodyConstsᵗ, carryᵗ] -> [bodyConsts, bodyConstsᵗ, carry, carryᵗ]
  const jvpBody = permuteProgram(jvpOf(carryNz).program, [...range(nBC), ...range(nBCt, nBC + nK), ...range(nK, nBC), ...range(nKt, nBC + nK + nBCt)]);
  const tangentAvals = outAvals.filter((_, i) => carryNz[i]);
  const jvpCond = withUnusedInputs(cond, tangentAvals, nCC + nK);
  const outs = bind(
    "while",
    [...primals.slice(0, nCC + nBC), ...nonzero(tangents.slice(nCC, nCC + nBC), bcNz), ...primals.slice(nCC + nBC), ...nonzero(tangents.slice(nCC + nBC), carryNz)],
    { cond: jvpCond, body: jvpBody, condNumConsts: nCC, bodyNumConsts: nBC + nBCt },
  );
  return [outs.slice(0, nK), fill(outs.slice(nK), carryNz, outAvals)];
}
