import { DTypeError, type DType, type FirstOrderPrim, setBackend } from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import { describe, expect, it } from "vitest";
import { mapKernel, reference, variant } from "../test/broken-backends.js";
import type { Case } from "./case.js";
import { INT32_MAX, TINY_NORMAL, fixed } from "./host-data.js";
import { flushSubnormal } from "./numerics.js";
import { runCase, runExpected } from "./run-case.js";
import { casesFor } from "./specs.js";

setBackend(cpuBackend);

const GPU = { flushesSubnormals: true, int32Bound: 2 ** 24 } as const;
const BOUND = GPU.int32Bound;

const caseNamed = (prim: FirstOrderPrim, dtype: DType, what: string): Case => {
  const found = casesFor(prim, dtype).find((c) => c.name === `${prim} ${dtype} ${what}`);
  if (!found) throw new Error(`no case ${prim} ${dtype} ${what}`);
  return found;
};

/** A unary float32 case on exactly these values. */
const unaryCase = (prim: FirstOrderPrim, values: number[]): Case => ({
  prim,
  dtype: "float32",
  name: `${prim} float32 ${values.join(",")}`,
  operands: [fixed(values, [values.length], "float32")],
  params: {} as never,
  tolerance: "exact",
  terms: 1,
  large: false,
});

/** A binary int32 case on exactly these values. */
const int32Case = (prim: FirstOrderPrim, a: number[], b: number[]): Case => ({
  prim,
  dtype: "int32",
  name: `${prim} int32 ${a.join(",")} ${b.join(",")}`,
  operands: [fixed(a, [a.length], "int32"), fixed(b, [b.length], "int32")],
  params: {} as never,
  tolerance: "exact",
  terms: 1,
  large: false,
});

const f32 = (v: number) => flushSubnormal(v, "float32");
type Kernel = ReturnType<typeof reference>;

/** `kernel`, but throwing `error()` first when `refuse` holds for an input value or a result value. */
const refusing =
  (kernel: Kernel, refuse: (v: number) => boolean, error: () => Error): Kernel =>
  (inputs, avals, params, out) => {
    if (inputs.some((x) => Array.prototype.some.call(x, refuse))) throw error();
    const y = kernel(inputs, avals, params, out);
    if (Array.prototype.some.call(y, refuse)) throw error();
    return y;
  };
const beyond = (v: number) => Math.abs(v) >= BOUND;
const named = (name: string) => () => new DTypeError(`backend '${name}' computes int32 exactly only below 2^24`);

