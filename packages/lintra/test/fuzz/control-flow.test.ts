/**
 * Fuzzing of random programs with higher-order primitives: jit of a sub-DAG, lax.cond and
 * lax.switch with a data-dependent predicate or index, lax.scan, lax.foriLoop with static bounds
 * and lax.whileLoop, nested up to two levels (a cond inside a scan body, a jit inside a cond
 * branch, ...). Every program contains at least one of them. whileLoop programs get forward-mode
 * checks only; reverse mode through them must be a typed error. Programs per run:
 *
 *   jit / cond / switch / scan / foriLoop programs
 *     eager = jit on cpu                      2500
 *     eager = jit on wasm                      500
 *     vmap = loop on cpu                       400
 *     adjoint identity (jvp, vjp) on cpu       500
 *     adjoint identity on wasm                 150
 *     jvp = finite differences (smooth ops)    400
 *   whileLoop programs
 *     eager = jit on cpu                       500
 *     vmap = loop on cpu                       200
 *     linearize = jvp on cpu                   200
 *     jvp = finite differences (smooth ops)    300
 *     grad is a TransformError                 200
 *   total                                     6050
 */
import { afterAll, beforeAll, describe, it, vi } from "vitest";

// Thousands of programs per test, each staged, compiled and run: minutes on a loaded 2-core machine.
vi.setConfig({ testTimeout: 300_000 });
import { setBackend } from "../../src/index.js";
import { checkAdjoint, checkFiniteDifferences, checkJit, checkLinearize, checkVmap, checkWhileReverseModeIsTypedError, fuzz } from "./checks.js";
import { caseArb } from "./cases.js";
import { FAMILIES } from "./programs.js";

const REVERSE_MODE = ["jit", "cond", "switch", "scan", "fori"] as const;
const programs = caseArb({ family: FAMILIES.control, require: REVERSE_MODE });
const smoothPrograms = caseArb({ family: FAMILIES.smoothControl, require: REVERSE_MODE });
const whilePrograms = caseArb({ family: FAMILIES.forwardControl, require: ["while"] });
const smoothWhilePrograms = caseArb({ family: FAMILIES.smoothForwardControl, require: ["while"] });
/** The whileLoop computes the output, so reverse mode must go through it. */
const whileLastPrograms = caseArb({ family: FAMILIES.forwardControl, require: ["while"], requiredLast: true });

describe("random programs with jit, cond, switch, scan and foriLoop on cpu", () => {
  beforeAll(() => setBackend("cpu"));

  it("eager f(x) equals jit(f)(x)", () => fuzz(programs, 2500, checkJit));
  it("vmap(f) over a stacked batch equals a loop of f", () => fuzz(programs, 400, checkVmap));
  it("jvp and vjp satisfy the adjoint identity ⟨ct, J t⟩ = ⟨Jᵀ ct, t⟩", () => fuzz(programs, 500, checkAdjoint));
  it("jvp equals central finite differences (smooth ops)", () => fuzz(smoothPrograms, 400, checkFiniteDifferences));
});

describe("random programs with whileLoop on cpu (forward mode)", () => {
  beforeAll(() => setBackend("cpu"));

  it("eager f(x) equals jit(f)(x)", () => fuzz(whilePrograms, 500, checkJit));
  it("vmap(f) over a stacked batch equals a loop of f", () => fuzz(whilePrograms, 200, checkVmap));
  it("linearize(f)(t) equals jvp(f)(t)", () => fuzz(whilePrograms, 200, checkLinearize));
  it("jvp equals central finite differences (smooth ops)", () => fuzz(smoothWhilePrograms, 300, checkFiniteDifferences));
  it("grad through the whileLoop is a TransformError", () => fuzz(whileLastPrograms, 200, checkWhileReverseModeIsTypedError));
});

describe("random programs with jit, cond, switch, scan and foriLoop on wasm", () => {
  beforeAll(() => setBackend("wasm"));
  afterAll(() => setBackend("cpu"));

  it("eager f(x) equals jit(f)(x)", () => fuzz(programs, 500, checkJit));
  it("jvp and vjp satisfy the adjoint identity", () => fuzz(programs, 150, checkAdjoint));
});
