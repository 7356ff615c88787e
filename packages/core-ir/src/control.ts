/**
 * Control flow as higher-order primitives: `cond`, `switch`, `scan`, `whileLoop`,
 * `foriLoop`. Each function given is staged once into a closed program (values of
 * enclosing transformations it closes over become explicit operands), so every
 * transformation sees one equation with its sub-programs.
 */
import { isFloat } from "./dtype.js";
import { TransformError, ValueError } from "./errors.js";
import { ConcreteArray } from "./eval.js";
import * as lax from "./lax.js";
import { flattenArgs } from "./leaves.js";
import { type ClosedProgram, Program, Var, closeProgram } from "./program.js";
import { type TreeDef, treeDefEqual, treeDefString, treeFlatten, treeUnflatten } from "./pytree.js";
import { ShapedArray } from "./shape.js";
import { stageProgram } from "./staging.js";
import { type Tracer, bind, bind1 } from "./trace.js";
import { checkFunction, rejectPromise } from "./transform-checks.js";

interface Staged {
  readonly program: ClosedProgram;
  /** Values of enclosing transformations the function closed over: leading inputs of `program`. */
  readonly hoisted: Tracer[];
  readonly outDef: TreeDef;
}

/** Stage `fn` on arrays of `avals`; its output may be any pytree of arrays. */
function stage(fn: (...leaves: Tracer[]) => unknown, avals: readonly ShapedArray[], what: string): Staged {
  let outDef: TreeDef | null = null;
  const program = stageProgram((...xs) => {
    const [leaves, def] = flattenArgs(fn(...xs), `${what} (output)`);
    outDef = def;
    return leaves;
  }, avals);
  const { closed, hoisted } = closeProgram(program);
  return { program: closed, hoisted, outDef: outDef! };
}

/** Give every branch the same leading inputs: all branches' closed-over values, each reading its own. */
function alignHoisted(staged: readonly Staged[]): { programs: ClosedProgram[]; hoisted: Tracer[] } {
  const hoisted = [...new Set(staged.flatMap((s) => s.hoisted))];
  const programs = staged.map(({ program, hoisted: own }) => {
    const binders = hoisted.map((h) => {
      const j = own.indexOf(h);
      return j >= 0 ? program.inBinders[j] : new Var(h.aval);
    });
    return new Program(program.constBinders, program.consts, [...binders, ...program.inBinders.slice(own.length)], program.eqns, program.outs) as ClosedProgram;
  });
  return { programs, hoisted };
}

function scalarIndex(x: unknown, what: string, acceptBool: boolean): Tracer {
  const [[v], def] = flattenArgs(x, what);
  if (def.kind !== "leaf" || v.ndim !== 0) throw new ValueError(`${what}: expected a scalar, got ${def.kind === "leaf" ? v.aval : treeDefString(def)}`);
  if (isFloat(v.dtype) || (v.dtype === "bool" && !acceptBool)) {
    throw new ValueError(`${what}: has dtype ${v.dtype}; expected ${acceptBool ? "a bool or int32" : "an int32"} scalar`);
  }
  return v;
}

const int32 = (v: number) => ConcreteArray.scalar(v, "int32");

function branchesCall(index: Tracer, fns: readonly ((...operands: any[]) => unknown)[], operands: unknown[], what: string, names?: readonly string[]): any {
  fns.forEach((f, i) => {
    checkFunction(what, f, names?.[i] ?? `branch ${i}`);
  });
  const [leaves, inDef] = flattenArgs(operands, what);
  const staged = fns.map((f, i) => stage((...xs) => f(...(treeUnflatten(inDef, xs) as unknown[])), leaves.map((l) => l.aval), `${what} branch ${i}`));
  staged.forEach((s, i) => {
    if (!treeDefEqual(s.outDef, staged[0].outDef)) {
      throw new TransformError(`${what}: branch 0 returns ${treeDefString(staged[0].outDef)} but branch ${i} returns ${treeDefString(s.outDef)}; every branch must return the same structure`);
    }
  });
  const { programs, hoisted } = alignHoisted(staged);
  const outs = bind("cond", [index, ...hoisted, ...leaves], { branches: programs });
  return treeUnflatten(staged[0].outDef, outs);
}

