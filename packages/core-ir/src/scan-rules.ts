/** The core-ir rows of `scan`: evaluation, partial evaluation, DCE. */
import type { Backend } from "./backend.js";
import { type AnyTypedArray, allocTyped } from "./dtype.js";
import { Owned, type Slot, borrow, runClosed } from "./interpret.js";
import { type PartialEvalResult, partialEvalProgram } from "./partial-eval.js";
import { type ClosedProgram, type Eqn, Var, permuteProgram, pruneProgram } from "./program.js";
import type { Params } from "./registry.js";
import { ShapedArray } from "./shape.js";
import type { StagingTrace } from "./staging.js";
import { type Tracer, bind } from "./trace.js";

type ScanParams = Params<"scan">;

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);

/**
 * Evaluate: step through xs on the host side of the backend (each x_i uploaded, each y_i
 * read back into one stacked array), keeping only the current carry alive.
 */
export function scanImpl(backend: Backend<any>, inputs: readonly Slot[], { program, length, reverse, numConsts, numCarry }: ScanParams, outAvals: ShapedArray[]): Slot[] {
  const consts = borrow(inputs.slice(0, numConsts));
  const xAvals = program.inAvals.slice(numConsts + numCarry);
  const yAvals = program.outAvals.slice(numCarry);
  const xsHost: AnyTypedArray[] = inputs.slice(numConsts + numCarry).map((x, j) => backend.read(x.buffer, new ShapedArray([length, ...xAvals[j].shape], xAvals[j].dtype)).slice());
  const ysHost = yAvals.map((a) => allocTyped(a.dtype, length * a.size));
  const owned = new Owned(backend);
  let carry: Slot[] = inputs.slice(numConsts, numConsts + numCarry);
  try {
    for (let step = 0; step < length; step++) {
      const i = reverse ? length - 1 - step : step;
      const xs = xsHost.map((h, j) => ({ buffer: backend.fromTyped(h.slice(i * xAvals[j].size, (i + 1) * xAvals[j].size), xAvals[j]), owned: true }));
      owned.adopt(xs);
      const outs = runClosed(program, backend, [...consts, ...borrow(carry), ...borrow(xs)]);
      owned.adopt(outs);
      outs.slice(numCarry).forEach((y, j) => ysHost[j].set(backend.read(y.buffer, yAvals[j]), i * yAvals[j].size));
      const next = outs.slice(0, numCarry);
      owned.drop([...carry, ...xs, ...outs.slice(numCarry)], new Set(next.map((s) => s.buffer)));
      carry = next;
    }
  } catch (e) {
    owned.releaseAll();
    throw e;
  }
  const ys = ysHost.map((h, j) => ({ buffer: backend.fromTyped(h, outAvals[numCarry + j]), owned: true }));
  return [...owned.handOver(carry), ...ys];
}

/** Which carries are unknown: those unknown on entry, and those the body makes unknown (a fixpoint). */
function splitBody(program: ClosedProgram, consts: boolean[], carry: boolean[], xs: boolean[], numYs: number): { pe: PartialEvalResult; carry: boolean[] } {
  for (;;) {
    const pe = partialEvalProgram(program, [...consts, ...carry, ...xs], [...carry, ...new Array<boolean>(numYs).fill(false)]);
    const out = pe.outUnknowns.slice(0, carry.length);
    if (out.every((u, i) => u === carry[i])) return { pe, carry };
    carry = carry.map((u, i) => u || out[i]);
  }
}

/**
 * Known inputs: a known scan runs now and stacks each step's residuals as extra ys; the
 * unknown scan is staged over those stacked residuals (as xs) and the unknown inputs.
 */
