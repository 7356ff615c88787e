import type { DType, Shape } from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { ALL_DTYPES, expectSameAsCpu, op, sample } from "../test/against-cpu.js";
import { wasmMemoryStats } from "./index.js";

/** Every case crossed with every dtype. */
const withDTypes = <T extends unknown[]>(cases: T[]): [DType, ...T][] => ALL_DTYPES.flatMap((d) => cases.map((c): [DType, ...T] => [d, ...c]));

describe("broadcast_in_dim", () => {
  test.each(
    withDTypes<[Shape, Shape, number[]]>([
      [[], [], []],
      [[], [5], []],
      [[], [100_003], []],
      [[3], [2, 3], [1]],
      [[2], [2, 3], [0]],
      [[2, 1], [2, 7], [0, 1]],
      [[1, 3], [4, 2, 3], [1, 2]],
      [[2, 1, 3], [2, 5, 3], [0, 1, 2]],
      [[3], [0, 3], [1]],
      [[1], [4], [0]],
      [[5], [3, 5, 1, 4], [1]],
      [[17], [9, 17], [1]],
      [[33], [33, 19], [0]],
      [[2, 3, 4], [2, 3, 4, 5], [0, 1, 2]],
      [[3, 1, 2], [3, 6, 2, 5], [0, 1, 2]],
      [[500], [300, 500], [1]],
      [[400], [400, 300], [0]],
    ]),
  )("%s %j -> %j along %j", (dtype, xShape, shape, dims) => {
    expectSameAsCpu("broadcast_in_dim", [sample(xShape, dtype)], { shape, broadcastDimensions: dims });
  });

  test("hand-computed rows and columns", () => {
    const rows = expectSameAsCpu("broadcast_in_dim", [op([1, 2, 3], [3], "int32")], { shape: [2, 3], broadcastDimensions: [1] });
    expect([...rows]).toEqual([1, 2, 3, 1, 2, 3]);
    const cols = expectSameAsCpu("broadcast_in_dim", [op([1, 0], [2], "bool")], { shape: [2, 5], broadcastDimensions: [0] });
    expect([...cols]).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });
});

describe("reshape", () => {
  test.each(
    withDTypes<[Shape, Shape]>([
      [[2, 3], [3, 1, 2]],
      [[], [1, 1]],
      [[0, 4], [2, 0]],
      [[7], [7]],
      [[5, 3], [15]],
      [[1000, 101], [101_000]],
      [[2, 3, 4, 5], [5, 4, 6]],
    ]),
  )("%s %j -> %j", (dtype, xShape, newSizes) => {
    expectSameAsCpu("reshape", [sample(xShape, dtype)], { newSizes });
  });
});

describe("transpose", () => {
  test.each(
    withDTypes<[Shape, number[]]>([
      [[2, 3], [1, 0]],
      [[5, 7], [1, 0]],
      [[2, 3, 4], [2, 0, 1]],
      [[2, 3, 4], [1, 2, 0]],
      [[2, 3, 4], [0, 1, 2]],
      [[2, 3, 5], [0, 2, 1]],
      [[6, 4, 2], [1, 0, 2]],
      [[3, 1, 2, 2], [3, 1, 0, 2]],
      [[4, 5, 6, 7], [3, 2, 1, 0]],
      [[0, 3], [1, 0]],
      [[], []],
      [[300, 401], [1, 0]],
      [[32, 48], [1, 0]],
      [[3, 40, 33], [2, 0, 1]],
      [[20, 5, 18], [1, 2, 0]],
      [[64, 128, 64], [0, 2, 1]],
    ]),
  )("%s %j by %j", (dtype, xShape, permutation) => {
    expectSameAsCpu("transpose", [sample(xShape, dtype)], { permutation });
  });

  test("hand-computed 2-D", () => {
    expect([...expectSameAsCpu("transpose", [op([0, 1, 2, 3, 4, 5], [2, 3], "float64")], { permutation: [1, 0] })]).toEqual([0, 3, 1, 4, 2, 5]);
  });
});

describe("rev", () => {
  test.each(
    withDTypes<[Shape, number[]]>([
      [[5], [0]],
      [[2, 3], [0]],
      [[2, 3], [1]],
      [[2, 3], [0, 1]],
      [[3, 4, 5], [1]],
      [[3, 4, 5], [2]],
      [[4, 9], []],
      [[20, 37], [0]],
      [[], []],
      [[0, 3], [1]],
      [[2, 3, 4, 5], [0, 3]],
      [[100_003], [0]],
    ]),
  )("%s %j along %j", (dtype, xShape, dimensions) => {
    expectSameAsCpu("rev", [sample(xShape, dtype)], { dimensions });
  });

  test("hand-computed", () => {
    expect([...expectSameAsCpu("rev", [op([1, 2, 3, 4, 5], [5], "int32")], { dimensions: [0] })]).toEqual([5, 4, 3, 2, 1]);
  });
});