/**
 * `cond(pred, trueFn, falseFn, ...operands)`: `trueFn(...operands)` where `pred` (a bool or
 * int32 scalar) is true, else `falseFn(...operands)`. Both are traced and must return the
 * same types; only the taken one runs.
 */
export function cond(pred: unknown, trueFn: (...operands: any[]) => any, falseFn: (...operands: any[]) => any, ...operands: unknown[]): any {
  const p = scalarIndex(pred, "lax.cond (predicate)", true);
  const index = bind1("convert_element_type", [p.dtype === "bool" ? p : lax.ne(p, int32(0))], { newDtype: "int32" });
  return branchesCall(index, [falseFn, trueFn], operands, "lax.cond", ["falseFn", "trueFn"]);
}

/** `switch(index, branches, ...operands)`: `branches[index](...operands)`, the index clamped into range as in JAX. */
function switchBranches(index: unknown, branches: readonly ((...operands: any[]) => any)[], ...operands: unknown[]): any {
  if (!Array.isArray(branches) || branches.length === 0) throw new TransformError("lax.switch: expected a non-empty array of branch functions");
  const i = scalarIndex(index, "lax.switch (index)", true);
  const asInt = i.dtype === "int32" ? i : bind1("convert_element_type", [i], { newDtype: "int32" });
  const clamped = lax.max(lax.min(asInt, int32(branches.length - 1)), int32(0));
  return branchesCall(clamped, branches, operands, "lax.switch");
}
export { switchBranches as switch };

export interface ScanOptions {
  /** The number of steps; needed when `xs` is null, checked against the xs otherwise. */
  length?: number;
  /** Run from the last element of xs to the first (ys stay in xs's order). */
  reverse?: boolean;
}

function scanLength(xs: readonly Tracer[], length: number | undefined): number {
  const lengths = [...new Set(xs.map((x) => (x.ndim === 0 ? NaN : x.shape[0])))];
  if (lengths.some(Number.isNaN)) throw new ValueError("lax.scan: xs has a scalar leaf; every leaf needs a leading axis to scan over");
  if (lengths.length > 1) throw new ValueError(`lax.scan: xs leaves have leading axes of different lengths ${JSON.stringify(lengths)}`);
  if (length !== undefined && (!Number.isInteger(length) || length < 0)) throw new ValueError(`lax.scan: length ${length}; expected a non-negative integer`);
  if (lengths.length === 1 && length !== undefined && length !== lengths[0]) throw new ValueError(`lax.scan: length ${length} but xs have length ${lengths[0]}`);
  const n = lengths[0] ?? length;
  if (n === undefined) throw new ValueError("lax.scan: xs is null and no length was given");
  return n;
}

/**
 * `scan(f, init, xs, { length, reverse })` with `f(carry, x) -> [carry, y]`: returns
 * `[finalCarry, ys]`, ys stacked along a new leading axis. Carry, x and y are pytrees.
 */
export function scan(f: (carry: any, x: any) => [any, any], init: unknown, xs: unknown = null, { length, reverse = false }: ScanOptions = {}): [any, any] {
  checkFunction("lax.scan", f, "the step function f(carry, x)");
  const [initCarry, carryDef] = flattenArgs(init, "lax.scan (init)");
  const [xLeaves, xDef] = xs === null || xs === undefined ? [[], null] : flattenArgs(xs, "lax.scan (xs)");
  const n = scanLength(xLeaves, length);
  let yDef: TreeDef | null = null;
  const stageBody = (carry: Tracer[]) => stage(
    (...leaves) => {
      const x = xDef ? treeUnflatten(xDef, leaves.slice(carry.length)) : null;
      const r = f(treeUnflatten(carryDef, leaves.slice(0, carry.length)), x);
      rejectPromise(r, "lax.scan");
      if (!Array.isArray(r) || r.length !== 2) throw new TransformError("lax.scan: the body must return [carry, y]");
      const [newCarry, newDef] = flattenArgs(r[0], "lax.scan (carry)");
      if (!treeDefEqual(newDef, carryDef)) throw new TransformError(`lax.scan: the body returns a carry of structure ${treeDefString(newDef)}; init has ${treeDefString(carryDef)}`);
      const [ys, def] = flattenArgs(r[1], "lax.scan (y)");
      yDef = def;
      return [...newCarry, ...ys];
    },
    [...carry.map((c) => c.aval), ...xLeaves.map((x) => new ShapedArray(x.shape.slice(1), x.dtype))],
    "lax.scan",
  );
  const [carry, body] = withWeakCarry(init, initCarry, stageBody);
  const outs = bind("scan", [...body.hoisted, ...carry, ...xLeaves], { program: body.program, length: n, reverse, numConsts: body.hoisted.length, numCarry: carry.length });
  return [treeUnflatten(carryDef, outs.slice(0, carry.length)), treeUnflatten(yDef!, outs.slice(carry.length))];
}

