/** JS indices, slice bounds and counts: fractional, NaN or out-of-range ones are typed errors saying what was expected. */
import { expect, test } from "vitest";
import { DTypeError, ShapeError, ValueError, nn, np, setBackend } from "../../src/index.js";
import { type BadInput, describeBadInputs } from "./harness.js";

const x = () => np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);

type Case = BadInput;

const badSlices: Case[] = [
  ["x.slice(1.5)", () => x().slice(1.5), ValueError, ["x.slice", "index 1.5", "is not an integer", "expected an integer in [-3, 2]"]],
  ["x.slice(NaN)", () => x().slice(NaN), ValueError, ["x.slice", "index NaN", "not an integer"]],
  ["x.slice(0, Infinity)", () => x().slice(0, Infinity), ValueError, ["x.slice", "index Infinity for axis 1", "not an integer"]],
  ["x.slice(3)", () => x().slice(3), ShapeError, ["x.slice", "index 3 is out of bounds for axis 0 with size 3", "expected"]],
  ["x.slice(0, -5)", () => x().slice(0, -5), ShapeError, ["x.slice", "index -5 is out of bounds"]],
  ["x.slice([1.5, 3])", () => x().slice([1.5, 3]), ValueError, ["x.slice", "start 1.5 for axis 0", "expected an integer or null"]],
  ["x.slice([0, NaN])", () => x().slice([0, NaN]), ValueError, ["x.slice", "stop NaN", "expected an integer or null"]],
  ["x.slice(null, [0, 4, 0])", () => x().slice(null, [0, 4, 0]), ValueError, ["x.slice", "step 0 for axis 1", "expected a non-zero integer"]],
  ["x.slice([0, 3, 0.5])", () => x().slice([0, 3, 0.5]), ValueError, ["x.slice", "step 0.5", "not an integer"]],
  ['x.slice(["0", 2])', () => x().slice(["0", 2] as never), ValueError, ["x.slice", 'start "0"', "expected an integer or null"]],
  ['x.slice("1")', () => x().slice("1" as never), ValueError, ["x.slice", 'spec "1"', "expected an integer, null or [start, stop, step?]"]],
  ["x.slice([0, 1, 1, 1])", () => x().slice([0, 1, 1, 1] as never), ValueError, ["x.slice", "spec [0, 1, 1, 1]", "expected"]],
  ["x.slice(0, 0, 0)", () => x().slice(0, 0, 0), ShapeError, ["x.slice", "too many indices", "expected at most 2"]],
];

const badIndices: Case[] = [
  ["np.take(x, [0.5])", () => np.take(x(), [0.5]), ValueError, ["np.take", "index 0.5 at [0]", "expected integer indices"]],
  ["np.take(x, [[0, NaN]])", () => np.take(x(), [[0, NaN]]), ValueError, ["np.take", "index NaN at [0][1]", "not an integer"]],
  ["np.take(x, 0.5)", () => np.take(x(), 0.5), DTypeError, ["np.take", "index 0.5", "expected integer indices"]],
  ["np.take(x, [3e9])", () => np.take(x(), [3e9]), ValueError, ["np.take", "3000000000", "int32"]],
  ["np.take(x, [true])", () => np.take(x(), [true]), DTypeError, ["np.take", "booleans", "expected integers"]],
  ["np.take(x, Float32Array [1.5])", () => np.take(x(), new Float32Array([1.5])), ValueError, ["np.take", "index 1.5", "not an integer"]],
  ["np.take(x, float array)", () => np.take(x(), np.array([1])), DTypeError, ["np.take", "dtype float32", "expected int32"]],
  ['np.take(x, ["1"])', () => np.take(x(), ["1"] as never), ValueError, ["np.take", '"1"', "expected a number"]],
  ["np.take(empty, [0])", () => np.take(np.zeros([0]), [0]), ShapeError, ["np.take", "axis 0 of size 0", "expected a non-empty axis"]],
  ["np.takeAlongAxis(x, [[0.5]], 0)", () => np.takeAlongAxis(x(), [[0.5]], 0), ValueError, ["np.takeAlongAxis", "index 0.5", "expected integer indices"]],
];

const badCounts: Case[] = [
  ["nn.oneHot(l, -1)", () => nn.oneHot([0, 1], -1), ValueError, ["nn.oneHot", "numClasses is -1", "expected a non-negative integer"]],
  ["nn.oneHot(l, 2.5)", () => nn.oneHot([0, 1], 2.5), ValueError, ["nn.oneHot", "numClasses is 2.5"]],
  ["nn.oneHot(l, NaN)", () => nn.oneHot([0, 1], NaN), ValueError, ["nn.oneHot", "numClasses is NaN"]],
  ['nn.oneHot(l, "3")', () => nn.oneHot([0, 1], "3" as never), ValueError, ["nn.oneHot", '"3"', "non-negative integer"]],
  ["nn.oneHot(l, 3, { dtpye })", () => nn.oneHot([0, 1], 3, { dtpye: "int32" } as never), ValueError, ["nn.oneHot", "'dtpye'", "expected 'dtype'"]],
  ["np.round(x, 1.5)", () => np.round(x(), 1.5), ValueError, ["np.round", "decimals is 1.5", "expected an integer"]],
  ["np.pad(x, 1.5)", () => np.pad(x(), 1.5), ShapeError, ["np.pad", "padWidth 1.5", "expected non-negative integers"]],
  ["np.pad(x, [[1, NaN], [0, 0]])", () => np.pad(x(), [[1, NaN], [0, 0]]), ShapeError, ["np.pad", "NaN", "expected"]],
  ["np.pad(x, [1, 2, 3])", () => np.pad(x(), [1, 2, 3] as never), ShapeError, ["np.pad", "[1, 2, 3]", "one [before, after] pair per axis"]],
  ["np.pad(x, 1, { value })", () => np.pad(x(), 1, { value: 0 } as never), ValueError, ["np.pad", "'value'", "expected 'constantValues'"]],
  ["np.tensordot(x, x, 0.5)", () => np.tensordot(x(), x(), 0.5), ShapeError, ["np.tensordot", "axes=0.5", "must be an integer"]],
];

describeBadInputs(
  "indices and counts",
  {
    "a bad slice": badSlices,
    "bad index data": badIndices,
    "a bad count": badCounts,
  },
  () => {
    test("valid indices, slices and counts still work", () => {
      expect(x().slice(-1, [null, null, -2]).toArray()).toEqual([12, 10]);
      expect(x().slice([1, 100], [-100, 2]).toArray()).toEqual([[5, 6], [9, 10]]);
      expect(np.take(x(), [-1, 0], 1).toArray()).toEqual([[4, 1], [8, 5], [12, 9]]);
      expect(np.take(x(), new Float64Array([2])).toArray()).toEqual([3]);
      expect(nn.oneHot([0, 1], 0).shape).toEqual([2, 0]);
      expect(np.round([1.25], -1).toArray()).toEqual([0]);
    });
  },
);
