/** Creation functions, sizes and nested JS data: bad input is refused before anything is allocated. */
import { expect, test } from "vitest";
import { ShapeError, ValueError, np, setBackend } from "../../src/index.js";
import { type BadInput, describeBadInputs } from "./harness.js";

type Case = BadInput;

/** Nested one-element arrays `depth` levels deep around `leaf`. */
function nested(depth: number, leaf: unknown = 1): unknown {
  let a: unknown = leaf;
  for (let i = 0; i < depth; i++) a = [a];
  return a;
}

const badShapes: Case[] = [
  ["np.zeros([NaN])", () => np.zeros([NaN]), ShapeError, ["np.zeros", "[NaN]", "expected an array of non-negative integers"]],
  ["np.zeros([Infinity])", () => np.zeros([Infinity]), ShapeError, ["np.zeros", "[Infinity]", "non-negative integers"]],
  ["np.ones([2, -1])", () => np.ones([2, -1]), ShapeError, ["np.ones", "[2, -1]", "entry 1 is -1"]],
  ["np.full([1.5], 0)", () => np.full([1.5], 0), ShapeError, ["np.full", "[1.5]", "expected"]],
  ['np.zeros([2, "3"])', () => np.zeros([2, "3"] as never), ShapeError, ["np.zeros", '[2, "3"]', "entry 1"]],
  ['np.zeros("3")', () => np.zeros("3" as never), ShapeError, ["np.zeros", '"3"', "not an array"]],
  ["np.zeros(null)", () => np.zeros(null as never), ShapeError, ["np.zeros", "null", "expected"]],
  ["np.zeros(2.5)", () => np.zeros(2.5), ShapeError, ["np.zeros", "[2.5]", "non-negative integers"]],
  ["np.zeros([2^30, 2^30])", () => np.zeros([2 ** 30, 2 ** 30]), ShapeError, ["np.zeros", "more than 2^53 - 1"]],
  ["np.ones([-0.5], int32)", () => np.ones([-0.5], { dtype: "int32" }), ShapeError, ["np.ones", "[-0.5]"]],
  ["np.zerosLike(x, { shape })", () => np.zerosLike(np.zeros([2]), { shape: [3] } as never), ValueError, ["np.zerosLike", "'shape'", "expected 'dtype'"]],
];

const badRanges: Case[] = [
  ["np.arange(NaN)", () => np.arange(NaN), ValueError, ["np.arange", "stop is NaN", "expected a finite number"]],
  ["np.arange(0, Infinity)", () => np.arange(0, Infinity), ValueError, ["np.arange", "stop is Infinity", "finite"]],
  ["np.arange(-Infinity, 0)", () => np.arange(-Infinity, 0), ValueError, ["np.arange", "start is -Infinity"]],
  ["np.arange(0, 3, NaN)", () => np.arange(0, 3, NaN), ValueError, ["np.arange", "step is NaN"]],
  ["np.arange(0, 3, 0)", () => np.arange(0, 3, 0), ValueError, ["np.arange", "step is 0", "expected a finite non-zero number"]],
  ['np.arange("5")', () => np.arange("5" as never), ValueError, ["np.arange", '"5"', "expected a finite number"]],
  ["np.arange(0, 2^60)", () => np.arange(0, 2 ** 60), ValueError, ["np.arange", "elements", "expected at most 2^53 - 1"]],
  ["np.arange(0, 1e300, 1e-300)", () => np.arange(0, 1e300, 1e-300), ValueError, ["np.arange", "Infinity elements"]],
  ["np.linspace(0, NaN)", () => np.linspace(0, NaN), ValueError, ["np.linspace", "stop is NaN", "finite"]],
  ["np.linspace(Infinity, 1)", () => np.linspace(Infinity, 1), ValueError, ["np.linspace", "start is Infinity"]],
  ["np.linspace(0, 1, -1)", () => np.linspace(0, 1, -1), ValueError, ["np.linspace", "num is -1", "non-negative integer"]],
  ["np.linspace(0, 1, 2.5)", () => np.linspace(0, 1, 2.5), ValueError, ["np.linspace", "num is 2.5"]],
  ["np.linspace(0, 1, 5, { endpoint: 1 })", () => np.linspace(0, 1, 5, { endpoint: 1 } as never), ValueError, ["np.linspace", "endpoint", "true or false"]],
  ["np.eye(2.5)", () => np.eye(2.5), ValueError, ["np.eye", "n is 2.5", "non-negative integer"]],
  ["np.eye(-1)", () => np.eye(-1), ValueError, ["np.eye", "n is -1"]],
  ["np.eye(2, NaN)", () => np.eye(2, NaN), ValueError, ["np.eye", "m is NaN"]],
  ["np.eye(2, 2, { k: 0.5 })", () => np.eye(2, 2, { k: 0.5 }), ValueError, ["np.eye", "k is 0.5", "expected an integer"]],
  ["np.eye(2, 2, { K: 1 })", () => np.eye(2, 2, { K: 1 } as never), ValueError, ["np.eye", "'K'", "did you mean 'k'"]],
];

