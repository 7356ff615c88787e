import { shortDType } from "./dtype.js";
import { type Atom, Lit, Program, type Var, subPrograms } from "./program.js";

// Pretty-printer: { lambda a:f32[] ; b:f32[3] . let c:f32[3] = sin b ... in ( c ) }
// Sub-programs of higher-order equations print nested and indented, naming their
// variables on from the enclosing program's (as JAX does), so no name is ambiguous.

/** a, b, …, z, aa, ab, …: variable names in binding order. */
export function nameOf(i: number): string {
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
  if (Object.is(v, -0)) return "-0.0";
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : String(v);
}

const isProgramParam = (v: unknown) => v instanceof Program || (Array.isArray(v) && v.some((e) => e instanceof Program));

function fmtParams(params: object): string {
  const entries = Object.entries(params).filter(([, v]) => !isProgramParam(v));
  if (entries.length === 0) return "";
  return "[" + entries.map(([k, v]) => `${k}=${JSON.stringify(v)?.replaceAll('"', "")}`).join(" ") + "]";
}

/** Names variables in binding order across a program and its sub-programs. */
class Namer {
  private readonly names = new Map<Var, string>();
  bind(v: Var): string {
    const n = nameOf(this.names.size);
    this.names.set(v, n);
    return `${n}:${shortDType(v.aval.dtype)}[${v.aval.shape.join(",")}]`;
  }
  atom(a: Atom): string {
    return a instanceof Lit ? fmtLit(a) : (this.names.get(a) ?? "?");
  }
}

/** Indent every line after the first by `by` spaces. */
const indentRest = (text: string, by: number) => text.replaceAll("\n", "\n" + " ".repeat(by));

function print(program: Program, namer: Namer): string {
  const consts = program.constBinders.map((v) => namer.bind(v)).join(" ");
  const ins = program.inBinders.map((v) => namer.bind(v)).join(" ");
  const header = `{ lambda ${consts ? consts + " ; " : ""}${ins} .`;
  const lines = program.eqns.map((e) => {
    const bodies = subPrograms(e.params).map((p) => print(p, namer));
    const lhs = e.outs.map((v) => namer.bind(v)).join(" ");
    const head = `${lhs} = ${e.prim}${fmtParams(e.params as object)}`;
    const args = e.inputs.map((a) => namer.atom(a)).join(" ");
    if (bodies.length === 0) return `${head} ${args}`.trimEnd();
    return `${head} ${bodies.map((b) => indentRest(b, 2)).join(" ")} ${args}`.trimEnd();
  });
  const body = lines.length ? "  let " + lines.map((l) => indentRest(l, 6)).join("\n      ") + "\n" : "";
  return `${header}\n${body}  in ( ${program.outs.map((a) => namer.atom(a)).join(", ")} ) }`;
}

export function prettyPrint(program: Program): string {
  return print(program, new Namer());
}
