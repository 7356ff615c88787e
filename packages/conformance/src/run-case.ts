import {
  type AnyTypedArray,
  type Backend,
  BackendError,
  ConcreteArray,
  type DType,
  type FirstOrderPrim,
  type ShapedArray,
  UnsupportedPrimitiveError,
  allocTyped,
  bind1,
  getBackend,
  isFloat,
  jit,
  setBackend,
} from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import type { Case } from "./case.js";
import { seedOf } from "./host-data.js";
import { type Numerics, flushAll, isNamedDTypeError, reaches } from "./numerics.js";
import { outputAval } from "./specs.js";
import { type FlushedReference, type Tolerance, compareValues, toleranceFor } from "./tolerance.js";

/**
 * How a case's primitive is applied to its operands: bound eagerly, or staged by `jit` as a
 * program of one equation and run through the backend as a whole program (its `compile`,
 * where it has one). Under `jit` the operands are the program's inputs; under
 * `jit constants` the program closes over them: scalars become literals, arrays constants.
 */
export type Execution = "eager" | "jit" | "jit constants";
export const JIT_EXECUTIONS: readonly Execution[] = ["jit", "jit constants"];

/** How a mismatch line says where it comes from. */
export const executionLabel: Record<Execution, string> = {
  eager: "eager",
  jit: "under jit (operands as program inputs)",
  "jit constants": "under jit (operands as constants)",
};

function apply(c: Case, xs: ConcreteArray[], execution: Execution): unknown {
  if (execution === "eager") return bind1(c.prim, xs, c.params);
  if (execution === "jit") return jit((...ys: ConcreteArray[]) => bind1(c.prim, ys, c.params))(...xs);
  return jit(() => bind1(c.prim, xs, c.params))();
}

function currentBackend(): Backend<any> | undefined {
  try {
    return getBackend();
  } catch (e) {
    if (e instanceof BackendError) return undefined;
    throw e;
  }
}

/** Run `fn` with `backend` selected, then select the previous backend again (if there was one). */
export function withBackend<R>(backend: Backend<any>, fn: () => R): R {
  const previous = currentBackend();
  setBackend(backend);
  try {
    return fn();
  } finally {
    if (previous) setBackend(previous);
  }
}

/**
 * Why `backend` declares it cannot run `prim` on these dtypes — no kernel, or a dtype it
 * does not claim — or undefined when it declares it can. The eval trace throws
 * UnsupportedPrimitiveError in exactly these situations.
 */
export function declaredGap(backend: Backend<any>, prim: FirstOrderPrim, dtypes: readonly DType[]): string | undefined {
  if (!backend.kernels[prim]) return `no ${prim} kernel`;
  const missing = dtypes.find((d) => !backend.dtypes.includes(d));
  return missing ? `no ${missing} in its dtypes` : undefined;
}

/** The dtypes running the case touches: its operands' and its output's. */
export function caseDTypes(c: Case): DType[] {
  return [...new Set([...c.operands.map((o) => o.aval.dtype), outputAval(c.prim, c).dtype])];
}

const describeError = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

const TYPED_ARRAY: Record<DType, string> = { float32: "Float32Array", float64: "Float64Array", int32: "Int32Array", bool: "Uint8Array" };

/** Reading a result back: the buffer must hold the output aval's elements in the dtype's typed array. */
function readResult(y: unknown, backend: Backend<any>, out: ShapedArray, problems: string[]): AnyTypedArray {
  if (!(y instanceof ConcreteArray)) throw new Error(`bind returned ${String(y)}; expected a ConcreteArray`);
  if (y.backend !== backend) problems.push(`result lives on backend '${y.backend.name}'; expected '${backend.name}'`);
  const data = y.backend.read(y.buffer, y.aval);
  const kind = Object.prototype.toString.call(data).slice(8, -1);
  if (kind !== TYPED_ARRAY[out.dtype]) problems.push(`read returned a ${kind} for ${out}; expected a ${TYPED_ARRAY[out.dtype]}`);
  if (data.length !== out.size) problems.push(`read returned ${data.length} elements for ${out}; expected ${out.size}`);
  const copy = allocTyped(out.dtype, out.size);
  copy.set(data.subarray(0, out.size) as never);
  return copy;
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}

