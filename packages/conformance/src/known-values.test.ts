import { type DType, setBackend } from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import { describe, expect, it } from "vitest";
import { mapKernel, variant } from "../test/broken-backends.js";
import { type KnownValue, knownCase, knownTolerance, knownValues, roundedExpected } from "./known-values.js";
import { outputAval } from "./specs.js";
import { runExpected } from "./run-case.js";

setBackend(cpuBackend);

const check = (backend: typeof cpuBackend, k: KnownValue, dtype: DType) => {
  const c = knownCase(k, dtype);
  const out = outputAval(c.prim, c).dtype;
  return runExpected(backend, c, roundedExpected(k.expected, out), knownTolerance(c, out));
};
const named = (name: string) => {
  const found = knownValues.find((k) => k.name === name);
  if (!found) throw new Error(`no known value '${name}'`);
  return found;
};

describe("knownValues", () => {
  it("hold on the reference backend", () => {
    for (const k of knownValues) for (const dtype of k.dtypes) expect(check(cpuBackend, k, dtype), `${k.name} ${dtype}`).toEqual([]);
  });

  it("cover every primitive family and dtype", () => {
    const prims = new Set(knownValues.map((k) => k.prim));
    for (const prim of ["sin", "reduce_sum", "argmax", "gather", "scatter_add", "dynamic_slice", "pad", "dot_general", "iota"]) expect(prims).toContain(prim);
    const dtypes = new Set(knownValues.flatMap((k) => k.dtypes));
    expect([...dtypes].sort()).toEqual(["bool", "float32", "float64", "int32"]);
  });

  it("catch a backend whose sin is cos", () => {
    const broken = variant("cpu-sin-is-cos", { replace: { sin: mapKernel(Math.cos) } });
    expect(check(broken, named("sin(0, -0, π/2, -Inf, NaN)"), "float32")).not.toEqual([]);
  });

  it("catch round as Math.round, which rounds halves up", () => {
    const broken = variant("cpu-round-half-up", { replace: { round: mapKernel(Math.round) } });
    expect(check(broken, named("round half away from zero"), "float64")).toEqual([
      "at 3: got -0, expected -1",
      "at 4: got -2, expected -3",
    ]);
  });

  it("catch log1p as log(1 + x), which loses precision near 0", () => {
    const broken = variant("cpu-naive-log1p", { replace: { log1p: mapKernel((x) => Math.log(1 + x)) } });
    expect(check(broken, named("log1p(-0, -1) and near 0"), "float64")).not.toEqual([]);
  });

  it("catch int32 division that does not truncate", () => {
    const broken = variant("cpu-flooring-division", { replace: { div: mapKernel((x, y) => Math.floor(x / y)) } });
    expect(check(broken, named("div truncates; MIN / -1 wraps"), "int32")).not.toEqual([]);
  });

  it("catch reduce_max that skips NaN, and argmax that picks the last maximum", () => {
    const skipsNaN = variant("cpu-max-skips-nan", {
      replace: { reduce_max: ([x]) => Float64Array.of(Math.max(...Array.from(x).filter((v) => v === v))) },
    });
    expect(check(skipsNaN, named("max with NaN is NaN"), "float64")).toEqual(["at 0: got 3, expected NaN"]);
    const lastMax = variant("cpu-argmax-last", { replace: { argmax: (inputs) => Int32Array.of(Array.from(inputs[0]).lastIndexOf(Math.max(...inputs[0]))) } });
    expect(check(lastMax, named("argmax picks the first maximum"), "float32")).toEqual(["at 0: got 2, expected 1"]);
  });

  it("catch gather that wraps indices instead of clamping them", () => {
    const wraps = variant("cpu-gather-wraps", {
      replace: { gather: ([x, i]) => Float32Array.from(i, (k) => x[((k % x.length) + x.length) % x.length]) },
    });
    expect(check(wraps, named("gather clamps indices"), "float32")).toEqual(["at 0: got 30, expected 10"]);
  });
});
