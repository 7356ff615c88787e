/**
 * The split of a checkpoint body under a sparsifying policy (randomized AD, see
 * `Sparsifier`): every residual is saved, and each float residual the policy selects (by
 * what reads it; never a known input, which the caller holds anyway) is kept compactly —
 * one draw of k entries per use — and rebuilt in the unknown program, each use reading its
 * own rebuild.
 */
import type { Sparsifier } from "./checkpoint-policy.js";
import { isFloat } from "./dtype.js";
import * as lax from "./lax.js";
import { full } from "./ops.js";
import type { PartialEvalResult } from "./partial-eval.js";
import { type Atom, type ClosedProgram, Lit, type Program, Var, closeProgram, evalProgram } from "./program.js";
import { ShapedArray } from "./shape.js";
import { stageProgram } from "./staging.js";
import type { Prim } from "./registry.js";
import { type Tracer, bind } from "./trace.js";

/**
 * How one residual travels: a known input of the body (passed to the unknown side as it
 * is, never through the known program: a loop around the checkpoint then sees it is
 * invariant), whole, or as `draws` compact draws, one per use.
 */
interface Plan {
  readonly input: number | null;
  readonly draws: number;
  /** The number of the first draw (draws are numbered across the body, so each is independent). */
  readonly firstDraw: number;
}

/** Entries kept of n: at least one. */
const keptOf = (n: number, keep: number) => Math.max(1, Math.min(n, Math.ceil(keep * n)));

/** Draw `d`'s phase, a scalar, from all the draws' phases. */
const phaseOf = (phases: Tracer, d: number) => lax.reshape(lax.slice(phases, [d], [d + 1]), []);

/** The positions of one draw: (phase + j·⌊n/k⌋) mod n, j < k. */
function positions(n: number, k: number, phase: Tracer): Tracer {
  const stride = Math.floor(n / k);
  const steps = lax.mul(lax.iota("int32", [k], 0), full([k], stride, "int32"));
  return lax.rem(lax.add(steps, lax.broadcastInDim(phase, [k], [])), full([k], n, "int32"));
}

/** The primitives that read each variable, one entry per read (an output read does not count). */
function readersOf(program: Program): Map<Var, Prim[]> {
  const readers = new Map<Var, Prim[]>();
  for (const e of program.eqns) {
    for (const a of e.inputs) {
      if (!(a instanceof Var)) continue;
      const list = readers.get(a) ?? [];
      list.push(e.prim);
      readers.set(a, list);
    }
  }
  return readers;
}

export interface SparseSplit {
  readonly known: ClosedProgram;
  /** Saved values, the known inputs it reads (in order), the unknown inputs -> unknown outputs. */
  readonly unknown: ClosedProgram;
  readonly numKnownOuts: number;
  readonly knownInputsRead: readonly boolean[];
}

