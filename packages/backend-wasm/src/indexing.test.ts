import type { DType, Shape } from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { ALL_DTYPES, type Operand, expectSameAsCpu, op, sample, sizeOf, uniform } from "../test/against-cpu.js";

const NUMERIC: readonly DType[] = ["float32", "float64", "int32"];

/** int32 indices in [lo, hi): with lo < 0 or hi > dim they exercise clamping. */
const indices = (shape: Shape, lo: number, hi: number, seed: number): Operand =>
  op(
    uniform(sizeOf(shape), seed).map((r) => lo + Math.floor(r * (hi - lo))),
    shape,
    "int32",
  );

const int = (values: number[], shape: Shape = [values.length]): Operand => op(values, shape, "int32");
const scalarInt = (v: number): Operand => op([v], [], "int32");

/** [x shape, axes, index arrays (one per axis)]: in range, out of range both ways, duplicated. */
type GatherCase = [Shape, number[], Operand[]];
const gatherCases: GatherCase[] = [
  [[5], [0], [int([0, 4, -3, 9, 2, 2, 5])]],
  [[4, 3], [0], [int([3, 0, -1, 7], [2, 2])]],
  [[4, 3], [1], [int([2, 1, 3, -8, 0])]],
  [[4, 3, 2], [0, 2], [int([1, 5, -2]), int([1, 0, 9])]],
  [[4, 3, 2], [2, 0], [int([1, 0, -1]), int([3, 3, 4])]],
  [[3, 4, 5, 6], [1], [indices([2, 3], -2, 6, 7)]],
  [[3, 4, 5, 6], [3, 1], [indices([5], -3, 9, 8), indices([5], -3, 9, 9)]],
  [[3], [0], [scalarInt(7)]],
  [[3, 4], [1], [scalarInt(-2)]],
  [[3, 0], [0], [int([0, 1, 2, 5])]],
  [[3, 4], [0], [int([])]],
  [[4, 3], [0, 1], [int([0, 3, 4, -1, 2, 1]), int([2, 2, 0, 5, -7, 1])]],
  [[1000, 128], [0], [indices([900], -50, 1050, 3)]],
  [[200_000], [0], [indices([150_000], -1000, 201_000, 4)]],
];

describe("gather", () => {
  test.each(ALL_DTYPES.flatMap((d) => gatherCases.map((c, i) => [d, i, ...c] as const)))("%s case %i: x %j along %j", (dtype, _i, xShape, axes, idx) => {
    expectSameAsCpu("gather", [sample(xShape, dtype), ...idx], { axes });
  });

  test("hand-computed: clamped rows", () => {
    const x = op([0, 1, 2, 3, 4, 5], [3, 2], "float32");
    expect([...expectSameAsCpu("gather", [x, int([2, -5, 10])], { axes: [0] })]).toEqual([4, 5, 0, 1, 4, 5]);
  });
});

/** The updates operand: index shape ++ the operand dims not indexed. */
function updatesFor(xShape: Shape, axes: number[], idx: Operand[], dtype: DType, seed: number): Operand {
  const shape = [...idx[0].shape, ...xShape.filter((_, d) => !axes.includes(d))];
  return sample(shape, dtype, seed);
}

const scatterCases: GatherCase[] = [
  ...gatherCases,
  [[6], [0], [int([1, 1, 1, 1, 1, 1, 1, 1, 7, 9, -1])]],
  [[1000], [0], [indices([100_000], -10, 1010, 5)]],
  [[50, 64], [0], [indices([2000], 0, 50, 6)]],
];

describe("scatter_add", () => {
  test.each(NUMERIC.flatMap((d) => scatterCases.map((c, i) => [d, i, ...c] as const)))("%s case %i: x %j along %j", (dtype, _i, xShape, axes, idx) => {
    expectSameAsCpu("scatter_add", [sample(xShape, dtype), updatesFor(xShape, axes, idx, dtype, 17), ...idx], { axes });
  });

  test("duplicates accumulate in index order (float32 rounding depends on it)", () => {
    // 1e8 + 1 + 1 - 1e8 in order is 0 in float32; another order would give 2.
    const x = op([0, 5], [2], "float32");
    const updates = op([1e8, 1, 1, -1e8], [4], "float32");
    const got = expectSameAsCpu("scatter_add", [x, updates, int([0, 0, 0, 0])], { axes: [0] });
    expect([...got]).toEqual([0, 5]);
  });

  test("int32 sums wrap", () => {
    const got = expectSameAsCpu("scatter_add", [op([2 ** 31 - 1], [1], "int32"), int([1, 1]), int([0, 3])], { axes: [0] });
    expect([...got]).toEqual([-(2 ** 31) + 1]);
  });
});

/** [x shape, slice sizes, starts]: negative and too-large starts clamp to fit. */
type WindowCase = [Shape, number[], number[]];
const windowCases: WindowCase[] = [
  [[10], [3], [-5]],
  [[10], [3], [4]],
  [[10], [3], [8]],
  [[10], [3], [100]],
  [[10], [10], [3]],
  [[10], [0], [4]],
  [[], [], []],
  [[4, 5], [2, 3], [1, 1]],
  [[4, 5], [2, 3], [3, -1]],
  [[4, 5], [4, 1], [-9, 9]],
  [[4, 5], [1, 5], [2, 0]],
  [[3, 4, 5, 6], [1, 2, 3, 4], [2, 1, 1, 5]],
  [[3, 4, 5, 6], [3, 1, 5, 2], [0, 3, 0, 1]],
  [[0, 4], [0, 2], [0, 3]],
  [[400, 400], [300, 350], [50, 100]],
  [[400, 400], [300, 350], [-50, 2 ** 31 - 1]],
];

describe("dynamic_slice", () => {
  test.each(ALL_DTYPES.flatMap((d) => windowCases.map((c) => [d, ...c] as const)))("%s x %j size %j at %j", (dtype, xShape, sliceSizes, starts) => {
    expectSameAsCpu("dynamic_slice", [sample(xShape, dtype), ...starts.map(scalarInt)], { sliceSizes });
  });

  test("hand-computed: start clamped so the window fits", () => {
    const x = op([0, 1, 2, 3, 4, 5, 6], [7], "int32");
    expect([...expectSameAsCpu("dynamic_slice", [x, scalarInt(6)], { sliceSizes: [3] })]).toEqual([4, 5, 6]);
    expect([...expectSameAsCpu("dynamic_slice", [x, scalarInt(-6)], { sliceSizes: [3] })]).toEqual([0, 1, 2]);
  });
});

describe("dynamic_update_slice", () => {
  test.each(ALL_DTYPES.flatMap((d) => windowCases.map((c) => [d, ...c] as const)))("%s x %j update %j at %j", (dtype, xShape, updateShape, starts) => {
    expectSameAsCpu("dynamic_update_slice", [sample(xShape, dtype), sample(updateShape, dtype, 23), ...starts.map(scalarInt)], {});
  });

  test("hand-computed: start clamped so the update fits", () => {
    const x = op([0, 0, 0, 0, 0], [5], "float64");
    expect([...expectSameAsCpu("dynamic_update_slice", [x, op([1, 2], [2], "float64"), scalarInt(9)], {})]).toEqual([0, 0, 0, 1, 2]);
  });
});
