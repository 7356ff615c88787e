import { transform } from "sucrase";
import {
  customJvp,
  customVjp,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jit,
  jvp,
  lax,
  linearTranspose,
  linearize,
  makeProgram,
  nn,
  np,
  tidy,
  transpose,
  valueAndGrad,
  vjp,
  vmap,
} from "lintra";
import { InputError } from "./errors.js";

/** The names the user's code sees: lintra's namespaces and transformations. */
const scope: Record<string, unknown> = {
  np,
  lax,
  nn,
  grad,
  valueAndGrad,
  jvp,
  vjp,
  linearize,
  linearTranspose,
  transpose,
  jacfwd,
  jacrev,
  hessian,
  vmap,
  jit,
  customJvp,
  customVjp,
  makeProgram,
  tidy,
};

/** TypeScript to JavaScript: type annotations stripped, line numbers kept. */
export function transpile(source: string): string {
  return transform(source, { transforms: ["typescript"], disableESTransforms: true }).code;
}

const names = Object.keys(scope);
// A direct eval inside a function whose parameters are the scope: the code sees `np` and the
// rest, its declarations stay inside it, and eval returns the script's completion value —
// the value of its last expression statement.
const runInScope = new Function(...names, `return eval(arguments[${names.length}]);`) as (...args: unknown[]) => unknown;

/** Run TypeScript statements with lintra in scope; returns the value of the last expression statement. */
export function evaluate(source: string): unknown {
  return runInScope(...names.map((n) => scope[n]), `"use strict";${transpile(source)}`);
}

/** The editor's code: statements ending with the function to transform. */
export function evaluateFunction(source: string): (...args: unknown[]) => unknown {
  const f = evaluate(source);
  if (typeof f !== "function") {
    throw new InputError(`the code must end with the function to transform, e.g. (x) => np.sum(np.sin(x)); its last expression is ${describeValue(f)}`);
  }
  return f as (...args: unknown[]) => unknown;
}

/** The argument field: comma-separated expressions; a JS number becomes a float32 scalar array. */
export function evaluateArguments(source: string): unknown[] {
  if (source.trim() === "") throw new InputError("give at least one argument, e.g. np.array([1, 2, 3]) or 0.5");
  const args = evaluate(`[${source}\n]`) as unknown[];
  return args.map((a) => (typeof a === "number" ? np.array(a) : a));
}

function describeValue(v: unknown): string {
  if (v === undefined) return "undefined (does the code end with a declaration?)";
  return typeof v === "object" && v !== null ? "an object" : `${typeof v} ${String(v)}`;
}
