import { TransformError } from "../errors.js";
import { type Atom, type Eqn, Lit, Program, type Var } from "../program.js";
import type { FirstOrderPrim, HigherOrderPrim } from "../registry.js";
import { type Step, planFusion } from "../fusion.js";
import { fusibleInSource, writeFusedGroup } from "./emit-fused.js";
import { higherOrderSourceEmitters } from "./emit-higher-order.js";
import { sourceEmitters } from "./emitters.js";
import { numberOperand, storedValue, typedArrayLiteral, typedName } from "./literals.js";
import { Namer } from "./names.js";
import { runtimeSource } from "./runtime.js";
import type { HigherOrderSourceEmitter, Operand, Output, SourceEmitter } from "./types.js";
import { SourceWriter } from "./writer.js";

/**
 * The source of one standalone JavaScript function expression computing `program`:
 * `new Function("return " + toSource(p))()` is a function taking one typed array per input
 * (row-major; Float32Array, Float64Array, Int32Array, or Uint8Array for bool) and returning
 * an array of fresh typed arrays, one per output. It refers to nothing but `Math` and the
 * typed-array constructors; constants are written into it as typed-array literals. One
 * statement (or small block) per equation, under a comment with the equation's types; the
 * variables have the pretty printer's names. Results equal backend-cpu's bit for bit.
 */
export function toSource(program: Program, options: SourceOptions = {}): string {
  return compileSource(program, options).source;
}

export interface SourceOptions {
  /**
   * Fuse chains of elementwise equations (with their broadcasts) into one loop each, as a
   * compiling backend does. Default: one statement per equation.
   */
  readonly fuse?: boolean;
  /**
   * Read constants from an extra last parameter `$consts` (an array, in the order
   * `compileSource` returns them) instead of writing them into the source as literals.
   */
  readonly constantsAsInput?: boolean;
  /**
   * Write each first-order equation outside a fused group as a call of an extra last
   * parameter, `$kernel(k, [operands])`, for the k-th of the equations `compileSource`
   * returns (a backend passes its own kernel for it) instead of as a loop.
   */
  readonly kernelCalls?: boolean;
}

/** What writing a program needs besides the writer: the options, and the constants read from `$consts`. */
interface Context {
  readonly options: SourceOptions;
  readonly constants: unknown[];
  readonly calls: Eqn[];
}

/**
 * `toSource`'s function, the constants it reads from `$consts` (with `constantsAsInput`) and
 * the equations it hands to `$kernel` (with `kernelCalls`).
 */
export function compileSource(program: Program, options: SourceOptions = {}): { source: string; constants: unknown[]; calls: Eqn[] } {
  const namer = new Namer();
  namer.bindProgram(program);
  const w = new SourceWriter(1);
  const ctx: Context = { options, constants: [], calls: [] };
  writeBody(program, namer, w, ctx);
  const runtime = runtimeSource(w.helpers).flatMap((helper) => [...helper.split("\n").map((l) => "  " + l), ""]);
  const extra = [...(options.constantsAsInput ? ["$consts"] : []), ...(options.kernelCalls ? ["$kernel"] : [])];
  const params = [...program.inBinders.map((v) => namer.name(v)), ...extra].join(", ");
  return { source: [`function (${params}) {`, ...runtime, ...w.lines(), "}"].join("\n"), constants: ctx.constants, calls: ctx.calls };
}

/** Constants, equations, then `return [outputs];`, at the writer's current depth. */
function writeBody(program: Program, namer: Namer, w: SourceWriter, ctx: Context): void {
  if (program.inBinders.length) w.line(`// inputs ${program.inBinders.map((v) => typedName(namer.name(v), v.aval)).join(" ")}`);
  program.constBinders.forEach((v, i) => writeConstant(v, program.consts[i], namer.name(v), w, ctx));
  const produced = new Set<Var>();
  const steps: Step[] = ctx.options.fuse ? planFusion(program, fusibleInSource) : program.eqns.map((eqn) => ({ kind: "eqn", eqn }));
  for (const step of steps) {
    if (step.kind === "fused") {
      for (const eqn of step.eqns) w.line(`// ${equationComment(eqn, eqn.outs.map((v) => ({ name: namer.name(v), aval: v.aval })), namer)}`);
      w.equation(() => writeFusedGroup(step, namer, w));
      step.outputs.forEach((v) => produced.add(v));
      continue;
    }
    writeEquation(step.eqn, namer, w, ctx);
    step.eqn.outs.forEach((v) => produced.add(v));
  }
  // The caller owns what it gets back: an input, a constant or a repeated output is copied.
  const returned = new Set<Var>();
  const result = (a: Atom): string => {
    if (a instanceof Lit) return typedArrayLiteral(a.aval.dtype, [storedValue(a.value, a.aval.dtype)]);
    const name = namer.name(a);
    if (!produced.has(a) || returned.has(a)) return `${name}.slice()`;
    returned.add(a);
    return name;
  };
  w.line(`return [${program.outs.map(result).join(", ")}];`);
}

