import { cpuBackend } from "@lintra/backend-cpu";
import { rng } from "@lintra/conformance";
import { type AnyTypedArray, type Backend, ConcreteArray, type DType, type Params, type Prim, bind1, setBackend } from "@lintra/core-ir";
import { GPU } from "gpu.js";
import { describe } from "vitest";

/**
 * Whether headless GL works here. Without it, GL tests are skipped with a loud message on
 * a developer's machine (the apt packages in the README are missing, or no display), and
 * run (and fail) in CI, where a skip would hide a broken setup.
 */
export const glAvailable = GPU.isHeadlessGLSupported;
const skipGL = !glAvailable && !process.env.CI;
if (skipGL) {
  console.warn(
    "\n*** @lintra/backend-gpujs: headless GL is NOT available, so the GL tests are SKIPPED. ***\n" +
      "*** Install the packages listed in packages/backend-gpujs/README.md and run under xvfb-run. ***\n",
  );
}

/** `describe` for tests that need a GL context. */
export const describeGL = (name: string, fn: () => void) => (skipGL ? describe.skip : describe)(name, fn);

/** Run `prim` through `bind` on `backend`, read the result back. */
export function apply<P extends Prim>(backend: Backend<any>, prim: P, operands: readonly ConcreteArray[], params: Params<P>): AnyTypedArray {
  setBackend(backend);
  const moved = operands.map((x) => (x.backend === backend ? x : ConcreteArray.fromTyped(x.readSync(), x.shape, x.dtype, backend)));
  return (bind1(prim, moved, params) as ConcreteArray).readSync();
}

/** The same call on `backend` and on the reference backend. */
export function both<P extends Prim>(backend: Backend<any>, prim: P, operands: readonly ConcreteArray[], params: Params<P>) {
  return { actual: apply(backend, prim, operands, params), expected: apply(cpuBackend, prim, operands, params) };
}

/** A host array on backend-cpu. */
export const host = (data: ArrayLike<number>, shape: readonly number[] = [data.length], dtype: DType = "float32") =>
  ConcreteArray.fromTyped(data, shape, dtype, cpuBackend);

/** Deterministic pseudo-random numbers in [lo, hi) (the conformance suite's generator). */
export function randoms(n: number, seed: number, lo = -1, hi = 1): number[] {
  const next = rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * next());
}