describe("numerics: flushesSubnormals", () => {
  // neg as a GPU computes it: subnormal inputs read as zeros, subnormal results flushed.
  const flusher = variant("flushes-subnormals", { replace: { neg: mapKernel((x) => f32(-f32(x))), lt: mapKernel((a, b) => Number(f32(a) < f32(b))) } });

  it("accepts flushed subnormals, and only when declared", () => {
    for (const c of [caseNamed("neg", "float32", "edge values"), caseNamed("lt", "float32", "edge values")]) {
      expect(runCase(flusher, c, cpuBackend, GPU), c.name).toEqual([]);
      expect(runCase(flusher, c, cpuBackend, { flushesSubnormals: true }), c.name).toEqual([]);
      expect(runCase(flusher, c), c.name).not.toEqual([]);
      expect(runCase(flusher, c, cpuBackend, { int32Bound: BOUND }), c.name).not.toEqual([]);
    }
  });

  it("still fails a backend that returns 0 for a normal small float", () => {
    const smallNormals = [TINY_NORMAL.float32, -TINY_NORMAL.float32, 2e-38, 1e-37, 1e-30];
    const zeroing = variant("zeroes-small-normals", { replace: { neg: mapKernel((x) => (Math.abs(x) < 1e-29 ? 0 : -x)) } });
    for (const v of smallNormals) {
      const c = unaryCase("neg", [1, v, 2]);
      const found = runCase(zeroing, c, cpuBackend, GPU);
      expect(found, String(v)).toHaveLength(1);
      expect(found[0]).toMatch(/^at 1: got 0, expected -?\d.*e-\d+ \(or -?\d.*e-\d+ with subnormals flushed\)$/);
      expect(runCase(flusher, c, cpuBackend, GPU), String(v)).toEqual([]);
    }
  });

  it("still fails a flushed result of the wrong sign, and a result off by more than flushing", () => {
    const c = unaryCase("neg", [1e-45, -1e-45, 1e-38]);
    const found = runCase(variant("flush-to-plus-zero", { replace: { neg: mapKernel((x) => Math.abs(f32(-x))) } }), c, cpuBackend, GPU);
    expect(found).toEqual([expect.stringMatching(/^at 0: got 0, expected -1\.4\d*e-45 \(or -0 with/), expect.stringMatching(/^at 2: got 0, expected -9\.9\d*e-39 \(or -0 with/)]);
    expect(runCase(variant("neg-is-identity", { replace: { neg: mapKernel((x) => x) } }), c, cpuBackend, GPU)).not.toEqual([]);
  });

  it("applies to known values, computing the flushed result on the fallback", () => {
    const c = unaryCase("neg", [1e-45]);
    expect(runExpected(flusher, c, [-1e-45], { kind: "exact" }, cpuBackend, GPU)).toEqual([]);
    expect(runExpected(flusher, c, [-1e-45], { kind: "exact" })).toEqual(["at 0: got -0, expected -1e-45"]);
  });
});

describe("numerics: int32Bound", () => {
  const edges = caseNamed("add", "int32", "edge values");
  const small = casesFor("add", "int32").filter((c) => !c.large && c.operands.every((o) => o.aval.size > 0) && !c.name.includes("edge"));

  it("the small cases exist and stay below the bound", () => {
    expect(small.length).toBeGreaterThan(0);
  });

  it("accepts a DTypeError naming the backend where an int32 operand reaches the bound, and only when declared", () => {
    const thrower = variant("bounded", { replace: { add: refusing(reference("add"), beyond, named("bounded")) } });
    expect(runCase(thrower, edges, cpuBackend, GPU)).toEqual([]);
    expect(runCase(thrower, edges, cpuBackend, { int32Bound: BOUND })).toEqual([]);
    expect(runCase(thrower, edges)[0]).toMatch(/^threw DTypeError: backend 'bounded'/);
    expect(runCase(thrower, edges, cpuBackend, { flushesSubnormals: true })).not.toEqual([]);
    for (const c of small) expect(runCase(thrower, c, cpuBackend, GPU), c.name).toEqual([]);
  });

  it("accepts it where only the exact result reaches the bound", () => {
    const half = 2 ** 23;
    const c = int32Case("add", [half, 5], [half, 7]);
    const thrower = variant("bounded", { replace: { add: refusing(reference("add"), beyond, named("bounded")) } });
    expect(runCase(thrower, c, cpuBackend, GPU)).toEqual([]);
    // one below: the result stays below the bound, so the error is a failure
    const below = int32Case("add", [half - 1, 5], [half, 7]);
    const early = variant("bounded-early", { replace: { add: refusing(reference("add"), (v) => Math.abs(v) >= BOUND - 1, named("bounded-early")) } });
    expect(runCase(early, below, cpuBackend, GPU)[0]).toMatch(/^threw DTypeError/);
    // the wrapped int32 result is small; the exact one (computed in float64) is not
    const wraps = int32Case("mul", [65536, 3], [65536, 4]);
    const mulThrower = variant("bounded", { replace: { mul: (inputs, avals, params, out) => {
      const exact = Array.from(inputs[0], (a, i) => a * inputs[1][i]);
      if (exact.some(beyond)) throw named("bounded")();
      return reference("mul")(inputs, avals, params, out);
    } } });
    expect(Math.imul(65536, 65536)).toBe(0);
    expect(runCase(mulThrower, wraps, cpuBackend, GPU)).toEqual([]);
  });

  it("still fails a backend that throws DTypeError for small int32 values", () => {
    const always = variant("always-refuses", { replace: { add: refusing(reference("add"), () => true, named("always-refuses")) } });
    for (const c of small) expect(runCase(always, c, cpuBackend, GPU)[0], c.name).toMatch(/^threw DTypeError: backend 'always-refuses'/);
    expect(runCase(always, int32Case("add", [BOUND - 1, -BOUND + 1], [0, 0]), cpuBackend, GPU)).not.toEqual([]);
  });

  it("still fails a DTypeError that does not name the backend, or another error, beyond the bound", () => {
    const anonymous = variant("anonymous", { replace: { add: refusing(reference("add"), beyond, () => new DTypeError("int32 out of range")) } });
    expect(runCase(anonymous, edges, cpuBackend, GPU)).toEqual(["threw DTypeError: int32 out of range"]);
    const other = variant("other", { replace: { add: refusing(reference("add"), beyond, () => new RangeError("backend 'other' int32 out of range")) } });
    expect(runCase(other, edges, cpuBackend, GPU)[0]).toMatch(/^threw RangeError/);
  });

  it("still fails a backend that rounds int32 beyond the bound instead of throwing", () => {
    // int32 computed in float32 arithmetic and converted back: exact below 2^24, rounded beyond
    const rounding = variant("rounds", { replace: { add: mapKernel((a, b) => Math.fround(Math.fround(a) + Math.fround(b)) | 0) } });
    for (const c of small) expect(runCase(rounding, c, cpuBackend, GPU), c.name).toEqual([]);
    expect(runCase(rounding, edges, cpuBackend, GPU)[0]).toMatch(/^at \d+: got -?\d+, expected -?\d+/);
    expect(runCase(rounding, int32Case("add", [INT32_MAX - 64, BOUND + 1], [1, 0]), cpuBackend, GPU)).not.toEqual([]);
  });

  it("does not excuse a DTypeError in a case without int32, however large its values", () => {
    const c = unaryCase("neg", [3e38, 2 ** 30]);
    const thrower = variant("bounded", { replace: { neg: refusing(reference("neg"), beyond, named("bounded")) } });
    expect(runCase(thrower, c, cpuBackend, GPU)[0]).toMatch(/^threw DTypeError: backend 'bounded'/);
  });

  it("applies to known values", () => {
    const c = int32Case("add", [INT32_MAX], [1]);
    const thrower = variant("bounded", { replace: { add: refusing(reference("add"), beyond, named("bounded")) } });
    expect(runExpected(thrower, c, [-2147483648], { kind: "exact" }, cpuBackend, GPU)).toEqual([]);
    expect(runExpected(thrower, c, [-2147483648], { kind: "exact" })).not.toEqual([]);
  });
});
