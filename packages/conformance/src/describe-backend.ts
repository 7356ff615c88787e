import { type Backend, DTYPES, type DType, isFloat, isPrimitive, firstOrderPrimitives } from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import { describe, expect, it } from "vitest";
import type { Case } from "./case.js";
import { composites } from "./composites.js";
import { MODES, type Mode, type Placement, jitPlacements, placementTitle, runGradientCheck } from "./gradients.js";
import { knownCase, knownTolerance, knownValues, roundedExpected } from "./known-values.js";
import type { Numerics } from "./numerics.js";
import { type Execution, caseDTypes, declaredGap, runCase, runExpected, underJit } from "./run-case.js";
import { acceptedDTypes, casesFor, outputAval, primsWithoutSpec, representativeCase } from "./specs.js";

export interface DescribeOptions {
  /** The dtypes whose cases run; defaults to `backend.dtypes`. Cases of other dtypes still check that the backend refuses them. */
  readonly dtypes?: readonly DType[];
  /** Include the cases with at least 1e5 elements (default true). */
  readonly large?: boolean;
  /** The backend results are compared with; defaults to backend-cpu. */
  readonly reference?: Backend<any>;
  /**
   * How the backend's arithmetic departs from IEEE where its hardware imposes it: flushed
   * subnormals, int32 exact only below a bound (see `Numerics`). Default: neither; every
   * element is compared as usual.
   */
  readonly numerics?: Numerics;
}

interface Resolved {
  readonly dtypes: readonly DType[];
  readonly large: boolean;
  readonly reference: Backend<any>;
  readonly numerics: Numerics;
}

/** `prim dtype case`, and for a declared gap what the case asserts instead of agreement. */
function caseTitle(backend: Backend<any>, c: Case): string {
  const gap = declaredGap(backend, c.prim, caseDTypes(c));
  return gap ? `${c.name} (${gap}: throws UnsupportedPrimitiveError)` : c.name;
}

/**
 * How the suite runs a case: eagerly, or under jit (see `Execution`), where each case runs
 * twice — its operands as the program's inputs, and as constants (not for large cases) — and
 * a failure's title and every mismatch line say "under jit".
 */
type Runner = (run: (execution: Execution) => string[], c: Case) => void;
const eagerly: Runner = (run) => expect(run("eager")).toEqual([]);
const jitted: Runner = (run, c) => expect(underJit(run, c.large), `${c.name} under jit`).toEqual([]);

/** Every primitive × dtype × generated case, one `it` each, named `prim dtype case`. */
function describePrimitives(backend: Backend<any>, o: Resolved, runner: Runner): void {
  describe("primitives", () => {
    it("every declared primitive has a conformance spec row", () => {
      expect(primsWithoutSpec()).toEqual([]);
    });
    for (const def of firstOrderPrimitives()) {
      const cases = o.dtypes.flatMap((d) => casesFor(def.name, d)).filter((c) => o.large || !c.large);
      if (cases.length === 0) continue;
      describe(def.name, () => {
        for (const c of cases) it(caseTitle(backend, c), () => runner((e) => runCase(backend, c, o.reference, o.numerics, e), c));
      });
    }
  });
}

/**
 * What the backend declares against what it does: its names are known, and every
 * primitive × dtype outside the compared dtypes either runs and agrees (declared) or
 * throws UnsupportedPrimitiveError (not declared). Nothing is left out.
 */
function describeDeclaredSupport(backend: Backend<any>, o: Resolved, runner: Runner): void {
  describe("declared support", () => {
    it("claims only known dtypes", () => {
      expect(backend.dtypes.filter((d) => !DTYPES.includes(d))).toEqual([]);
    });
    it("has kernels only for declared primitives", () => {
      expect(Object.keys(backend.kernels).filter((name) => !isPrimitive(name))).toEqual([]);
    });
    for (const def of firstOrderPrimitives()) {
      for (const dtype of acceptedDTypes(def.name).filter((d) => !o.dtypes.includes(d))) {
        const c = representativeCase(def.name, dtype)!;
        it(caseTitle(backend, c), () => runner((e) => runCase(backend, c, o.reference, o.numerics, e), c));
      }
    }
  });
}

/** Hand-computed values: what can fail even when the backend under test is the reference. */
function describeKnownValues(backend: Backend<any>, o: Resolved, runner: Runner): void {
  describe("known values", () => {
    for (const k of knownValues) {
      for (const dtype of k.dtypes.filter((d) => o.dtypes.includes(d))) {
        const c = knownCase(k, dtype);
        it(c.name, () => {
          const out = outputAval(c.prim, c).dtype;
          runner((e) => runExpected(backend, c, roundedExpected(k.expected, out), knownTolerance(c, out), o.reference, o.numerics, e), c);
        });
      }
    }
  });
}

/** The value, grad, jvp and vjp of composite functions, on the backend (jit placed as `placements` says) and on the reference. */
function describeGradients(backend: Backend<any>, o: Resolved, placements: (mode: Mode) => Placement[]): void {
  describe("gradients", () => {
    for (const dtype of o.dtypes.filter(isFloat)) {
      for (const c of composites) {
        for (const mode of MODES) {
          for (const placement of placements(mode)) {
            const title = `${placementTitle(mode, placement)} ${c.name} ${dtype}`;
            const label = placement === "eager" ? undefined : `${title} under jit`;
            it(title, () => expect(runGradientCheck(backend, c, mode, dtype, o.reference, placement), label).toEqual([]));
          }
        }
      }
    }
  });
}

/**
 * The whole suite again with every case run by `jit`, as one program through the backend
 * (its `compile`, where it has one). Each result is compared with the same reference and
 * tolerance as eagerly. Where nothing may round differently, it must also equal the eager
 * result on the same backend bit for bit: on a backend without `compile` (the interpreter
 * runs the very kernels eager evaluation runs), and in `exact` cases. A compiled program
 * may round otherwise (fused loops, another order of summation), so there the reference's
 * tolerance is the contract. Composites run as `jit(mode(f))` and `mode(jit(f))`, held to
 * the reference's tolerance only: a staged derivative need not run the eager one's kernels
 * in the same order.
 */
function describeUnderJit(backend: Backend<any>, o: Resolved): void {
  describe("under jit", () => {
    describePrimitives(backend, o, jitted);
    describeDeclaredSupport(backend, o, jitted);
    describeKnownValues(backend, o, jitted);
    describeGradients(backend, o, jitPlacements);
  });
}

/**
 * Register the conformance suite for `backend` with vitest: every primitive × dtype ×
 * generated case compared with the reference, hand-computed values, values and gradients
 * of composite functions, and the backend's declared support against what it runs; then
 * all of it again under `jit` ("under jit").
 *
 *     import { describeBackend } from "@lintra/conformance";
 *     describeBackend(myBackend);
 *     describeBackend(gpuBackend, { numerics: { flushesSubnormals: true, int32Bound: 2 ** 24 } });
 */
export function describeBackend(backend: Backend<any>, options: DescribeOptions = {}): void {
  const resolved: Resolved = {
    dtypes: options.dtypes ?? backend.dtypes,
    large: options.large ?? true,
    reference: options.reference ?? cpuBackend,
    numerics: options.numerics ?? {},
  };
  describe(`conformance: ${backend.name}`, () => {
    describePrimitives(backend, resolved, eagerly);
    describeDeclaredSupport(backend, resolved, eagerly);
    describeKnownValues(backend, resolved, eagerly);
    describeGradients(backend, resolved, () => ["eager"]);
    describeUnderJit(backend, resolved);
  });
}