/**
 * A loop body staged on the carry. JS numbers in the carry are weakly typed: where the body
 * returns such a carry in another dtype (a float64 array met it), the number takes that
 * dtype and the body is staged again, as JAX does; any other change of type is an error
 * (from the primitive's type rule).
 */
function withWeakCarry(init: unknown, carry: Tracer[], stageBody: (carry: Tracer[]) => Staged): [Tracer[], Staged] {
  const weak = treeFlatten(init)[0].map((leaf) => typeof leaf === "number");
  const staged = stageBody(carry);
  const outs = staged.program.outAvals;
  const promoted = carry.map((c, i) => (weak[i] && outs[i] && outs[i].dtype !== c.dtype && outs[i].ndim === c.ndim ? lax.convertElementType(c, outs[i].dtype) : c));
  if (promoted.every((c, i) => c === carry[i])) return [carry, staged];
  return [promoted, stageBody(promoted)];
}

/** `whileLoop(condFn, bodyFn, init)`: `val = bodyFn(val)` while `condFn(val)`. Forward mode only (as in JAX). */
export function whileLoop(condFn: (val: any) => any, bodyFn: (val: any) => any, init: unknown): any {
  checkFunction("lax.whileLoop", condFn, "condFn");
  checkFunction("lax.whileLoop", bodyFn, "bodyFn");
  const [initCarry, carryDef] = flattenArgs(init, "lax.whileLoop (init)");
  const args = (xs: Tracer[]) => treeUnflatten(carryDef, xs);
  const [carry, b] = withWeakCarry(init, initCarry, (cs) => stage((...xs) => bodyFn(args(xs)), cs.map((x) => x.aval), "lax.whileLoop (bodyFn)"));
  const c = stage((...xs) => condFn(args(xs)), carry.map((x) => x.aval), "lax.whileLoop (condFn)");
  if (!treeDefEqual(b.outDef, carryDef)) throw new TransformError(`lax.whileLoop: bodyFn returns ${treeDefString(b.outDef)}; init has ${treeDefString(carryDef)}`);
  const outs = bind("while", [...c.hoisted, ...b.hoisted, ...carry], { cond: c.program, body: b.program, condNumConsts: c.hoisted.length, bodyNumConsts: b.hoisted.length });
  return treeUnflatten(carryDef, outs);
}

/**
 * `foriLoop(lower, upper, body, init)`: `val = body(i, val)` for i from lower to upper.
 * With JS numbers as bounds it is a `scan` (reverse mode works); with traced bounds, a
 * `whileLoop` (forward mode only), as in JAX.
 */
export function foriLoop(lower: number | Tracer, upper: number | Tracer, body: (i: Tracer, val: any) => any, init: unknown): any {
  if (typeof lower === "number" && typeof upper === "number") {
    if (!Number.isInteger(lower) || !Number.isInteger(upper)) throw new ValueError(`lax.foriLoop: bounds ${lower}, ${upper}; expected integers`);
    const [, val] = scan(([i, v]: [Tracer, unknown]) => [[lax.add(i, int32(1)), body(i, v)], null], [int32(lower), init], null, {
      length: Math.max(0, upper - lower),
    })[0] as [Tracer, unknown];
    return val;
  }
  const bound = (b: number | Tracer) => (typeof b === "number" ? (Number.isInteger(b) ? int32(b) : b) : b);
  const lo = scalarIndex(bound(lower), "lax.foriLoop (lower)", false);
  const hi = scalarIndex(bound(upper), "lax.foriLoop (upper)", false);
  const [, , val] = whileLoop(
    ([i, u]: [Tracer, Tracer]) => lax.lt(i, u),
    ([i, u, v]: [Tracer, Tracer, unknown]) => [lax.add(i, int32(1)), u, body(i, v)],
    [lo, hi, init],
  );
  return val;
}
