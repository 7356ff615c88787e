import { TypecheckError } from "./errors.js";
import { ConcreteArray } from "./eval.js";
import { dceRules } from "./higher-order.js";
import { prettyPrint } from "./print.js";
import { toSource } from "./source/to-source.js";
import { type HigherOrderPrim, type Params, type Prim, abstractEval, getPrimitive } from "./registry.js";
import { type ShapedArray, scalarAval } from "./shape.js";
import { untrack } from "./tidy.js";
import { type Tracer, bind } from "./trace.js";

/** A variable of a program: bound once, typed by its abstract value. */
export class Var {
  constructor(readonly aval: ShapedArray) {}
}

/** A scalar literal inlined into an equation. */
export class Lit {
  private cached: ConcreteArray | null = null;
  readonly aval: ShapedArray;
  constructor(
    readonly value: number,
    dtype: ShapedArray["dtype"],
  ) {
    this.aval = scalarAval(dtype); // shared: a long trace makes one literal per scalar it lifts
  }
  /** The literal as an array on the current backend. */
  toArray(): ConcreteArray {
    if (!this.cached) this.cached = ConcreteArray.scalar(this.value, this.aval.dtype);
    return this.cached;
  }
}

export type Atom = Var | Lit;

/** One equation: a primitive applied to atoms, binding one variable per output. */
export interface Eqn<P extends Prim = Prim> {
  readonly prim: P;
  readonly inputs: readonly Atom[];
  readonly params: Params<P>;
  readonly outs: readonly Var[];
}

/**
 * A typed program: constant binders (bound to `consts`), input binders, equations in
 * order, output atoms. A *closed* program's constants are concrete arrays (values that
 * came from outside, or residuals), never tracers: that is what higher-order primitives
 * hold in their params.
 */
export class Program {
  constructor(
    readonly constBinders: readonly Var[],
    readonly consts: readonly Tracer[],
    readonly inBinders: readonly Var[],
    readonly eqns: readonly Eqn[],
    readonly outs: readonly Atom[],
  ) {}
  get inAvals(): ShapedArray[] {
    return this.inBinders.map((v) => v.aval);
  }
  get outAvals(): ShapedArray[] {
    return this.outs.map((v) => v.aval);
  }
  toString(): string {
    return prettyPrint(this);
  }
  /** Standalone JavaScript computing this program (see `toSource`). */
  toSource(): string {
    return toSource(this);
  }
}

/** A program whose constants are all concrete arrays. */
export type ClosedProgram = Program & { readonly consts: readonly ConcreteArray[] };

/**
 * Close a program: constants that are tracers (values of an enclosing transformation)
 * become leading inputs, returned as `hoisted`, to be passed explicitly where the program
 * is applied; concrete constants stay.
 */
export function closeProgram(program: Program): { closed: ClosedProgram; hoisted: Tracer[] } {
  const keep = program.consts.map((c) => c instanceof ConcreteArray);
  const hoisted = program.consts.filter((_, i) => !keep[i]);
  const closed = new Program(
    program.constBinders.filter((_, i) => keep[i]),
    program.consts.filter((_, i) => keep[i]),
    [...program.constBinders.filter((_, i) => !keep[i]), ...program.inBinders],
    program.eqns,
    program.outs,
  );
  return { closed: closed as ClosedProgram, hoisted };
}

/**
 * A program kept in a cache outlives the tidy that staged it: its constants (and those of
 * its sub-programs) leave the tidy's care and are released with the program instead.
 */
export function retainConsts(program: Program): void {
  for (const c of heldConstants(program)) untrack(c);
}

/**
 * Every constant a program holds, its sub-programs' included, each once: the arrays it keeps
 * alive (for a linear program from `linearize` or `vjp`, the residuals).
 */
export function heldConstants(program: Program, found = new Set<Tracer>()): Set<Tracer> {
  for (const c of program.consts) found.add(c);
  for (const e of program.eqns) for (const sub of subPrograms(e.params)) heldConstants(sub, found);
  return found;
}

