import { DTYPES, type DType, getPrimitive, firstOrderPrimitives } from "@lintra/core-ir";
import type { Case } from "./case.js";
import { describe, expect, it } from "vitest";
import { EDGE_VALUES, INT32_MAX, INT32_MIN, seedOf } from "./host-data.js";
import { hostData } from "./run-case.js";
import { acceptedDTypes, casesFor, outputAval, primsWithoutSpec, specs } from "./specs.js";

const sizesOf = (c: Case) => [outputAval(c.prim, c).size, ...c.operands.map((o) => o.aval.size)];
const allCases = () => firstOrderPrimitives().flatMap((p) => DTYPES.flatMap((d) => casesFor(p.name, d)));

describe("specs", () => {
  it("has one row per declared primitive", () => {
    expect(primsWithoutSpec()).toEqual([]);
    expect(Object.keys(specs).sort()).toEqual(firstOrderPrimitives().map((p) => p.name as string).sort());
  });

  it("derives each primitive's dtypes from its dtype rule", () => {
    expect(acceptedDTypes("sin")).toEqual(["float32", "float64"]);
    expect(acceptedDTypes("add")).toEqual(["float32", "float64", "int32"]);
    expect(acceptedDTypes("max")).toEqual(DTYPES);
    expect(acceptedDTypes("and")).toEqual(["int32", "bool"]);
    expect(acceptedDTypes("iota")).toEqual(["float32", "float64", "int32"]);
    expect(acceptedDTypes("scatter_add")).toEqual(["float32", "float64", "int32"]);
    expect(casesFor("sin", "int32")).toEqual([]);
  });

  it("makes well-typed cases with unique names", () => {
    const cases = allCases();
    expect(cases.length).toBeGreaterThan(1000);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    for (const c of cases) expect(() => outputAval(c.prim, c), c.name).not.toThrow();
  });

  it("gives every primitive and dtype an empty case and one of at least a thousand elements", () => {
    for (const def of firstOrderPrimitives()) {
      for (const dtype of acceptedDTypes(def.name)) {
        const cases = casesFor(def.name, dtype);
        expect(cases.some((c) => sizesOf(c).includes(0)), `${def.name} ${dtype} empty`).toBe(true);
        expect(cases.some((c) => sizesOf(c).some((s) => s >= 1000)), `${def.name} ${dtype} medium`).toBe(true);
      }
    }
  });

  it("gives every family a large case in every dtype it accepts, and marks exactly those large", () => {
    const cases = allCases();
    for (const c of cases) expect(c.large, c.name).toBe(sizesOf(c).some((s) => s >= 1e5));
    for (const family of new Set(firstOrderPrimitives().map((p) => p.family))) {
      const inFamily = cases.filter((c) => getPrimitive(c.prim).family === family);
      for (const dtype of new Set(inFamily.map((c) => c.dtype))) {
        expect(inFamily.some((c) => c.dtype === dtype && c.large), `${family} ${dtype}`).toBe(true);
      }
    }
  });

  it("feeds every elementwise primitive every edge value of its dtype", () => {
    for (const def of firstOrderPrimitives().filter((p) => p.family === "elementwise" && p.arity !== 0)) {
      for (const dtype of acceptedDTypes(def.name)) {
        const edge = casesFor(def.name, dtype).find((c) => c.name.endsWith("edge values"))!;
        const seen = new Set(hostData(edge).flatMap((x) => Array.from(x, (v) => (Object.is(v, -0) ? "-0" : String(v)))));
        const wanted = EDGE_VALUES[dtype as DType].map((v) => (Object.is(v, -0) ? "-0" : String(dtype === "float32" ? Math.fround(v) : v)));
        expect(wanted.filter((v) => !seen.has(v)), `${def.name} ${dtype}`).toEqual([]);
      }
    }
  });

  it("indexes out of range, including the int32 extremes, for every indexing primitive", () => {
    for (const prim of ["gather", "scatter_add", "dynamic_slice", "dynamic_update_slice"] as const) {
      const indices = casesFor(prim, "float32").flatMap((c) => hostData(c).filter((_, i) => c.operands[i].aval.dtype === "int32" && i > 0));
      const values = indices.flatMap((x) => Array.from(x));
      expect(values, prim).toContain(INT32_MIN);
      expect(values, prim).toContain(INT32_MAX);
      expect(values.some((v) => v < 0), prim).toBe(true);
    }
  });

  it("makes the same data for the same case, and different data for different cases", () => {
    const [a, b] = casesFor("add", "float32").filter((c) => c.name.endsWith("[7]") || c.name.endsWith("[3,5]"));
    expect(hostData(a)).toEqual(hostData(a));
    expect(Array.from(hostData(a)[0])).not.toEqual(Array.from(hostData(b)[0]).slice(0, 7));
    expect(seedOf("x")).not.toBe(seedOf("y"));
  });
});
