import { Lit, type Atom, type Eqn, Program, Var } from "./program.js";
import type { Params, Prim } from "./registry.js";
import type { ShapedArray } from "./shape.js";
import { ConcreteArray, type MainTrace, Trace, Tracer, newMain } from "./trace.js";

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
  readonly constTracers = new Map<Tracer, StagingTracer>();
  readonly consts: [Var, Tracer][] = [];

  varOf(t: Tracer): Var {
    let v = this.vars.get(t);
    if (!v) throw new Error("internal: tracer has no variable in this program");
    return v;
  }
  newVar(t: Tracer): Var {
    const v = new Var(t.aval);
    this.vars.set(t, v);
    return v;
  }

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
      b.consts.push([b.newVar(t), val]);
    }
    return t;
  }

  processPrimitive<P extends Prim>(prim: P, tracers: Tracer[], params: Params<P>, outAval: ShapedArray): Tracer {
    const b = this.builder;
    const out = new StagingTracer(this, outAval);
    b.eqns.push({ prim, inputs: tracers.map((t) => b.varOf(t)), params, out: b.newVar(out) } as Eqn);
    return out;
  }
}

/** Stage `f` applied to fresh inputs of the given avals into a typed program. */
export function stageProgram(f: (...args: Tracer[]) => Tracer[], avals: readonly ShapedArray[]): Program {
  return withStaging((trace) => {
    const ins = avals.map((a) => trace.newArg(a));
    const outs = f(...ins).map((o) => trace.fullRaise(o));
    return trace.builder.build(ins, outs);
  });
}

/** Run `fn` inside a new staging transformation. */
export function withStaging<R>(fn: (trace: StagingTrace, main: MainTrace) => R): R {
  return newMain("staging", (main) => new StagingTrace(main), new ProgramBuilder(), (main) => fn(main.makeTrace(main) as StagingTrace, main));
}