/** The sub-programs held in an equation's params (a higher-order primitive's bodies). */
export function subPrograms(params: unknown): Program[] {
  const found: Program[] = [];
  for (const v of Object.values(params as object)) {
    if (v instanceof Program) found.push(v);
    else if (Array.isArray(v)) for (const e of v) if (e instanceof Program) found.push(e);
  }
  return found;
}

// ---------------------------------------------------------------------------------------
// Typecheck, DCE, evaluation.

/** Check that every variable is bound once before use and every equation is well typed, sub-programs included. */
export function typecheck(program: Program): void {
  const env = new Set<Var>();
  const bindVar = (v: Var, what: string) => {
    if (env.has(v)) throw new TypecheckError(`typecheck: variable of type ${v.aval} bound twice (${what})`);
    env.add(v);
  };
  if (program.constBinders.length !== program.consts.length) {
    throw new TypecheckError(`typecheck: ${program.constBinders.length} constant binders but ${program.consts.length} constants`);
  }
  program.constBinders.forEach((v, i) => {
    if (!v.aval.equals(program.consts[i].aval)) {
      throw new TypecheckError(`typecheck: constant ${i} has type ${program.consts[i].aval}; its binder says ${v.aval}`);
    }
    bindVar(v, "constant");
  });
  program.inBinders.forEach((v) => bindVar(v, "input"));
  const checkAtom = (a: Atom, where: string) => {
    if (a instanceof Var && !env.has(a)) throw new TypecheckError(`typecheck: ${where} uses an unbound variable of type ${a.aval}`);
  };
  for (const eqn of program.eqns) {
    eqn.inputs.forEach((a) => checkAtom(a, `equation '${eqn.prim}'`));
    for (const sub of subPrograms(eqn.params)) typecheck(sub);
    let expected: ShapedArray[];
    try {
      expected = abstractEval(eqn.prim, eqn.inputs.map((a) => a.aval), eqn.params);
    } catch (e) {
      throw new TypecheckError(`typecheck: equation '${eqn.prim}' is ill-typed: ${(e as Error).message}`);
    }
    if (expected.length !== eqn.outs.length || expected.some((a, i) => !a.equals(eqn.outs[i].aval))) {
      const fmt = (avals: readonly ShapedArray[]) => (avals.length === 1 ? String(avals[0]) : `(${avals.join(", ")})`);
      const says = eqn.outs.length === 1 ? "its output variable says" : "its output variables say";
      throw new TypecheckError(`typecheck: equation '${eqn.prim}' produces ${fmt(expected)} but ${says} ${fmt(eqn.outs.map((v) => v.aval))}`);
    }
    eqn.outs.forEach((v) => bindVar(v, `output of '${eqn.prim}'`));
  }
  program.outs.forEach((a) => checkAtom(a, "the program's output"));
}

/**
 * Remove equations (and constants) whose results are never used. A higher-order equation
 * some of whose outputs are unused is narrowed by its primitive's DCE rule.
 */
export function dce(program: Program): Program {
  const live = new Set<Var>(program.outs.filter((a): a is Var => a instanceof Var));
  const kept: Eqn[] = [];
  for (let i = program.eqns.length - 1; i >= 0; i--) {
    let eqn = program.eqns[i];
    const used = eqn.outs.map((v) => live.has(v));
    if (!used.some(Boolean)) continue;
    // A narrowed higher-order equation reads all of its (remaining) inputs.
    if (getPrimitive(eqn.prim).higherOrder) eqn = dceRules[eqn.prim as HigherOrderPrim](eqn as never, used).eqn;
    kept.push(eqn);
    for (const a of eqn.inputs) if (a instanceof Var) live.add(a);
  }
  kept.reverse();
  const constIdx = program.constBinders.map((v, i) => (live.has(v) ? i : -1)).filter((i) => i >= 0);
  return new Program(
    constIdx.map((i) => program.constBinders[i]),
    constIdx.map((i) => program.consts[i]),
    program.inBinders,
    kept,
    program.outs,
  );
}

