import { cpuBackend } from "@lintra/backend-cpu";
import { type Case, compareValues, hostData, outputAval, runCase, toleranceFor, withBackend } from "@lintra/conformance";
import { type AnyTypedArray, type Backend, ConcreteArray, DTypeError, bind } from "@lintra/core-ir";

/**
 * How a GPU backend's numbers may differ from backend-cpu's, as two rules that apply to
 * every case alike (no case is singled out):
 * - subnormals: GPUs treat subnormal float32 inputs as zero in arithmetic and comparisons
 *   and flush subnormal results. An element agrees when it equals the reference's, or when,
 *   read with subnormals as zeros of their sign, it equals the reference's on operands
 *   whose subnormals are flushed the same way.
 * - int32 range: integers are exact only below `int32Bound`. Where an int32 operand or the
 *   exact result (the reference on float64 copies, or its int32 result) reaches the bound,
 *   the backend must throw a DTypeError naming itself; everywhere else it must agree.
 */
export interface NumericProfile {
  readonly int32Bound: number;
}

const SMALLEST_NORMAL = 2 ** -126;
const flush = (v: number) => (v !== 0 && Math.abs(v) < SMALLEST_NORMAL ? (v < 0 ? -0 : 0) : v);
const flushAll = (x: AnyTypedArray, dtype: string): AnyTypedArray => (dtype === "float32" ? Float32Array.from(x, flush) : x);

function evaluate(backend: Backend<any>, c: Case, host: readonly AnyTypedArray[], dtypes = c.operands.map((o) => o.aval.dtype)): AnyTypedArray {
  const xs = c.operands.map((o, i) => ConcreteArray.fromTyped(host[i], o.aval.shape, dtypes[i], backend));
  return (withBackend(backend, () => bind(c.prim, xs, c.params)) as ConcreteArray).readSync();
}

/** Whether an int32 value at or beyond the bound takes part: in an operand, or in the exact result. */
function beyondIntBound(c: Case, host: readonly AnyTypedArray[], bound: number): boolean {
  const beyond = (x: ArrayLike<number>) => Array.from(x).some((v) => Math.abs(v) >= bound);
  if (c.operands.some((o, i) => o.aval.dtype === "int32" && beyond(host[i]))) return true;
  if (outputAval(c.prim, c).dtype === "int32" && beyond(evaluate(cpuBackend, c, host))) return true;
  const wide = c.operands.map((o) => (o.aval.dtype === "int32" ? "float64" : o.aval.dtype));
  try {
    return beyond(evaluate(cpuBackend, c, host, wide));
  } catch {
    return false; // the primitive takes no float64 (bitwise ops): nothing wider to compare with
  }
}

/** Lines that say a case's values differ or what it threw; anything else is not the profile's business. */
const isValueProblem = (line: string) => /^(at \d+:|… |\(tolerance|threw )|; it threw /.test(line);

/** runCase, then the profile's two rules for what it reports. Returns the problems left. */
export function runProfiledCase(backend: Backend<any>, c: Case, profile: NumericProfile): string[] {
  const problems = runCase(backend, c);
  if (problems.length === 0) return [];
  if (!problems.every(isValueProblem)) return problems;
  const host = hostData(c);
  let actual: AnyTypedArray;
  try {
    actual = evaluate(backend, c, host);
  } catch (e) {
    const named = e instanceof DTypeError && e.message.includes(`backend '${backend.name}'`);
    return named && beyondIntBound(c, host, profile.int32Bound) ? [] : problems;
  }
  const out = outputAval(c.prim, c).dtype;
  const tol = toleranceFor(c.tolerance, out, c.terms);
  const expected = evaluate(cpuBackend, c, host);
  const flushed = evaluate(cpuBackend, c, host.map((x, i) => flushAll(x, c.operands[i].aval.dtype)));
  const scale = tol.kind === "accumulated" ? evaluate(cpuBackend, c, host.map((x, i) => (c.operands[i].aval.dtype === "float32" ? x.map(Math.abs) : x))) : undefined;
  const f = out === "float32" ? flush : (v: number) => v;
  const left: string[] = [];
  for (let k = 0; k < expected.length; k++) {
    const agree = (a: number, e: number) => compareValues([a], [e], tol, scale && [scale[k]]).length === 0;
    if (!agree(actual[k], expected[k]) && !agree(f(actual[k]), f(flushed[k]))) left.push(`at ${k}: got ${actual[k]}, expected ${expected[k]} (or ${flushed[k]} with subnormals flushed)`);
  }
  return left.length > 6 ? [...left.slice(0, 6), `… ${left.length} of ${expected.length} elements differ`] : left;
}
