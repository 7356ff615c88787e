/**
 * Fuzzing of compositions of transformations on random programs (first-order, and with jit,
 * cond, switch, scan and foriLoop): grad under jit, jvp under jit, vmap of grad, and forward
 * over reverse (Hessian-vector products). Programs per run:
 *
 *   grad(jit(f)) = jit(grad(f)) = grad(f)      first-order 800, control flow 400, wasm 150
 *   jvp(jit(f)) = jit(jvp(f)) = jvp(f)         first-order 300, control flow 300
 *   vmap(grad(f)) = loop of grad(f)            first-order 300, control flow 150
 *   ⟨s, H t⟩ = ⟨t, H s⟩ (jvp of grad)           first-order 300, control flow 150
 *   total                                      3150
 */
import { afterAll, beforeAll, describe, it, vi } from "vitest";

// Thousands of programs per test, each staged, compiled and run: minutes on a loaded 2-core machine.
vi.setConfig({ testTimeout: 300_000 });
import { setBackend } from "../../src/index.js";
import { checkGradUnderJit, checkHessianSymmetry, checkJvpUnderJit, checkVmapOfGrad, fuzz } from "./checks.js";
import { caseArb } from "./cases.js";
import { FAMILIES } from "./programs.js";

const firstOrder = caseArb({ family: FAMILIES.firstOrder });
const control = caseArb({ family: FAMILIES.control, require: ["jit", "cond", "switch", "scan", "fori"] });

describe("transformations of random programs on cpu", () => {
  beforeAll(() => setBackend("cpu"));

  it("grad(jit(f)) = jit(grad(f)) = grad(f), first-order", () => fuzz(firstOrder, 800, checkGradUnderJit));
  it("grad(jit(f)) = jit(grad(f)) = grad(f), with control flow", () => fuzz(control, 400, checkGradUnderJit));
  it("jvp(jit(f)) = jit(jvp(f)) = jvp(f), first-order", () => fuzz(firstOrder, 300, checkJvpUnderJit));
  it("jvp(jit(f)) = jit(jvp(f)) = jvp(f), with control flow", () => fuzz(control, 300, checkJvpUnderJit));
  it("vmap(grad(f)) = a loop of grad(f), first-order", () => fuzz(firstOrder, 300, checkVmapOfGrad));
  it("vmap(grad(f)) = a loop of grad(f), with control flow", () => fuzz(control, 150, checkVmapOfGrad));
  it("the Hessian by jvp of grad is symmetric, first-order", () => fuzz(firstOrder, 300, checkHessianSymmetry));
  it("the Hessian by jvp of grad is symmetric, with control flow", () => fuzz(control, 150, checkHessianSymmetry));
});

describe("transformations of random programs on wasm", () => {
  beforeAll(() => setBackend("wasm"));
  afterAll(() => setBackend("cpu"));

  it("grad(jit(f)) = jit(grad(f)) = grad(f), with control flow", () => fuzz(control, 150, checkGradUnderJit));
});
