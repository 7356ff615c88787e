import { nameOf } from "../print.js";
import { type Program, type Var, subPrograms } from "../program.js";

/**
 * Lower-case words a variable may not be called in JavaScript. The printer's names are
 * lower-case letters only, so `do`, `if` or `new` come up in long programs; they get a
 * trailing underscore. (Generated locals carry a digit or `$`, so they never clash.)
 */
const RESERVED = new Set(
  (
    "arguments await break case catch class const continue debugger default delete do else enum eval export extends " +
    "false finally for function if implements import in instanceof interface let new null package private protected " +
    "public return static super switch this throw true try typeof undefined var void while with yield"
  ).split(" "),
);

/**
 * Names every variable of a program and its sub-programs in binding order, as the pretty
 * printer does: constants, inputs, then per equation its sub-programs' variables and then
 * its outputs. Names are unique across the nesting, so an inner function never shadows.
 */
export class Namer {
  private readonly names = new Map<Var, string>();

  bindProgram(program: Program): void {
    program.constBinders.forEach((v) => this.bind(v));
    program.inBinders.forEach((v) => this.bind(v));
    for (const eqn of program.eqns) {
      for (const sub of subPrograms(eqn.params)) this.bindProgram(sub);
      eqn.outs.forEach((v) => this.bind(v));
    }
  }

  /** The printer's name of `v` (as its JavaScript identifier). */
  name(v: Var): string {
    const n = this.names.get(v);
    if (n === undefined) throw new Error("toSource: internal: a variable is used but never bound");
    return n;
  }

  private bind(v: Var): void {
    const n = nameOf(this.names.size);
    this.names.set(v, RESERVED.has(n) ? n + "_" : n);
  }
}
