/**
 * Fuzzing of random first-order programs (elementwise, broadcasting, reductions, reshape,
 * transpose, matmul, where with comparisons). Programs per run:
 *
 *   eager = jit on cpu                    3000
 *   eager = jit on wasm                    800
 *   vmap = loop on cpu                     500
 *   adjoint identity (jvp, vjp) on cpu     800
 *   adjoint identity on wasm               200
 *   jvp = finite differences (smooth ops)  500
 *   total                                 5800
 */
import { afterAll, beforeAll, describe, it, vi } from "vitest";

// Thousands of programs per test, each staged, compiled and run: minutes on a loaded 2-core machine.
vi.setConfig({ testTimeout: 300_000 });
import { setBackend } from "../../src/index.js";
import { checkAdjoint, checkFiniteDifferences, checkJit, checkVmap, fuzz } from "./checks.js";
import { caseArb } from "./cases.js";
import { FAMILIES } from "./programs.js";

const programs = caseArb({ family: FAMILIES.firstOrder });
const smoothPrograms = caseArb({ family: FAMILIES.smoothFirstOrder });

describe("random first-order programs on cpu", () => {
  beforeAll(() => setBackend("cpu"));

  it("eager f(x) equals jit(f)(x)", () => fuzz(programs, 3000, checkJit));
  it("vmap(f) over a stacked batch equals a loop of f", () => fuzz(programs, 500, checkVmap));
  it("jvp and vjp satisfy the adjoint identity ⟨ct, J t⟩ = ⟨Jᵀ ct, t⟩", () => fuzz(programs, 800, checkAdjoint));
  it("jvp equals central finite differences (smooth ops)", () => fuzz(smoothPrograms, 500, checkFiniteDifferences));
});

describe("random first-order programs on wasm", () => {
  beforeAll(() => setBackend("wasm"));
  afterAll(() => setBackend("cpu"));

  it("eager f(x) equals jit(f)(x)", () => fuzz(programs, 800, checkJit));
  it("jvp and vjp satisfy the adjoint identity", () => fuzz(programs, 200, checkAdjoint));
});
