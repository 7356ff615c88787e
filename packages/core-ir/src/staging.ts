import { ConcreteArray } from "./eval.js";
import { partialEvalRules } from "./higher-order.js";
import { type Atom, type ClosedProgram, type Eqn, Lit, Program, Var, closeProgram } from "./program.js";
import { type HigherOrderPrim, type Params, type Prim, getPrimitive } from "./registry.js";
import type { ShapedArray } from "./shape.js";
import { type MainTrace, Trace, Tracer, newMain } from "./trace.js";

/** A value being staged into a program. */
export class StagingTracer extends Tracer {
  /**
   * @param atom What the program reads for this value: its variable, or the literal of a
   * concrete scalar from outside (kept on the tracer: a map lookup per use costs more).
   * @param known The outside value this tracer stands for, if it is one (a constant).
   */
  constructor(
    trace: StagingTrace,
    readonly aval: ShapedArray,
    readonly atom: Var | Lit = new Var(aval),
    readonly known: Tracer | null = null,
  ) {
    super(trace);
  }
}

/** Collects equations while a function is traced. */
export class ProgramBuilder {
  readonly eqns: Eqn[] = [];
  /** Outside value -> the tracer standing for it here. */
  readonly constTracers = new Map<Tracer, StagingTracer>();
  /** The constants' binders and values, in the order they were first used. */
  readonly consts: [Var, Tracer][] = [];

  /**
   * @param partialEval Outside values are *known*: a higher-order equation with known
   * inputs is split by its partial-eval rule into a part that runs now and a staged part.
   */
  constructor(readonly partialEval: boolean) {}

  /** The atom of one of this program's tracers (throws for any other value). */
  atomOf(t: Tracer): Var | Lit {
    if (!(t instanceof StagingTracer) || (t._trace as StagingTrace).builder !== this) throw new Error("internal: tracer has no variable in this program");
    return t.atom;
  }
  varOf(t: Tracer): Var {
    const a = this.atomOf(t);
    if (!(a instanceof Var)) throw new Error("internal: tracer has no variable in this program");
    return a;
  }

  /** The program from `inTracers` to `outTracers`; concrete scalar constants are literals. */
  build(inTracers: readonly Tracer[], outTracers: readonly Tracer[]): Program {
    return new Program(
      this.consts.map(([v]) => v),
      this.consts.map(([, val]) => val),
      inTracers.map((t) => this.varOf(t)),
      this.eqns.slice(),
      outTracers.map((t) => this.atomOf(t)),
    );
  }
}

export class StagingTrace extends Trace {
  get builder(): ProgramBuilder {
    return this.main.globalData as ProgramBuilder;
  }

  newArg(aval: ShapedArray): StagingTracer {
    return new StagingTracer(this, aval);
  }

  /**
   * A value from outside becomes a constant of the program, or a literal if it is a concrete
   * scalar. Literals are not remembered: holding every scalar a long trace lifts (each
   * residual of a scalar loop) would keep them all alive until the program is built.
   */
  lift(val: Tracer): Tracer {
    if (val instanceof ConcreteArray && val.ndim === 0) return new StagingTracer(this, val.aval, new Lit(val.readScalar(), val.dtype), val);
    const b = this.builder;
    let t = b.constTracers.get(val);
    if (!t) {
      t = new StagingTracer(this, val.aval, undefined, val);
      b.constTracers.set(val, t);
      b.consts.push([t.atom as Var, val]);
    }
    return t;
  }

  processPrimitive<P extends Prim>(prim: P, tracers: Tracer[], params: Params<P>, outAvals: ShapedArray[]): Tracer[] {
    if (this.builder.partialEval && getPrimitive(prim).higherOrder) {
      const known = tracers.map((t) => (t as StagingTracer).known);
      if (known.some((k) => k !== null)) return partialEvalRules[prim as HigherOrderPrim](this, known, tracers, params as never);
    }
    return this.stage(prim, tracers, params, outAvals);
  }

  /** Record one equation; its outputs are new tracers of this trace. */
  stage<P extends Prim>(prim: P, tracers: readonly Tracer[], params: Params<P>, outAvals: readonly ShapedArray[]): Tracer[] {
    const b = this.builder;
    const inputs = new Array<Atom>(tracers.length);
    for (let i = 0; i < tracers.length; i++) inputs[i] = b.atomOf(this.fullRaise(tracers[i]));
    const outs = new Array<StagingTracer>(outAvals.length);
    const outVars = new Array<Var>(outAvals.length);
    for (let i = 0; i < outAvals.length; i++) {
      outs[i] = new StagingTracer(this, outAvals[i]);
      outVars[i] = outs[i].atom as Var;
    }
    b.eqns.push({ prim, inputs, params, outs: outVars } as Eqn);
    return outs;
  }
}

/** Stage `f` applied to fresh inputs of the given avals into a typed program (omnistaging). */
export function stageProgram(f: (...args: Tracer[]) => Tracer[], avals: readonly ShapedArray[]): Program {
  return withStaging((trace) => {
    const ins = avals.map((a) => trace.newArg(a));
    const outs = f(...ins).map((o) => trace.fullRaise(o));
    return trace.builder.build(ins, outs);
  });
}

/** `stageProgram` for a function that closes over concrete values only: a closed program (rules' sub-programs). */
export function stageClosedProgram(f: (...args: Tracer[]) => Tracer[], avals: readonly ShapedArray[]): ClosedProgram {
  const { closed, hoisted } = closeProgram(stageProgram(f, avals));
  if (hoisted.length) throw new Error("internal: a rule's sub-program captured a tracer of an enclosing transformation");
  return closed;
}

/**
 * Run `fn` inside a new staging transformation that is *dynamic*: every operation inside
 * is staged, including ones with no traced operand (omnistaging).
 */
export function withStaging<R>(fn: (trace: StagingTrace, main: MainTrace) => R): R {
  return newMain("staging", (main) => new StagingTrace(main), new ProgramBuilder(false), (main) => fn(main.trace as StagingTrace, main), true);
}

/**
 * Run `fn` inside a partial-evaluation transformation: operations on its own tracers are
 * staged, operations on outside (known) values run where those values live. `linearize`
 * is the JVP under this transformation.
 */
export function withPartialEval<R>(fn: (trace: StagingTrace, main: MainTrace) => R): R {
  return newMain("partial-eval", (main) => new StagingTrace(main), new ProgramBuilder(true), (main) => fn(main.trace as StagingTrace, main));
}