const badNestedData: Case[] = [
  ["100,000 levels deep", () => np.array(nested(100_000) as never), ValueError, ["np.array", "deeper than 64 levels", "expected at most 64 dimensions"]],
  ["65 levels deep", () => np.array(nested(65) as never), ValueError, ["np.array", "deeper than 64"]],
  ["deep, holding an array", () => np.array(nested(100_000, np.zeros([2])) as never), ValueError, ["np.array", "deeper than 64"]],
  ["ragged rows", () => np.array([[1, 2], [3]]), ValueError, ["np.array", "ragged", "element at [1] is an array of length 1", "[0] is an array of length 2", "expected"]],
  ["ragged deeper down", () => np.array([[[1], [2]], [[3], [4, 5]]]), ValueError, ["np.array", "[1][1]"]],
  ["a number where a row was", () => np.array([[1, 2], 3] as never), ValueError, ["np.array", "element at [1] is a number", "expected"]],
  ["a row where a number was", () => np.array([1, [2]] as never), ValueError, ["np.array", "element at [1] is an array of length 1", "[0] is a number"]],
  ["a string", () => np.array([[1, 2], [3, "4"]] as never), ValueError, ["np.array", "element at [1][1]", '"4"', "expected a number, a boolean"]],
  ["an object", () => np.array([1, { v: 2 }] as never), ValueError, ["np.array", "element at [1]", "{ v: 2 }"]],
  ["undefined", () => np.array([1, undefined] as never), ValueError, ["np.array", "element at [1] is undefined"]],
  ["null", () => np.array([null] as never), ValueError, ["np.array", "element at [0] is null"]],
  ["a hole", () => np.array([1, , 3] as never), ValueError, ["np.array", "element at [1] is undefined"]],
  ["a huge sparse array", () => np.array(new Array(1e9) as never), ValueError, ["np.array", "element at [0] is undefined"]],
  ["a string at the top", () => np.array("abc" as never), ValueError, ["np.array", "at the top level", '"abc"']],
  ["mixed booleans and numbers", () => np.array([1, true] as never), ValueError, ["np.array", "element at [1] is a boolean", "[0] is a number", "expected all numbers or all booleans"]],
  ["a bigint", () => np.array([1n] as never), ValueError, ["np.array", "1n", "expected a number"]],
  ["arrays of different shapes", () => np.array([np.zeros([2]), np.zeros([3])]), ValueError, ["np.array", "ragged", "[2], [3]", "expected one shape"]],
];

describeBadInputs(
  "creation",
  {
    "a bad shape": badShapes,
    "bad ranges and counts": badRanges,
    "bad nested data": badNestedData,
  },
  () => {
    test("the edges that are valid still work", () => {
      expect(np.array(nested(64) as never).shape).toEqual(new Array(64).fill(1));
      expect(np.zeros([0, 3]).shape).toEqual([0, 3]);
      expect(np.eye(0).shape).toEqual([0, 0]);
      expect(np.eye(2, null, { k: 5 }).toArray()).toEqual([[0, 0], [0, 0]]);
      expect(np.linspace(0, 1, 0).shape).toEqual([0]);
      expect(np.arange(3, 0).shape).toEqual([0]);
      expect(np.zerosLike([1, 2, 3]).toArray()).toEqual([0, 0, 0]);
    });
  },
);