/** Operands whose buffers changed while the kernel ran (kernels must not mutate inputs). */
function mutatedOperands(xs: readonly ConcreteArray[], host: readonly AnyTypedArray[]): string[] {
  return xs.flatMap((x, i) => {
    const now = x.backend.read(x.buffer, x.aval);
    return sameBits(now, host[i]) ? [] : [`operand ${i} (${x.aval}) was modified by the kernel`];
  });
}

/**
 * Upload the operands (each to `backend`, or to `fallback` when `backend` does not claim its
 * dtype, so the eval trace reaches its support check), apply the primitive with `backend`
 * selected, and read the result back.
 */
function evaluate(backend: Backend<any>, fallback: Backend<any>, c: Case, host: readonly AnyTypedArray[], execution: Execution = "eager"): { data: AnyTypedArray; problems: string[] } {
  const xs = c.operands.map((o, i) => {
    const home = backend.dtypes.includes(o.aval.dtype) ? backend : fallback;
    return ConcreteArray.fromTyped(host[i], o.aval.shape, o.aval.dtype, home); // fromTyped copies
  });
  const problems: string[] = [];
  const y = withBackend(backend, () => apply(c, xs, execution));
  const data = readResult(y, backend, outputAval(c.prim, c), problems);
  return { data, problems: [...problems, ...mutatedOperands(xs, host)] };
}

/** |x| for float operands (the scale of an accumulated result); other operands unchanged. */
const absolute = (x: AnyTypedArray, dtype: DType): AnyTypedArray => (isFloat(dtype) ? x.map(Math.abs) : x);

/** The host data of a case's operands: the same on every backend and every run. */
export function hostData(c: Case): AnyTypedArray[] {
  const seed = seedOf(c.name);
  return c.operands.map((o, i) => o.data(seed + 7919 * i));
}

/** What a backend that declares a gap owes: UnsupportedPrimitiveError naming the primitive. */
function checkUnsupported(e: unknown, c: Case, gap: string): string[] {
  if (e instanceof UnsupportedPrimitiveError && e.primitive === c.prim) return [];
  return [`declares ${gap}, so bind must throw UnsupportedPrimitiveError; it threw ${describeError(e)}`];
}

/**
 * Run `c` on `backend` as the backend declares it: where it declares a gap, bind must throw
 * UnsupportedPrimitiveError; where it declares support, bind must not throw, and the data it
 * returns goes to `compare`. Returns the mismatches, one line each.
 */
function runDeclared(
  backend: Backend<any>,
  fallback: Backend<any>,
  c: Case,
  host: readonly AnyTypedArray[],
  compare: (data: AnyTypedArray) => string[],
  excused: (e: unknown) => boolean,
  execution: Execution,
): string[] {
  const gap = declaredGap(backend, c.prim, caseDTypes(c));
  let actual: { data: AnyTypedArray; problems: string[] };
  try {
    actual = evaluate(backend, fallback, c, host, execution);
  } catch (e) {
    if (excused(e)) return [];
    return gap ? checkUnsupported(e, c, gap) : [`threw ${describeError(e)}`];
  }
  if (gap) return [`returned data although it declares ${gap}; expected UnsupportedPrimitiveError`];
  const eager = execution === "eager" ? [] : againstEager(backend, fallback, c, host, actual.data);
  return [...actual.problems, ...compare(actual.data), ...eager];
}

/**
 * Under jit, the result must equal the eager one on the same backend bit for bit where
 * nothing may round differently: on a backend without `compile` (the interpreter runs the
 * very kernel that eager evaluation runs) and for `exact` cases (IEEE defines one answer).
 * A compiled program may otherwise round differently from the single kernel (another order
 * of summation, a wider intermediate), and the reference's tolerance is the whole contract.
 */
function againstEager(backend: Backend<any>, fallback: Backend<any>, c: Case, host: readonly AnyTypedArray[], data: AnyTypedArray): string[] {
  if (backend.compile && c.tolerance !== "exact" && isFloat(outputAval(c.prim, c).dtype)) return [];
  let eager: AnyTypedArray;
  try {
    eager = evaluate(backend, fallback, c, host).data;
  } catch (e) {
    return [`eager evaluation threw ${describeError(e)}; under jit it returned data`];
  }
  return compareValues(data, eager, { kind: "exact" }).map((m) => `against eager on the same backend: ${m}`);
}

/**
 * Whether an int32 value at or beyond `bound` takes part in an int32 case: in an int32
 * operand, or in the exact result of an int32-valued case (the reference's int32 result, or
 * the reference on float64 copies of the int32 operands, which does not wrap around).
 */
