/** The JVP rules of `jit` and `checkpoint`: a jit (checkpoint) of the body's JVP program. */
import { type ClosedProgram, type Params, ProgramMemo, type ShapedArray, type Tracer, bind, closeProgram, evalProgram, maskKey, stageProgram } from "@lintra/core-ir";
import { jvpFlat } from "./jvp-trace.js";
import { type Tangent, Zero, instantiate, isZero } from "./zero.js";

interface JvpProgram {
  /** Primals, then the non-zero tangents -> primal outputs, then the non-zero output tangents. */
  readonly program: ClosedProgram;
  readonly outNonzero: readonly boolean[];
}

const jvps = new ProgramMemo<JvpProgram>();

/**
 * The JVP of a closed program for the given non-zero input tangents (cached per program
 * and masks). Output tangents marked in `instantiate` are outputs even when they are zero
 * (control flow needs every branch, or every step, to agree).
 */
export function jvpProgram(program: ClosedProgram, nonzeros: readonly boolean[], instantiate: readonly boolean[] = []): JvpProgram {
  return jvps.get(program, maskKey(nonzeros, instantiate), () => stageJvp(program, nonzeros, instantiate));
}

function stageJvp(program: ClosedProgram, nonzeros: readonly boolean[], instantiateOuts: readonly boolean[]): JvpProgram {
  const avals = program.inAvals;
  const n = avals.length;
  let outNonzero: boolean[] = [];
  const staged = stageProgram(
    (...xs) => {
      let j = n;
      const tangents: Tangent[] = avals.map((a, i) => (nonzeros[i] ? xs[j++] : new Zero(a)));
      const [outs, raw] = jvpFlat((...ys) => evalProgram(program, ys), xs.slice(0, n), tangents);
      const touts = raw.map((t, i) => (instantiateOuts[i] ? instantiate(t) : t));
      outNonzero = touts.map((t) => !isZero(t));
      return [...outs, ...touts.filter((t): t is Tracer => !isZero(t))];
    },
    [...avals, ...avals.filter((_, i) => nonzeros[i])],
  );
  const { closed, hoisted } = closeProgram(staged);
  if (hoisted.length) throw new Error("internal: the JVP of a closed program captured a tracer");
  return { program: closed, outNonzero };
}

export function jitJvp(primals: Tracer[], tangents: Tangent[], params: Params<"jit">, outAvals: ShapedArray[]): [Tracer[], Tangent[]] {
  return callJvp("jit", primals, tangents, params, outAvals);
}

/** checkpoint: a checkpoint of the body's JVP, under the same policy. */
export function checkpointJvp(primals: Tracer[], tangents: Tangent[], params: Params<"checkpoint">, outAvals: ShapedArray[]): [Tracer[], Tangent[]] {
  return callJvp("checkpoint", primals, tangents, params, outAvals);
}

function callJvp<P extends "jit" | "checkpoint">(prim: P, primals: Tracer[], tangents: Tangent[], params: Params<P>, outAvals: ShapedArray[]): [Tracer[], Tangent[]] {
  const nonzeros = tangents.map((t) => !isZero(t));
  const { program, outNonzero } = jvpProgram(params.program, nonzeros);
  const outs = bind(prim, [...primals, ...tangents.filter((t): t is Tracer => !isZero(t))], { ...params, name: `jvp(${params.name})`, program } as Params<P>);
  const n = outAvals.length;
  let j = n;
  return [outs.slice(0, n), outNonzero.map((nz, i) => (nz ? outs[j++] : new Zero(outAvals[i])))];
}

/** name: the primal is named (what checkpoint policies see); the tangent passes through unnamed, as in JAX. */
export function nameJvp(primals: Tracer[], tangents: Tangent[], params: Params<"name">): [Tracer[], Tangent[]] {
  return [bind("name", primals, params), tangents];
}
