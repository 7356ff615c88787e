import { describe, expect, test } from "vitest";
import { ShapeError, ValueError, makeProgram, np } from "./index.js";

const x = () => np.arange(12).reshape(3, 4); // [[0..3], [4..7], [8..11]]

describe("Array.slice", () => {
  test("integers index and drop the axis; negative integers count from the end", () => {
    expect(x().slice(1).toArray()).toEqual([4, 5, 6, 7]);
    expect(x().slice(-1).toArray()).toEqual([8, 9, 10, 11]);
    expect(x().slice(1, 2).toArray()).toBe(6);
    expect(x().slice(null, -1).toArray()).toEqual([3, 7, 11]);
  });

  test("null keeps an axis whole; missing trailing specs too", () => {
    expect(x().slice(null, 0).toArray()).toEqual([0, 4, 8]);
    expect(x().slice().shape).toEqual([3, 4]);
  });

  test("[start, stop] ranges with negatives and clamping", () => {
    expect(x().slice([1, 3]).toArray()).toEqual([[4, 5, 6, 7], [8, 9, 10, 11]]);
    expect(x().slice(0, [1, -1]).toArray()).toEqual([1, 2]);
    expect(x().slice(0, [-10, 10]).toArray()).toEqual([0, 1, 2, 3]);
    expect(x().slice(0, [3, 1]).toArray()).toEqual([]);
    expect(x().slice(0, [null, 2]).toArray()).toEqual([0, 1]);
    expect(x().slice(0, [2]).toArray()).toEqual([2, 3]);
  });

  test("steps, positive and negative", () => {
    const v = np.arange(6);
    expect(v.slice([null, null, 2]).toArray()).toEqual([0, 2, 4]);
    expect(v.slice([1, null, 2]).toArray()).toEqual([1, 3, 5]);
    expect(v.slice([null, null, -1]).toArray()).toEqual([5, 4, 3, 2, 1, 0]);
    expect(v.slice([4, 0, -2]).toArray()).toEqual([4, 2]);
    expect(v.slice([-2, null, -3]).toArray()).toEqual([4, 1]);
    expect(v.slice([0, 5, -1]).toArray()).toEqual([]);
    expect(x().slice([null, null, -1], [null, null, 3]).toArray()).toEqual([[8, 11], [4, 7], [0, 3]]);
  });

  test("errors: out-of-bounds index, too many specs, zero step", () => {
    expect(() => x().slice(3)).toThrow(ShapeError);
    expect(() => x().slice(3)).toThrow("slice: index 3 is out of bounds for axis 0 with size 3");
    expect(() => x().slice(0, -5)).toThrow(/index -5 is out of bounds for axis 1 with size 4/);
    expect(() => x().slice(0, 0, 0)).toThrow(/too many indices/);
    expect(() => x().slice([null, null, 0])).toThrow(ValueError);
  });

  test("stages one slice (plus rev for negative steps) and a reshape for dropped axes", () => {
    const program = makeProgram((a: np.Array) => a.slice(1, [null, null, -2]))(np.zeros([3, 4]));
    expect(program.eqns.map((e) => e.prim)).toEqual(["slice", "rev", "reshape"]);
  });
});
