import { describe, expect, it } from "vitest";
import { compareValues, toleranceFor } from "./tolerance.js";

const exact = toleranceFor("exact", "float32");
const rounded32 = toleranceFor("rounded", "float32");

describe("toleranceFor", () => {
  it("is exact for integer and bool results whatever the class", () => {
    expect(toleranceFor("transcendental", "int32")).toEqual({ kind: "exact" });
    expect(toleranceFor("accumulated", "bool")).toEqual({ kind: "exact" });
  });

  it("is looser for transcendental than for correctly rounded float32 ops, and tight for float64", () => {
    const t32 = toleranceFor("transcendental", "float32");
    const t64 = toleranceFor("transcendental", "float64");
    expect(t32.kind === "close" && rounded32.kind === "close" && t32.rtol > rounded32.rtol).toBe(true);
    expect(t64.kind === "close" && t64.rtol <= 1e-12).toBe(true);
  });

  it("grows with the number of accumulated terms", () => {
    const few = toleranceFor("accumulated", "float32", 4);
    const many = toleranceFor("accumulated", "float32", 1e5);
    expect(few.kind === "accumulated" && many.kind === "accumulated" && many.rtol > 10 * few.rtol).toBe(true);
  });
});

describe("compareValues", () => {
  it("matches NaN with NaN only", () => {
    expect(compareValues([NaN], [NaN], exact)).toEqual([]);
    expect(compareValues([NaN], [NaN], rounded32)).toEqual([]);
    expect(compareValues([1], [NaN], rounded32)).toEqual(["at 0: got 1, expected NaN", expect.stringMatching(/^\(tolerance/)]);
    expect(compareValues([NaN], [1], exact)).toEqual(["at 0: got NaN, expected 1"]);
  });

  it("matches infinities exactly, even under a loose tolerance", () => {
    expect(compareValues([Infinity, -Infinity], [Infinity, -Infinity], rounded32)).toEqual([]);
    expect(compareValues([3.4e38], [Infinity], toleranceFor("transcendental", "float32"))[0]).toBe("at 0: got 3.4e+38, expected Infinity");
    expect(compareValues([Infinity], [1], toleranceFor("accumulated", "float32", 10), [Infinity])).not.toEqual([]);
  });

  it("tells -0 from +0 where exact or where the op defines the sign", () => {
    expect(compareValues([0], [-0], exact)).toEqual(["at 0: got 0, expected -0"]);
    expect(compareValues([0], [-0], rounded32)[0]).toBe("at 0: got 0, expected -0");
    expect(compareValues([0], [-0], toleranceFor("accumulated", "float32"), [0])).toEqual([]);
  });

  it("allows flushing below the smallest normal number, but nothing above it", () => {
    expect(compareValues([0], [1e-39], rounded32)).toEqual([]);
    expect(compareValues([0], [1e-37], rounded32)).not.toEqual([]);
  });

  it("measures accumulated results against the operation on |inputs|", () => {
    const tol = toleranceFor("accumulated", "float32", 100);
    // A sum of 100 terms of size ~1 that cancels to 0.001: an error of 1e-6 is rounding, 1e-3 is not.
    expect(compareValues([0.001001], [0.001], tol, [100])).toEqual([]);
    expect(compareValues([0.002], [0.001], tol, [100])).not.toEqual([]);
  });

  it("reports a few elements and a count", () => {
    const found = compareValues(new Float32Array(20).fill(1), new Float32Array(20), exact);
    expect(found).toHaveLength(7);
    expect(found.at(-1)).toBe("… 20 of 20 elements differ");
    expect(compareValues([1, 2], [1], exact)).toEqual(["got 2 elements; expected 1"]);
  });
});
