import { setBackend } from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import { describe, expect, it } from "vitest";
import { reference, variant } from "../test/broken-backends.js";
import { composites } from "./composites.js";
import { MODES, runGradientCheck } from "./gradients.js";

setBackend(cpuBackend);

const [mlp, broadcasting, indexing] = composites;

describe("runGradientCheck", () => {
  it("agrees with itself on the reference, in every mode", () => {
    for (const c of composites) for (const mode of MODES) expect(runGradientCheck(cpuBackend, c, mode, "float64")).toEqual([]);
  });

  it("catches a dot_general that is slightly wrong, in every mode", () => {
    const off = variant("cpu-dot-off-by-1e-3", {
      replace: {
        dot_general: (inputs, avals, params, out) => reference("dot_general")(inputs, avals, params, out).map((v) => v * 1.001),
      },
    });
    for (const mode of MODES) expect(runGradientCheck(off, mlp, mode, "float64").length, mode).toBeGreaterThan(0);
  });

  it("names the primitive most likely at fault", () => {
    const off = variant("cpu-dot-off-by-1e-3", {
      replace: {
        dot_general: (inputs, avals, params, out) => reference("dot_general")(inputs, avals, params, out).map((v) => v * 1.001),
      },
    });
    for (const mode of MODES) expect(runGradientCheck(off, mlp, mode, "float64").at(-1), mode).toMatch(/^most likely at fault: dot_general \(/);
    const dropsUpdates = variant("cpu-scatter-ignores-updates", { replace: { scatter_add: ([x]) => x.slice() } });
    expect(runGradientCheck(dropsUpdates, indexing, "grad", "float32").at(-1)).toMatch(/^most likely at fault: scatter_add \(/);
  });

  it("catches a transpose-only primitive that is wrong: scatter_add, which only the gradient of gather runs", () => {
    const dropsUpdates = variant("cpu-scatter-ignores-updates", { replace: { scatter_add: ([x]) => x.slice() } });
    expect(runGradientCheck(dropsUpdates, indexing, "grad", "float32")).not.toEqual([]);
    expect(runGradientCheck(dropsUpdates, broadcasting, "grad", "float32")).toEqual([]);
  });

  it("accepts UnsupportedPrimitiveError for a kernel the backend does not have", () => {
    const noCumsum = variant("cpu-without-cumsum", { remove: ["cumsum"] });
    expect(runGradientCheck(noCumsum, broadcasting, "vjp", "float32")).toEqual([]);
    const noFloat64 = variant("cpu-without-float64", { dtypes: ["float32", "int32", "bool"] });
    expect(runGradientCheck(noFloat64, mlp, "grad", "float64")).toEqual([]);
  });

  it("reports any other error", () => {
    const throwing = variant("cpu-tanh-throws", {
      replace: {
        tanh: () => {
          throw new Error("kernel failed");
        },
      },
    });
    expect(runGradientCheck(throwing, mlp, "jvp", "float32")).toEqual(["threw Error: kernel failed"]);
  });
});