function beyondInt32Bound(c: Case, host: readonly AnyTypedArray[], reference: Backend<any>, bound: number): boolean {
  if (!caseDTypes(c).includes("int32")) return false;
  if (c.operands.some((o, i) => o.aval.dtype === "int32" && reaches(host[i], bound))) return true;
  if (outputAval(c.prim, c).dtype !== "int32") return false;
  if (reaches(evaluate(reference, reference, c, host).data, bound)) return true;
  if (!c.operands.some((o) => o.aval.dtype === "int32")) return false;
  try {
    const wide = c.operands.map((o, i) => ConcreteArray.fromTyped(host[i], o.aval.shape, o.aval.dtype === "int32" ? "float64" : o.aval.dtype, reference));
    return reaches((withBackend(reference, () => bind1(c.prim, wide, c.params)) as ConcreteArray).readSync(), bound);
  } catch {
    return false; // the primitive takes no float64 operands here (bitwise ops, indices): nothing wider to compute
  }
}

/** The flushed reference of `numerics.flushesSubnormals`: `reference` on the case's operands with their subnormals flushed. */
function flushedReference(reference: Backend<any>, c: Case, host: readonly AnyTypedArray[], numerics: Numerics): FlushedReference | undefined {
  if (!numerics.flushesSubnormals) return undefined;
  const flushed = host.map((x, i) => flushAll(x, c.operands[i].aval.dtype));
  return { expected: evaluate(reference, reference, c, flushed).data, dtype: outputAval(c.prim, c).dtype };
}

/** The int32 rule of `numerics`: whether `e` is the DTypeError the backend may throw for this case. */
function int32Excuse(backend: Backend<any>, reference: Backend<any>, c: Case, host: readonly AnyTypedArray[], numerics: Numerics): (e: unknown) => boolean {
  const bound = numerics.int32Bound;
  return (e) => bound !== undefined && isNamedDTypeError(e, backend) && beyondInt32Bound(c, host, reference, bound);
}

/**
 * Run one case on `backend` (eagerly, or under jit: see `Execution`) and eagerly on the
 * reference backend and compare, with the case's tolerance and the backend's declared
 * `numerics` (none by default). Returns the mismatches, one line each; empty when the
 * backend conforms.
 */
export function runCase(backend: Backend<any>, c: Case, reference: Backend<any> = cpuBackend, numerics: Numerics = {}, execution: Execution = "eager"): string[] {
  const host = hostData(c);
  const compare = (data: AnyTypedArray) => {
    const expected = evaluate(reference, reference, c, host).data;
    const tol = toleranceFor(c.tolerance, outputAval(c.prim, c).dtype, c.terms);
    const absHost = host.map((x, i) => absolute(x, c.operands[i].aval.dtype));
    const scale = tol.kind === "accumulated" ? evaluate(reference, reference, c, absHost).data : undefined;
    return compareValues(data, expected, tol, scale, flushedReference(reference, c, host, numerics));
  };
  return runDeclared(backend, reference, c, host, compare, int32Excuse(backend, reference, c, host, numerics), execution);
}

/**
 * Run one case on `backend` and compare with values known in advance; `numerics` and
 * `execution` as for `runCase`, with `fallback` computing the flushed and the exact int32 results.
 */
export function runExpected(
  backend: Backend<any>,
  c: Case,
  expected: ArrayLike<number>,
  tol: Tolerance,
  fallback: Backend<any> = cpuBackend,
  numerics: Numerics = {},
  execution: Execution = "eager",
): string[] {
  const host = hostData(c);
  const compare = (data: AnyTypedArray) => compareValues(data, expected, tol, undefined, flushedReference(fallback, c, host, numerics));
  return runDeclared(backend, fallback, c, host, compare, int32Excuse(backend, fallback, c, host, numerics), execution);
}

/**
 * `run` under each jit execution, every mismatch line saying which. A large case runs with
 * its operands as inputs only: how a program holds literals and constants does not depend
 * on their size, and the large cases are most of the suite's time.
 */
export function underJit(run: (execution: Execution) => string[], large = false): string[] {
  const executions = large ? JIT_EXECUTIONS.slice(0, 1) : JIT_EXECUTIONS;
  return executions.flatMap((e) => run(e).map((m) => `${executionLabel[e]}: ${m}`));
}
