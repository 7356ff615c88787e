import { ConcreteArray, type DType, setBackend } from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { arr, eval_, multiIndices, randoms, ravel, sizeOf } from "../test/oracle.js";
import { cpuBackend } from "./index.js";

setBackend(cpuBackend);

const ints = (v: number[], shape: number[] = [v.length]) => arr(v, shape, "int32");
const scalar = (v: number) => ConcreteArray.scalar(v, "int32");
const counting = (shape: number[], dtype: DType = "float64") => arr(Array.from({ length: sizeOf(shape) }, (_, i) => i), shape, dtype);
const clampTo = (v: number, n: number) => Math.min(Math.max(v, 0), n - 1);

/** For output index (b…, r…) of gather: the operand index it reads, indices clamped. */
function gatheredIndex(out: number[], xShape: number[], indices: number[][], bShape: number[], axes: number[]): number[] {
  const b = ravel(out.slice(0, bShape.length), bShape);
  const rest = out.slice(bShape.length);
  const from = new Array<number>(xShape.length);
  axes.forEach((axis, j) => (from[axis] = clampTo(indices[j][b], xShape[axis])));
  let k = 0;
  for (let d = 0; d < xShape.length; d++) if (!axes.includes(d)) from[d] = rest[k++];
  return from;
}

const GATHER_CASES: [string, number[], number[], number[], number[][]][] = [
  ["1-D", [5], [0], [3], [[4, 0, 2]]],
  ["rows of a matrix", [3, 4], [0], [2], [[2, 0]]],
  ["columns by a 2-D index array", [3, 4], [1], [2, 2], [[3, 0, 1, 1]]],
  ["two axes of three", [3, 4, 5], [0, 2], [2], [[2, 1], [4, 0]]],
  ["every axis, listed out of order", [3, 4], [1, 0], [3], [[3, 0, 2], [1, 2, 0]]],
  ["a scalar index", [3, 4], [1], [], [[2]]],
  ["an empty index array", [3, 4], [0], [0], [[]]],
  ["clamped out-of-range indices", [3, 4], [0, 1], [4], [[-1, 3, 100, -2147483648], [4, -7, 2147483647, 1]]],
];

describe("gather", () => {
  test.each(GATHER_CASES)("%s against the index oracle", (_name, xShape, axes, bShape, indices) => {
    const x = randoms(sizeOf(xShape), 9);
    const outShape = [...bShape, ...xShape.filter((_, d) => !axes.includes(d))];
    const { data, shape } = eval_("gather", [arr(x, xShape), ...indices.map((i) => ints(i, bShape))], { axes });
    expect(shape).toEqual(outShape);
    expect([...data]).toEqual(multiIndices(outShape).map((o) => x[ravel(gatheredIndex(o, xShape, indices, bShape, axes), xShape)]));
  });

  test("by hand, with clamping", () => {
    expect([...eval_("gather", [arr([10, 11, 12, 13, 14]), ints([4, 0, 2, -1, 7])], { axes: [0] }).data]).toEqual([14, 10, 12, 10, 14]);
    const cols = eval_("gather", [counting([2, 3]), ints([2, 0])], { axes: [1] });
    expect(cols.shape).toEqual([2, 2]);
    // out[b, r] = x[r, i[b]]: index dims come first, so each output row is a column of x.
    expect([...cols.data]).toEqual([2, 5, 0, 3]);
  });

  test.each(["float32", "int32", "bool"] as DType[])("%s", (dtype) => {
    const { data } = eval_("gather", [arr([1, 0, 1, 1], [4], dtype), ints([1, 1, 3])], { axes: [0] });
    expect([...data]).toEqual([0, 0, 1]);
  });
});

