import { shortDType } from "./dtype.js";
import { TypecheckError } from "./errors.js";
import { type Params, type Prim, abstractEval } from "./registry.js";
import { ShapedArray } from "./shape.js";
import { ConcreteArray, type Tracer, bind } from "./trace.js";

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
    this.aval = new ShapedArray([], dtype);
  }
  /** The literal as an array on the current backend. */
  toArray(): ConcreteArray {
    if (!this.cached) this.cached = ConcreteArray.scalar(this.value, this.aval.dtype);
    return this.cached;
  }
}

export type Atom = Var | Lit;

export interface Eqn<P extends Prim = Prim> {
  readonly prim: P;
  readonly inputs: readonly Atom[];
  readonly params: Params<P>;
  readonly out: Var;
}

/**
 * A typed, closed program: constant binders (bound to `consts`), input binders,
 * equations in order, output atoms.
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
}

// ---------------------------------------------------------------------------------------
// Pretty-printer: { lambda a:f32[] ; b:f32[3] . let c:f32[3] = sin b ... in ( c ) }

function nameOf(i: number): string {
  let s = "";
  do {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26) - 1;
  } while (i >= 0);
  return s;
}

function fmtLit(lit: Lit): string {
  if (lit.aval.dtype === "bool") return lit.value ? "True" : "False";
  if (lit.aval.dtype === "int32") return String(lit.value);
  const v = lit.value;
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : String(v);
}

function fmtParams(params: object): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return "";
  return "[" + entries.map(([k, v]) => `${k}=${JSON.stringify(v)?.replaceAll('"', "")}`).join(" ") + "]";
}

export function prettyPrint(program: Program): string {
  const names = new Map<Var, string>();
  const bindName = (v: Var) => {
    const n = nameOf(names.size);
    names.set(v, n);
    return `${n}:${shortDType(v.aval.dtype)}[${v.aval.shape.join(",")}]`;
  };
  const atom = (a: Atom) => (a instanceof Lit ? fmtLit(a) : (names.get(a) ?? "?"));
  const consts = program.constBinders.map(bindName).join(" ");
  const ins = program.inBinders.map(bindName).join(" ");
  const header = `{ lambda ${consts ? consts + " ; " : ""}${ins} .`;
  const lines = program.eqns.map((e) => {
    const lhs = bindName(e.out);
    return `${lhs} = ${e.prim}${fmtParams(e.params as object)} ${e.inputs.map(atom).join(" ")}`.trimEnd();
  });
  const body = lines.length ? "  let " + lines.join("\n      ") + "\n" : "";
  return `${header}\n${body}  in ( ${program.outs.map(atom).join(", ")} ) }`;
}

// ---------------------------------------------------------------------------------------
// Typecheck, DCE, evaluation.

/** Check that every variable is bound once before use and every equation is well typed. */
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
    let expected: ShapedArray;
    try {
      expected = abstractEval(eqn.prim, eqn.inputs.map((a) => a.aval), eqn.params);
    } catch (e) {
      throw new TypecheckError(`typecheck: equation '${eqn.prim}' is ill-typed: ${(e as Error).message}`);
    }
    if (!expected.equals(eqn.out.aval)) {
      throw new TypecheckError(`typecheck: equation '${eqn.prim}' produces ${expected} but its output variable says ${eqn.out.aval}`);
    }
    bindVar(eqn.out, `output of '${eqn.prim}'`);
  }
  program.outs.forEach((a) => checkAtom(a, "the program's output"));
}

/** Remove equations (and constants) whose results are never used. */
export function dce(program: Program): Program {
  const live = new Set<Var>(program.outs.filter((a): a is Var => a instanceof Var));
  const kept: Eqn[] = [];
  for (let i = program.eqns.length - 1; i >= 0; i--) {
    const eqn = program.eqns[i];
    if (!live.has(eqn.out)) continue;
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
  for (const eqn of program.eqns) env.set(eqn.out, bind(eqn.prim, eqn.inputs.map(read), eqn.params));
  return program.outs.map(read);
}
