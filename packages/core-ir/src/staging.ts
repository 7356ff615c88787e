import { ConcreteArray } from "./eval.js";
import { partialEvalRules } from "./higher-order.js";
import { type Atom, type ClosedProgram, type Eqn, Lit, Program, Var, closeProgram } from "./program.js";
import { type HigherOrderPrim, type Params, type Prim, getPrimitive } from "./registry.js";
import type { ShapedArray } from "./shape.js";
import { type MainTrace, Trace, Tracer, newMain } from "./trace.js";

/** A value being staged into a program. */
export class StagingTracer extends Tracer {
  constructor(
    trace: StagingTrace,
    readonly aval: ShapedArray,
  ) {
    super(trace);
  }
}

/** Collects equations while a function is traced. */
export class ProgramBuilder {
  readonly eqns: Eqn[] = [];
  readonly vars = new Map<Tracer, Var>();
  /** Outside value -> the tracer standing for it here; and back. */
  readonly constTracers = new Map<Tracer, StagingTracer>();
  readonly lifted = new Map<Tracer, Tracer>();
  readonly consts: [Var, Tracer][] = [];

  /**
   * @param partialEval Outside values are *known*: a higher-order equation with known
   * inputs is split by its partial-eval rule into a part that runs now and a staged part.
   */
  constructor(readonly partialEval: boolean) {}

  varOf(t: Tracer): Var {
    const v = this.vars.get(t);
    if (!v) throw new Error("internal: tracer has no variable in this program");
    return v;
  }
  newVar(t: Tracer): Var {
    const v = new Var(t.aval);
    this.vars.set(t, v);
    return v;
  }

  /** The program from `inTracers` to `outTracers`; concrete scalar constants become literals. */
  build(inTracers: readonly Tracer[], outTracers: readonly Tracer[]): Program {
    const constBinders: Var[] = [];
    const constVals: Tracer[] = [];
    const literals = new Map<Var, Lit>();
    for (const [v, val] of this.consts) {
      if (val instanceof ConcreteArray && val.ndim === 0) literals.set(v, new Lit(val.readSync()[0], val.dtype));
      else {
        constBinders.push(v);
        constVals.push(val);
      }
    }
    const atom = (v: Var): Atom => literals.get(v) ?? v;
    const eqns = this.eqns.map((e) => ({ ...e, inputs: e.inputs.map((a) => (a instanceof Var ? atom(a) : a)) }));
    return new Program(
      constBinders,
      constVals,
      inTracers.map((t) => this.varOf(t)),
      eqns,
      outTracers.map((t) => atom(this.varOf(t))),
    );
  }
}

export class StagingTrace extends Trace {
  get builder(): ProgramBuilder {
    return this.main.globalData as ProgramBuilder;
  }

  newArg(aval: ShapedArray): StagingTracer {
    const t = new StagingTracer(this, aval);
    this.builder.newVar(t);
    return t;
  }

  /** A value from outside becomes a constant of the program (a literal if it is a concrete scalar). */
  lift(val: Tracer): Tracer {
    const b = this.builder;
    let t = b.constTracers.get(val);
    if (!t) {
      t = new StagingTracer(this, val.aval);
      b.constTracers.set(val, t);
      b.lifted.set(t, val);
      b.consts.push([b.newVar(t), val]);
    }
    return t;
  }

  processPrimitive<P extends Prim>(prim: P, tracers: Tracer[], params: Params<P>, outAvals: ShapedArray[]): Tracer[] {
    const b = this.builder;
    if (b.partialEval && getPrimitive(prim).higherOrder) {
      const known = tracers.map((t) => b.lifted.get(t) ?? null);
      if (known.some((k) => k !== null)) return partialEvalRules[prim as HigherOrderPrim](this, known, tracers, params as never);
    }
    return this.stage(prim, tracers, params, outAvals);
  }

  /** Record one equation; its outputs are new tracers of this trace. */
  stage<P extends Prim>(prim: P, tracers: readonly Tracer[], params: Params<P>, outAvals: readonly ShapedArray[]): Tracer[] {
    const b = this.builder;
    const outs = outAvals.map((a) => new StagingTracer(this, a));
    b.eqns.push({ prim, inputs: tracers.map((t) => b.varOf(this.fullRaise(t))), params, outs: outs.map((o) => b.newVar(o)) } as Eqn);
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
