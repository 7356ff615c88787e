import { type AnyTypedArray, ConcreteArray, type DType, type FirstOrderPrim, UnsupportedPrimitiveError, bind1, defineBackend, getBackend, setBackend } from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import { describe, expect, it } from "vitest";
import { mapKernel, reference, variant } from "../test/broken-backends.js";
import type { Case } from "./case.js";
import { runCase, withBackend } from "./run-case.js";
import { casesFor } from "./specs.js";

setBackend(cpuBackend);

const caseNamed = (prim: FirstOrderPrim, dtype: DType, what: string): Case => {
  const found = casesFor(prim, dtype).find((c) => c.name === `${prim} ${dtype} ${what}`);
  if (!found) throw new Error(`no case ${prim} ${dtype} ${what}`);
  return found;
};
const nonEmpty = (prim: FirstOrderPrim, dtype: DType) => casesFor(prim, dtype).filter((c) => !c.large && c.operands.every((o) => o.aval.size > 0));

describe("runCase", () => {
  it("finds nothing when the reference runs against itself", () => {
    for (const prim of ["sin", "add", "reduce_sum", "gather", "pad"] as const) {
      for (const c of casesFor(prim, "float32")) expect(runCase(cpuBackend, c), c.name).toEqual([]);
    }
  });

  it("reports sin computed as cos, in every non-empty case", () => {
    const broken = variant("cpu-sin-is-cos", { replace: { sin: mapKernel(Math.cos) } });
    for (const dtype of ["float32", "float64"] as const) {
      for (const c of nonEmpty("sin", dtype)) {
        const found = runCase(broken, c);
        expect(found.length, c.name).toBeGreaterThan(0);
        expect(found[0]).toMatch(/^at \d+: got .*, expected /);
      }
    }
  });

  it("reports neg that loses the sign of zero", () => {
    const broken = variant("cpu-neg-as-subtraction", { replace: { neg: mapKernel((x) => 0 - x) } });
    expect(runCase(broken, caseNamed("neg", "float32", "edge values"))).toContain("at 0: got 0, expected -0");
    expect(runCase(broken, caseNamed("neg", "float32", "[7]"))).toEqual([]);
  });

  it("reports max that does not propagate NaN", () => {
    const broken = variant("cpu-max-by-comparison", { replace: { max: mapKernel((x, y) => (x > y ? x : y)) } });
    expect(runCase(broken, caseNamed("max", "float64", "edge values")).join("\n")).toMatch(/expected NaN/);
  });

  it("reports a sum that drops the tail left over by a 4-wide loop", () => {
    const dropsTail = (inputs: AnyTypedArray[], avals: any[], params: any, out: any) => {
      const [x] = inputs;
      if (avals[0].ndim !== 1) return reference("reduce_sum")(inputs, avals, params, out);
      let acc = 0;
      for (let i = 0; i + 3 < x.length; i += 4) acc += x[i] + x[i + 1] + x[i + 2] + x[i + 3];
      return Float32Array.of(acc);
    };
    const broken = variant("cpu-sum-without-tail", { replace: { reduce_sum: dropsTail } });
    expect(runCase(broken, caseNamed("reduce_sum", "float32", "[7] axes [0]"))).not.toEqual([]);
    expect(runCase(broken, caseNamed("reduce_sum", "float32", "large integers [100003] axes [0]"))).not.toEqual([]);
    expect(runCase(broken, caseNamed("reduce_sum", "float32", "[3,5] axes [1]"))).toEqual([]);
  });

  it("accepts summation in another order within the accumulated tolerance", () => {
    const backwards = (inputs: AnyTypedArray[], avals: any[], params: any, out: any) => {
      const [x] = inputs;
      if (avals[0].ndim !== 1) return reference("reduce_sum")(inputs, avals, params, out);
      let acc = Math.fround(0);
      for (let i = x.length - 1; i >= 0; i--) acc = Math.fround(acc + x[i]);
      return Float32Array.of(acc);
    };
    const reordered = variant("cpu-sum-backwards-in-float32", { replace: { reduce_sum: backwards } });
    expect(runCase(reordered, caseNamed("reduce_sum", "float32", "large [100003] axes [0]"))).toEqual([]);
  });

  it("reports a kernel that mutates its input, and a read of the wrong typed array", () => {
    const mutating = variant("cpu-mutating-exp", {
      replace: {
        exp: (inputs, avals, params, out) => {
          const y = reference("exp")(inputs, avals, params, out);
          inputs[0].fill(0);
          return y;
        },
      },
    });
    expect(runCase(mutating, caseNamed("exp", "float32", "[7]"))).toContain("operand 0 (f32[7]) was modified by the kernel");
    const widening = defineBackend<AnyTypedArray>({ ...cpuBackend, name: "cpu-reads-float64", read: (buf) => Float64Array.from(buf) });
    expect(runCase(widening, caseNamed("exp", "float32", "[7]"))).toContain("read returned a Float64Array for f32[7]; expected a Float32Array");
  });

  it("accepts a missing kernel that throws UnsupportedPrimitiveError, and counts it as a gap", () => {
    const partial = variant("cpu-without-exp", { remove: ["exp"] });
    for (const c of casesFor("exp", "float32")) expect(runCase(partial, c)).toEqual([]);
    const x = ConcreteArray.fromTyped([1], [1], "float32", partial);
    expect(() => withBackend(partial, () => bind1("exp", [x], {}))).toThrow(UnsupportedPrimitiveError);
  });

  it("accepts a dtype the backend does not claim when bind refuses it", () => {
    const noFloat64 = variant("cpu-without-float64", { dtypes: ["float32", "int32", "bool"] });
    expect(runCase(noFloat64, caseNamed("add", "float64", "[3,5]"))).toEqual([]);
    expect(runCase(noFloat64, caseNamed("convert_element_type", "float32", "to float64 [3,5]"))).toEqual([]);
    expect(runCase(noFloat64, caseNamed("convert_element_type", "float32", "to int32 [3,5]"))).toEqual([]);
  });

  it("reports a declared kernel that throws, whatever it throws", () => {
    const refusing = variant("cpu-kernel-refuses", {
      replace: {
        tanh: () => {
          throw new UnsupportedPrimitiveError("tanh", "cpu-kernel-refuses", "float32");
        },
        cos: () => {
          throw new RangeError("out of memory");
        },
      },
    });
    expect(runCase(refusing, caseNamed("tanh", "float32", "[7]"))[0]).toMatch(/^threw UnsupportedPrimitiveError/);
    expect(runCase(refusing, caseNamed("cos", "float32", "[7]"))).toEqual(["threw RangeError: out of memory"]);
  });

  it("reports data returned for a primitive the backend declares it lacks", () => {
    let reads = 0;
    const kernels = { ...cpuBackend.kernels } as Record<string, unknown>;
    // A table whose sin appears only after it was first looked up: declared absent, yet run.
    Object.defineProperty(kernels, "sin", { get: () => (reads++ > 0 ? cpuBackend.kernels.sin : undefined), enumerable: true });
    const flaky = defineBackend<AnyTypedArray>({ ...cpuBackend, name: "cpu-flaky-table", kernels });
    expect(runCase(flaky, caseNamed("sin", "float32", "[7]"))).toEqual(["returned data although it declares no sin kernel; expected UnsupportedPrimitiveError"]);
  });
});

describe("withBackend", () => {
  it("restores the previous backend after a throw", () => {
    const other = variant("cpu-other");
    expect(() =>
      withBackend(other, () => {
        expect(getBackend()).toBe(other);
        throw new Error("inside");
      }),
    ).toThrow("inside");
    expect(getBackend()).toBe(cpuBackend);
  });
});