describe("scatter_add", () => {
  test("by hand: duplicates accumulate, out-of-range indices clamp", () => {
    const { data } = eval_("scatter_add", [arr([1, 1, 1, 1, 1]), arr([1, 2, 3, 4, 5]), ints([1, 1, -3, 9, 4])], { axes: [0] });
    expect([...data]).toEqual([4, 4, 1, 1, 10]);
  });

  test("rows of a matrix, by hand", () => {
    const { data, shape } = eval_("scatter_add", [counting([3, 2]), arr([10, 20, 30, 40, 50, 60], [3, 2]), ints([2, 0, 2])], { axes: [0] });
    expect(shape).toEqual([3, 2]);
    expect([...data]).toEqual([0 + 30, 1 + 40, 2, 3, 4 + 10 + 50, 5 + 20 + 60]);
  });

  test.each(GATHER_CASES)("%s against the index oracle", (_name, xShape, axes, bShape, indices) => {
    const x = randoms(sizeOf(xShape), 12);
    const outShape = [...bShape, ...xShape.filter((_, d) => !axes.includes(d))];
    const u = randoms(sizeOf(outShape), 13);
    const { data, shape } = eval_("scatter_add", [arr(x, xShape), arr(u, outShape), ...indices.map((i) => ints(i, bShape))], { axes });
    expect(shape).toEqual(xShape);
    const want = [...x];
    multiIndices(outShape).forEach((o, k) => (want[ravel(gatheredIndex(o, xShape, indices, bShape, axes), xShape)] += u[k]));
    expect(data).toBeAllclose(want, { rtol: 1e-14, atol: 1e-15 });
  });

  test("is the transpose of gather: <gather(x), u> = <x, scatter_add(0, u)>", () => {
    const xShape = [4, 3, 5];
    const bShape = [2, 3];
    const x = randoms(60, 21);
    const idx = [ints([0, 3, 3, 1, 7, -1], bShape), ints([4, 4, 0, 2, 1, 4], bShape)];
    const u = randoms(18, 22);
    const g = eval_("gather", [arr(x, xShape), ...idx], { axes: [0, 2] }).data;
    const s = eval_("scatter_add", [arr(new Array(60).fill(0), xShape), arr(u, [2, 3, 3]), ...idx], { axes: [0, 2] }).data;
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((acc, v, i) => acc + v * b[i], 0);
    expect(dot(g, u)).toBeAllclose(dot(x, s), { rtol: 1e-13 });
  });

  test("int32 wraps; float32 rounds; operands are not modified", () => {
    const x = ints([2147483647, 5]);
    const upd = ints([1, 1, 1]);
    expect([...eval_("scatter_add", [x, upd, ints([0, 1, 1])], { axes: [0] }).data]).toEqual([-2147483648, 7]);
    expect([...x.readSync()]).toEqual([2147483647, 5]);
    expect([...upd.readSync()]).toEqual([1, 1, 1]);
    const f = eval_("scatter_add", [arr([0.1], [1], "float32"), arr([0.2], [1], "float32"), ints([0])], { axes: [0] }).data;
    expect(f).toBeInstanceOf(Float32Array);
    expect([...f]).toEqual([Math.fround(Math.fround(0.1) + Math.fround(0.2))]);
  });

  test("empty index arrays leave x as it is", () => {
    expect([...eval_("scatter_add", [arr([1, 2]), arr([], [0]), ints([], [0])], { axes: [0] }).data]).toEqual([1, 2]);
  });
});

describe("dynamic_slice", () => {
  const x = counting([4, 5]);
  const window = (r: number, c: number, h: number, w: number) =>
    multiIndices([h, w]).map(([i, j]) => (r + i) * 5 + (c + j));

  test.each([
    [[1, 1], [2, 3], [1, 1]],
    [[0, 0], [4, 5], [0, 0]],
    [[3, -2], [2, 3], [2, 0]],
    [[10, 10], [2, 3], [2, 2]],
    [[-5, 4], [1, 1], [0, 4]],
    [[2, 1], [0, 3], [2, 1]],
  ])("starts %j size %j reads the window at %j", (starts, sizes, at) => {
    const { data, shape } = eval_("dynamic_slice", [x, ...starts.map(scalar)], { sliceSizes: sizes });
    expect(shape).toEqual(sizes);
    expect([...data]).toEqual(window(at[0], at[1], sizes[0], sizes[1]));
  });

  test("scalars, 1-D and dtypes", () => {
    expect([...eval_("dynamic_slice", [arr([7], [])], { sliceSizes: [] }).data]).toEqual([7]);
    for (const dtype of ["float32", "int32", "bool"] as DType[]) {
      expect([...eval_("dynamic_slice", [arr([1, 1, 0, 1], [4], dtype), scalar(1)], { sliceSizes: [2] }).data]).toEqual([1, 0]);
    }
  });
});

describe("dynamic_update_slice", () => {
  const zeros = () => arr(new Array(20).fill(0), [4, 5]);
  const update = arr([1, 2, 3, 4], [2, 2]);
  /** 0 everywhere, the update [[1, 2], [3, 4]] at (r, c). */
  const expected = (r: number, c: number) =>
    multiIndices([4, 5]).map(([i, j]) => (i >= r && i < r + 2 && j >= c && j < c + 2 ? (i - r) * 2 + (j - c) + 1 : 0));

  test.each([
    [[1, 3], [1, 3]],
    [[0, 0], [0, 0]],
    [[3, 4], [2, 3]],
    [[-1, -1], [0, 0]],
    [[2147483647, -2147483648], [2, 0]],
  ])("starts %j write the window at %j", (starts, at) => {
    const x = zeros();
    const { data, shape } = eval_("dynamic_update_slice", [x, update, ...starts.map(scalar)], {});
    expect(shape).toEqual([4, 5]);
    expect([...data]).toEqual(expected(at[0], at[1]));
    expect([...x.readSync()]).toEqual(new Array(20).fill(0));
  });

  test("an update the size of x replaces it; an empty update changes nothing; scalars", () => {
    expect([...eval_("dynamic_update_slice", [arr([1, 2]), arr([8, 9]), scalar(1)], {}).data]).toEqual([8, 9]);
    expect([...eval_("dynamic_update_slice", [arr([1, 2]), arr([], [0]), scalar(1)], {}).data]).toEqual([1, 2]);
    expect([...eval_("dynamic_update_slice", [arr([1], []), arr([5], [])], {}).data]).toEqual([5]);
    const b = eval_("dynamic_update_slice", [arr([0, 0, 0], [3], "bool"), arr([1], [1], "bool"), scalar(2)], {}).data;
    expect([...b]).toEqual([0, 0, 1]);
  });
});