/** Run a program by binding each equation: on the backend when the inputs are concrete. */
export function evalProgram(program: Program, args: readonly Tracer[]): Tracer[] {
  if (args.length !== program.inBinders.length) {
    throw new TypecheckError(`evalProgram: program takes ${program.inBinders.length} inputs, got ${args.length}`);
  }
  const env = new Map<Var, Tracer>();
  const read = (a: Atom): Tracer => (a instanceof Lit ? a.toArray() : env.get(a)!);
  program.constBinders.forEach((v, i) => env.set(v, program.consts[i]));
  program.inBinders.forEach((v, i) => {
    if (!v.aval.equals(args[i].aval)) throw new TypecheckError(`evalProgram: input ${i} has type ${args[i].aval}; expected ${v.aval}`);
    env.set(v, args[i]);
  });
  for (const eqn of program.eqns) {
    const outs = bind(eqn.prim, eqn.inputs.map(read), eqn.params);
    eqn.outs.forEach((v, i) => env.set(v, outs[i]));
  }
  return program.outs.map(read);
}

// ---------------------------------------------------------------------------------------
// Reshaping closed programs, for the rules of higher-order primitives.

/** The same program with its inputs and outputs reordered: input i is `inOrder[i]` of the old. */
export function permuteProgram(program: ClosedProgram, inOrder: readonly number[], outOrder?: readonly number[]): ClosedProgram {
  const ins = inOrder.map((i) => program.inBinders[i]);
  const outs = outOrder ? outOrder.map((i) => program.outs[i]) : program.outs;
  return new Program(program.constBinders, program.consts, ins, program.eqns, outs) as ClosedProgram;
}

/** The same program with inputs of these types added (unused) at `position`. */
export function withUnusedInputs(program: ClosedProgram, avals: readonly ShapedArray[], position: number): ClosedProgram {
  const ins = [...program.inBinders];
  ins.splice(position, 0, ...avals.map((a) => new Var(a)));
  return new Program(program.constBinders, program.consts, ins, program.eqns, program.outs) as ClosedProgram;
}

/** Which inputs a program reads (in equations or as outputs). */
export function inputsRead(program: Program): boolean[] {
  const read = new Set<Var>();
  for (const e of program.eqns) for (const a of e.inputs) if (a instanceof Var) read.add(a);
  for (const a of program.outs) if (a instanceof Var) read.add(a);
  return program.inBinders.map((v) => read.has(v));
}

/**
 * Keep the outputs in `keepOutputs`, DCE, then keep the inputs in `keepInputs` (by default
 * those still read; an input still read is always kept). Returns which inputs were kept.
 */
export function pruneProgram(program: ClosedProgram, keepOutputs: readonly boolean[], keepInputs?: readonly boolean[]): { program: ClosedProgram; keptInputs: boolean[] } {
  const narrowed = dce(new Program(program.constBinders, program.consts, program.inBinders, program.eqns, program.outs.filter((_, i) => keepOutputs[i])));
  const keptInputs = inputsRead(narrowed).map((read, i) => read || (keepInputs?.[i] ?? false));
  const pruned = new Program(narrowed.constBinders, narrowed.consts, narrowed.inBinders.filter((_, i) => keptInputs[i]), narrowed.eqns, narrowed.outs);
  return { program: pruned as ClosedProgram, keptInputs };
}

/**
 * What a rule derives from a program (its JVP, its known/unknown split, its transpose),
 * computed once per program and key (a mask of which inputs are what) and kept as long as
 * the program lives.
 */
export class ProgramMemo<T> {
  private readonly perProgram = new WeakMap<Program, Map<string, T>>();
  get(program: Program, key: string, make: () => T): T {
    let perKey = this.perProgram.get(program);
    if (!perKey) this.perProgram.set(program, (perKey = new Map()));
    let value = perKey.get(key);
    if (value === undefined) {
      perKey.set(key, (value = make()));
      if (value instanceof Program) retainConsts(value);
    }
    return value;
  }
}

/** A mask as a key: "0110". */
export const maskKey = (...masks: readonly (readonly boolean[])[]): string => masks.map((m) => m.map(Number).join("")).join("|");
