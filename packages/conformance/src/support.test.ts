import { firstOrderPrimitives } from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import { describe, expect, it } from "vitest";
import { variant } from "../test/broken-backends.js";
import { acceptedDTypes } from "./specs.js";
import { supportOf } from "./support.js";

describe("supportOf", () => {
  it("lists every primitive × accepted dtype, all supported by the reference", () => {
    const entries = supportOf(cpuBackend);
    const expected = firstOrderPrimitives().reduce((n, p) => n + acceptedDTypes(p.name).length, 0);
    expect(entries).toHaveLength(expected);
    expect(entries.filter((e) => !e.supported)).toEqual([]);
    expect(entries).toContainEqual({ prim: "sin", dtype: "float64", supported: true });
  });

  it("shows missing kernels and unclaimed dtypes, including the index and predicate dtypes a primitive needs", () => {
    const partial = variant("cpu-partial", { remove: ["exp"], dtypes: ["float32", "float64", "bool"] });
    const entries = supportOf(partial);
    const entry = (prim: string, dtype: string) => entries.find((e) => e.prim === prim && e.dtype === dtype);
    expect(entry("exp", "float32")).toEqual({ prim: "exp", dtype: "float32", supported: false, gap: "no exp kernel" });
    expect(entry("add", "int32")).toEqual({ prim: "add", dtype: "int32", supported: false, gap: "no int32 in its dtypes" });
    expect(entry("gather", "float32")).toMatchObject({ supported: false, gap: "no int32 in its dtypes" });
    expect(entry("select", "float32")).toMatchObject({ supported: true });
    expect(entry("sin", "float32")).toMatchObject({ supported: true });
    expect(entry("sin", "int32")).toBeUndefined();
  });
});