/** `keyIndex`: which known input is the key the draws come from (null: the sparsifier holds its own). */
export function sparseSplit(pe: PartialEvalResult, sparsifier: Sparsifier, keyIndex: number | null): SparseSplit {
  const { known, unknown, numResiduals } = pe;
  const numKnownOuts = known.outs.length - numResiduals;
  const residuals = known.outs.slice(numKnownOuts);
  const binders = unknown.inBinders.slice(0, numResiduals);
  const readers = readersOf(unknown);
  let nextDraw = 0;
  const plans: Plan[] = residuals.map((r, i) => {
    const b = binders[i];
    const input = r instanceof Var ? known.inBinders.indexOf(r) : -1;
    if (input >= 0) return { input, draws: 0, firstDraw: nextDraw };
    const reads = readers.get(b) ?? [];
    const sparse = r instanceof Var && isFloat(b.aval.dtype) && b.aval.size >= 2 && !unknown.outs.includes(b) && sparsifier.sparsifies(reads);
    const draws = sparse ? reads.length : 0;
    const plan = { input: null, draws, firstDraw: nextDraw };
    nextDraw += draws;
    return plan;
  });
  const drawSizes = plans.flatMap((p, i) => Array.from({ length: p.draws }, () => binders[i].aval.size));
  const drawPhases = (key: Tracer | null) => (drawSizes.length ? sparsifier.phases(drawSizes, key) : null);
  const knownInputsRead = known.inBinders.map((_, i) => i === keyIndex || plans.some((p) => p.input === i));
  const readIndices = knownInputsRead.flatMap((read, i) => (read ? [i] : []));
  const keyAt = keyIndex === null ? -1 : readIndices.indexOf(keyIndex);

  const knownProgram = stageProgram((...ins) => {
    const phases = drawPhases(keyIndex === null ? null : ins[keyIndex]);
    const outs = evalProgram(known, ins);
    const values = outs.slice(numKnownOuts);
    const saved = values.flatMap((v, i) => {
      const { input, draws, firstDraw } = plans[i];
      if (input !== null) return [];
      if (draws === 0) return [v];
      const n = v.size;
      const k = keptOf(n, sparsifier.keep);
      const flat = lax.reshape(v, [n]);
      return Array.from({ length: draws }, (_, d) => lax.gather(flat, [positions(n, k, phaseOf(phases!, firstDraw + d))], [0]));
    });
    return [...outs.slice(0, numKnownOuts), ...saved];
  }, known.inAvals);

  const compactAval = (i: number) => new ShapedArray([keptOf(binders[i].aval.size, sparsifier.keep)], binders[i].aval.dtype);
  const savedAvals = plans.flatMap((p, i) => (p.input !== null ? [] : p.draws === 0 ? [binders[i].aval] : Array.from({ length: p.draws }, () => compactAval(i))));
  const readAvals = readIndices.map((i) => known.inAvals[i]);
  const unknownProgram = stageProgram(
    (...xs) => {
      const read = xs.slice(savedAvals.length, savedAvals.length + readAvals.length);
      const phases = drawPhases(keyAt < 0 ? null : read[keyAt]);
      let j = 0;
      const perUse = new Map<Var, Tracer[]>();
      const residualValues = plans.map((p, i) => {
        const b = binders[i];
        if (p.input !== null) return read[readIndices.indexOf(p.input)];
        if (p.draws === 0) return xs[j++];
        const n = b.aval.size;
        const k = keptOf(n, sparsifier.keep);
        const scale = full([n], n / k, b.aval.dtype);
        const rebuilt = Array.from({ length: p.draws }, (_, d) => {
          const at = positions(n, k, phaseOf(phases!, p.firstDraw + d));
          const spread = lax.scatterAdd(full([n], 0, b.aval.dtype), xs[j++], [at], [0]);
          return lax.reshape(lax.mul(spread, scale), b.aval.shape);
        });
        perUse.set(b, rebuilt);
        return rebuilt[0];
      });
      return evalWithUses(unknown, [...residualValues, ...xs.slice(savedAvals.length + readAvals.length)], perUse);
    },
    [...savedAvals, ...readAvals, ...unknown.inAvals.slice(numResiduals)],
  );
  return { known: closed(knownProgram), unknown: closed(unknownProgram), numKnownOuts, knownInputsRead };
}

function closed(program: Program): ClosedProgram {
  const { closed: c, hoisted } = closeProgram(program);
  if (hoisted.length) throw new Error("internal: a sparsified checkpoint captured a tracer");
  return c;
}

/** `evalProgram`, except that each read of a variable in `perUse` takes the next of its values. */
function evalWithUses(program: Program, args: readonly Tracer[], perUse: ReadonlyMap<Var, Tracer[]>): Tracer[] {
  const env = new Map<Var, Tracer>();
  const taken = new Map<Var, number>();
  program.constBinders.forEach((v, i) => env.set(v, program.consts[i]));
  program.inBinders.forEach((v, i) => env.set(v, args[i]));
  const read = (a: Atom): Tracer => {
    if (a instanceof Lit) return a.toArray();
    const copies = perUse.get(a);
    if (!copies) return env.get(a)!;
    const n = taken.get(a) ?? 0;
    taken.set(a, n + 1);
    return copies[n];
  };
  for (const eqn of program.eqns) {
    const outs = bind(eqn.prim, eqn.inputs.map(read), eqn.params);
    eqn.outs.forEach((v, i) => env.set(v, outs[i]));
  }
  return program.outs.map((a) => (a instanceof Lit ? a.toArray() : env.get(a)!));
}