function writeConstant(v: Var, value: unknown, name: string, w: SourceWriter, ctx: Context): void {
  if (ctx.options.constantsAsInput) {
    w.line(`// ${typedName(name, v.aval)} (constant)`);
    w.line(`const ${name} = $consts[${ctx.constants.push(value) - 1}];`);
    return;
  }
  const data = (value as { readSync?: () => ArrayLike<number> }).readSync?.();
  if (!data) throw new TransformError(`toSource: constant ${typedName(name, v.aval)} is not a concrete array; only closed programs can be written as source`);
  w.line(`// ${typedName(name, v.aval)} (constant)`);
  w.line(`const ${name} = ${typedArrayLiteral(v.aval.dtype, data, w.indent)};`);
}

function writeEquation(eqn: Eqn, namer: Namer, w: SourceWriter, ctx: Context): void {
  const ins = eqn.inputs.map((a) => operand(a, namer));
  const outs: Output[] = eqn.outs.map((v) => ({ name: namer.name(v), aval: v.aval }));
  w.line(`// ${equationComment(eqn, outs, namer)}`);
  w.equation(() => {
    const higher = lookup(higherOrderSourceEmitters, eqn.prim) as HigherOrderSourceEmitter<HigherOrderPrim> | undefined;
    if (higher) {
      const writeFunction = (sub: Program, open: (params: readonly string[]) => string, close: string): void =>
        w.block(open(sub.inBinders.map((v) => namer.name(v))), () => writeBody(sub, namer, w, ctx), close);
      return higher({ ins, params: eqn.params as never, outs, w, writeFunction });
    }
    if (ctx.options.kernelCalls) {
      w.line(`const ${outs[0].name} = $kernel(${ctx.calls.push(eqn) - 1}, [${ins.map((x) => x.ref).join(", ")}]);`);
      return;
    }
    const first = lookup(sourceEmitters, eqn.prim) as SourceEmitter<FirstOrderPrim> | undefined;
    if (!first) throw new TransformError(`toSource: no source emitter for primitive '${eqn.prim}'; add one to the table in core-ir/src/source`);
    first({ ins, params: eqn.params as never, out: outs[0], w });
  });
}

/** A table's own row for `prim` (never an Object.prototype member). */
const lookup = <T extends object>(table: T, prim: string): unknown => (Object.hasOwn(table, prim) ? table[prim as keyof T] : undefined);

/** How the generated code reads an atom: a variable by name, a literal as its stored value. */
function operand(a: Atom, namer: Namer): Operand {
  if (a instanceof Lit) {
    const value = storedValue(a.value, a.aval.dtype);
    const array = typedArrayLiteral(a.aval.dtype, [value]);
    return { aval: a.aval, ref: array, at: () => numberOperand(value), copy: () => array, literal: value };
  }
  const name = namer.name(a);
  return { aval: a.aval, ref: name, at: (i) => `${name}[${i}]`, copy: () => `${name}.slice()` };
}

// ---------------------------------------------------------------------------------------
// The comment above each equation, in the pretty printer's notation: `c:f32[3] = sin b`.

function equationComment(eqn: Eqn, outs: readonly Output[], namer: Namer): string {
  const lhs = outs.map((o) => typedName(o.name, o.aval)).join(" ");
  const args = eqn.inputs.map((a) => (a instanceof Lit ? litText(a) : namer.name(a))).join(" ");
  // One line whatever a param holds: a line break would end the comment.
  return `${lhs} = ${eqn.prim}${paramsText(eqn.params)} ${args}`.trimEnd().replace(/[\r\n\u2028\u2029]/g, " ");
}

function litText(lit: Lit): string {
  if (lit.aval.dtype === "bool") return lit.value ? "True" : "False";
  if (lit.aval.dtype === "int32") return String(lit.value);
  const v = lit.value;
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : String(v);
}

/** `[k=v …]`, leaving out sub-programs (their code follows instead). */
function paramsText(params: unknown): string {
  const isProgram = (v: unknown) => v instanceof Program || (Array.isArray(v) && v.some((e) => e instanceof Program));
  const entries = Object.entries(params as object).filter(([, v]) => !isProgram(v));
  if (entries.length === 0) return "";
  return "[" + entries.map(([k, v]) => `${k}=${JSON.stringify(v)?.replaceAll('"', "")}`).join(" ") + "]";
}