export function scanPartialEval(trace: StagingTrace, known: (Tracer | null)[], tracers: Tracer[], params: ScanParams): Tracer[] {
  const { program, length, reverse, numConsts, numCarry } = params;
  const unknown = known.map((k) => k === null);
  const numYs = program.outs.length - numCarry;
  const split = splitBody(program, unknown.slice(0, numConsts), unknown.slice(numConsts, numConsts + numCarry), unknown.slice(numConsts + numCarry), numYs);
  const { pe } = split;
  const unknownIn = [...unknown.slice(0, numConsts), ...split.carry, ...unknown.slice(numConsts + numCarry)];
  const count = (from: number, n: number, want: boolean) => unknownIn.slice(from, from + n).filter((u) => u === want).length;
  const [kConsts, kCarry] = [count(0, numConsts, false), count(numConsts, numCarry, false)];
  const [uConsts, uCarry] = [count(0, numConsts, true), count(numConsts, numCarry, true)];
  const knownArgs = unknownIn.flatMap((u, i) => (u ? [] : [known[i] ?? tracers[i]]));
  // A residual that is a known const passed straight through is the same every step: it is
  // handed to the unknown scan once, as a const, not stacked per step.
  const r = pe.numResiduals;
  const numKnownOuts = pe.known.outs.length - r;
  const invariant = pe.known.outs.slice(numKnownOuts).map((a) => {
    const i = a instanceof Var ? pe.known.inBinders.indexOf(a) : -1;
    return i >= 0 && i < kConsts ? i : -1;
  });
  const stackedOut = pe.known.outs.map((_, i) => i < numKnownOuts || invariant[i - numKnownOuts] < 0);
  // Known scan: the known body's outputs are its carries, its ys, then the stacked residuals (more ys).
  const knownBody = stackedOut.every(Boolean) ? pe.known : pruneProgram(pe.known, stackedOut, pe.known.inBinders.map(() => true)).program;
  const knownOuts = bind("scan", knownArgs, { program: knownBody, length, reverse, numConsts: kConsts, numCarry: kCarry });
  const stacked = knownOuts.slice(numKnownOuts);
  const isInv = invariant.map((i) => i >= 0);
  const invariants = invariant.filter((i) => i >= 0).map((i) => knownArgs[i]);
  // Unknown body: [residuals, unknown consts, unknown carry, unknown xs]
  //            -> [invariant residuals, unknown consts, unknown carry, stacked residuals, unknown xs].
  const uXs = pe.unknown.inBinders.length - r - uConsts - uCarry;
  const resIdx = range(r);
  const body = permuteProgram(pe.unknown, [
    ...resIdx.filter((j) => isInv[j]),
    ...range(uConsts, r),
    ...range(uCarry, r + uConsts),
    ...resIdx.filter((j) => !isInv[j]),
    ...range(uXs, r + uConsts + uCarry),
  ]);
  const unknownIns = unknownIn.flatMap((u, i) => (u ? [tracers[i]] : []));
  const staged = trace.stage(
    "scan",
    [...invariants, ...unknownIns.slice(0, uConsts + uCarry), ...stacked, ...unknownIns.slice(uConsts + uCarry)],
    { program: body, length, reverse, numConsts: invariants.length + uConsts, numCarry: uCarry },
    body.outAvals.map((a, i) => (i < uCarry ? a : new ShapedArray([length, ...a.shape], a.dtype))),
  );
  let k = 0;
  let u = 0;
  return pe.outUnknowns.map((isUnknown) => (isUnknown ? staged[u++] : knownOuts[k++]));
}

/** Drop unused ys (every carry stays: the next step reads it), then the consts and xs no longer read. */
export function scanDce(eqn: Eqn<"scan">, usedOutputs: boolean[]): { eqn: Eqn<"scan">; usedInputs: boolean[] } {
  const { program, numConsts, numCarry } = eqn.params;
  const keepOuts = usedOutputs.map((used, i) => i < numCarry || used);
  const keepCarry = program.inBinders.map((_, i) => i >= numConsts && i < numConsts + numCarry);
  const { program: body, keptInputs } = pruneProgram(program, keepOuts, keepCarry);
  const numConstsLeft = keptInputs.slice(0, numConsts).filter(Boolean).length;
  return {
    eqn: {
      prim: "scan",
      params: { ...eqn.params, program: body, numConsts: numConstsLeft },
      inputs: eqn.inputs.filter((_, i) => keptInputs[i]),
      outs: eqn.outs.filter((_, i) => keepOuts[i]),
    },
    usedInputs: keptInputs,
  };
}
