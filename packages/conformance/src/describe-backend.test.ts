import { cpuBackend } from "@lintra/backend-cpu";
import { setBackend } from "@lintra/core-ir";
import { describe, expect, it } from "vitest";
import { compiling, mapKernel, variant } from "../test/broken-backends.js";
import { composites } from "./composites.js";
import { describeBackend } from "./describe-backend.js";
import { runGradientCheck } from "./gradients.js";
import { runCase, underJit } from "./run-case.js";
import { casesFor } from "./specs.js";

// A backend with gaps passes the suite: each gap is asserted to throw the typed error
// (and shows in supportOf), not skipped. float32 cases only, without the large ones. It
// compiles, so the suite's "under jit" half runs every case through `compile`.
describeBackend(compiling(variant("cpu-with-gaps", { remove: ["exp", "gather", "cumsum"], dtypes: ["float32", "bool"] })).backend, { dtypes: ["float32"], large: false });

setBackend(cpuBackend);

describe("describeBackend under jit", () => {
  const [sinCase] = casesFor("sin", "float32");

  it("runs each case through backend.compile, once per jit execution, and never eagerly", () => {
    const { backend, calls } = compiling(cpuBackend);
    expect(runCase(backend, sinCase, cpuBackend)).toEqual([]);
    expect(calls()).toBe(0);
    expect(underJit((e) => runCase(backend, sinCase, cpuBackend, {}, e))).toEqual([]);
    expect(calls()).toBe(2);
    expect(runGradientCheck(backend, composites[0], "grad", "float32", cpuBackend, "jit outside")).toEqual([]);
    expect(calls()).toBeGreaterThan(2);
  });

  it("reports a compiled program that differs from the eager kernels, saying so", () => {
    const { backend } = compiling(cpuBackend, variant("cpu-sin-is-cos", { replace: { sin: mapKernel(Math.cos) } }));
    expect(runCase(backend, sinCase, cpuBackend)).toEqual([]);
    const found = underJit((e) => runCase(backend, sinCase, cpuBackend, {}, e));
    expect(found.some((m) => m.startsWith("under jit (operands as program inputs): at "))).toBe(true);
    expect(found.some((m) => m.startsWith("under jit (operands as constants): at "))).toBe(true);
    const gradient = runGradientCheck(backend, composites[1], "grad", "float32", cpuBackend, "jit outside");
    expect(gradient.at(-1)).toBe(`eagerly on ${backend.name} it agrees: running it under jit is at fault`);
  });

  it("holds a backend without compile to its eager results bit for bit", () => {
    let calls = 0;
    // A kernel that answers differently on every call: the interpreter's result is not the eager one.
    const drifting = variant("cpu-drifting-sin", { replace: { sin: mapKernel((x) => Math.sin(x) * (1 + 2e-7 * (++calls % 4))) } });
    expect(runCase(drifting, sinCase, cpuBackend)).toEqual([]);
    expect(underJit((e) => runCase(drifting, sinCase, cpuBackend, {}, e)).join("\n")).toMatch(/against eager on the same backend: at \d+/);
  });
});