describe("slice", () => {
  test.each(
    withDTypes<[Shape, number[], number[], number[] | null]>([
      [[10], [2], [7], null],
      [[10], [1], [10], [3]],
      [[4, 5], [1, 0], [3, 5], null],
      [[4, 5], [0, 1], [4, 4], [2, 2]],
      [[3, 4, 5, 6], [1, 0, 2, 1], [3, 3, 5, 6], [1, 2, 1, 2]],
      [[3, 4, 5, 6], [0, 1, 0, 0], [3, 4, 5, 6], null],
      [[5], [2], [2], null],
      [[], [], [], null],
      [[0, 3], [0, 0], [0, 3], null],
      [[700, 300], [100, 3], [500, 297], null],
      [[1000, 200], [1, 0], [1000, 200], [3, 2]],
    ]),
  )("%s %j [%j, %j) step %j", (dtype, xShape, startIndices, limitIndices, strides) => {
    expectSameAsCpu("slice", [sample(xShape, dtype)], { startIndices, limitIndices, strides });
  });
});

type PadConfig = [number, number, number][];

describe("pad", () => {
  test.each(
    withDTypes<[Shape, PadConfig]>([
      [[], []],
      [[5], [[2, 3, 0]]],
      [[5], [[0, 0, 1]]],
      [[5], [[-1, -2, 0]]],
      [[5], [[-2, 1, 2]]],
      [[7], [[-6, -6, 5]]],
      [[3], [[-3, 1, 0]]],
      [[0], [[2, 1, 3]]],
      [[2, 3], [[1, 0, 0], [0, 2, 1]]],
      [[2, 3], [[-1, 1, 0], [1, -1, 0]]],
      [[4, 5, 6], [[1, 1, 1], [-2, 0, 0], [0, -3, 2]]],
      [[3, 2, 4, 5], [[0, 1, 0], [1, 1, 2], [-1, 0, 1], [2, -2, 0]]],
      [[300, 400], [[1, 2, 0], [3, -4, 1]]],
      [[100_000], [[5, 6, 0]]],
    ]),
  )("%s %j by %j", (dtype, xShape, paddingConfig) => {
    const value = sample([], dtype, 99);
    expectSameAsCpu("pad", [sample(xShape, dtype), value], { paddingConfig });
  });

  test("hand-computed: interior padding and cropping", () => {
    const x = op([1, 2, 3], [3], "float32");
    const v = op([-1], [], "float32");
    expect([...expectSameAsCpu("pad", [x, v], { paddingConfig: [[1, 2, 1]] })]).toEqual([-1, 1, -1, 2, -1, 3, -1, -1]);
    expect([...expectSameAsCpu("pad", [x, v], { paddingConfig: [[-2, 0, 1]] })]).toEqual([2, -1, 3]);
  });
});

describe("concatenate", () => {
  test.each(
    withDTypes<[Shape[], number]>([
      [[[2, 3], [4, 3]], 0],
      [[[2, 3], [2, 5], [2, 1]], 1],
      [[[2, 0, 3], [2, 4, 3]], 1],
      [[[0], [0]], 0],
      [[[3, 4, 5], [3, 4, 2]], 2],
      [[[7]], 0],
      [[[5], [3], [9]], 0],
      [[[1, 2, 3, 4], [1, 2, 3, 4]], 3],
      [[[1, 2, 3, 4], [1, 2, 5, 4], [1, 2, 1, 4]], 2],
      [[[100, 600], [100, 500]], 1],
    ]),
  )("%s %j along %i", (dtype, shapes, dimension) => {
    expectSameAsCpu(
      "concatenate",
      shapes.map((s, i) => sample(s, dtype, i + 1)),
      { dimension },
    );
  });
});

describe("kernel cache", () => {
  test("one compiled module per op, shape and dtype; reused on repeat", () => {
    const x = sample([6, 7], "float32");
    expectSameAsCpu("transpose", [x], { permutation: [1, 0] });
    const before = wasmMemoryStats().compiledKernels;
    expectSameAsCpu("transpose", [sample([6, 7], "float32", 5)], { permutation: [1, 0] });
    expect(wasmMemoryStats().compiledKernels).toBe(before);
    expectSameAsCpu("transpose", [sample([7, 6], "float32")], { permutation: [1, 0] });
    expect(wasmMemoryStats().compiledKernels).toBe(before + 1);
  });
});
