import { type DType, type Shape, setBackend } from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { arr, eval_, expectSameZeros, multiIndices, randoms, ravel, sizeOf } from "../test/oracle.js";
import { cpuBackend } from "./index.js";

setBackend(cpuBackend);

/** 0, 1, 2, … as an array of `shape`: every element names its own flat position. */
const counting = (shape: Shape, dtype: DType = "float64") => arr(Array.from({ length: sizeOf(shape) }, (_, i) => i), shape, dtype);

/** The oracle for every movement primitive: out[idx] = x[source(idx)] (or `fill` where source gives null). */
function gatherOracle(x: number[], xShape: Shape, outShape: Shape, source: (idx: number[]) => number[] | null, fill = NaN): number[] {
  return multiIndices(outShape).map((idx) => {
    const from = source(idx);
    return from ? x[ravel(from, xShape)] : fill;
  });
}
const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("broadcast_in_dim", () => {
  test.each([
    [[], [2, 3], []],
    [[3], [2, 3], [1]],
    [[2], [2, 3], [0]],
    [[2, 1], [2, 3], [0, 1]],
    [[1, 3], [4, 2, 3], [1, 2]],
    [[2, 1, 3], [2, 5, 3], [0, 1, 2]],
    [[3], [0, 3], [1]],
    [[1], [4], [0]],
  ])("%j -> %j along %j", (xShape, shape, dims) => {
    const x = iota(sizeOf(xShape));
    const { data, shape: s } = eval_("broadcast_in_dim", [arr(x, xShape)], { shape, broadcastDimensions: dims });
    expect(s).toEqual(shape);
    const want = gatherOracle(x, xShape, shape, (idx) => dims.map((d, i) => (xShape[i] === 1 ? 0 : idx[d])));
    expect([...data]).toEqual(want);
  });

  test("hand-computed, and every dtype", () => {
    for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
      const { data } = eval_("broadcast_in_dim", [arr([1, 0], [2], dtype)], { shape: [2, 3], broadcastDimensions: [0] });
      expect([...data]).toEqual([1, 1, 1, 0, 0, 0]);
    }
    expect([...eval_("broadcast_in_dim", [arr([7], [])], { shape: [3], broadcastDimensions: [] }).data]).toEqual([7, 7, 7]);
  });
});

describe("reshape", () => {
  test("keeps row-major order and returns a new array", () => {
    const x = counting([2, 3]);
    const y = eval_("reshape", [x], { newSizes: [3, 1, 2] });
    expect(y.shape).toEqual([3, 1, 2]);
    expect([...y.data]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...eval_("reshape", [arr([5], [])], { newSizes: [1, 1] }).data]).toEqual([5]);
    expect(eval_("reshape", [arr([], [0, 4])], { newSizes: [2, 0] }).shape).toEqual([2, 0]);
    expect([...eval_("reshape", [arr([1, 0, 1], [3], "bool")], { newSizes: [3, 1] }).data]).toEqual([1, 0, 1]);
  });
});

describe("transpose", () => {
  test("2-D by hand", () => {
    expect([...eval_("transpose", [counting([2, 3])], { permutation: [1, 0] }).data]).toEqual([0, 3, 1, 4, 2, 5]);
  });

  test.each([
    [[2, 3, 4], [2, 0, 1]],
    [[2, 3, 4], [1, 2, 0]],
    [[2, 3, 4], [0, 1, 2]],
    [[3, 1, 2, 2], [3, 1, 0, 2]],
    [[0, 3], [1, 0]],
    [[], []],
  ])("%j by %j against the index oracle", (shape, perm) => {
    const x = iota(sizeOf(shape));
    const outShape = perm.map((p) => shape[p]);
    const { data, shape: s } = eval_("transpose", [arr(x, shape, "int32")], { permutation: perm });
    expect(s).toEqual(outShape);
    expect([...data]).toEqual(
      gatherOracle(x, shape, outShape, (idx) => {
        const from = new Array<number>(shape.length);
        perm.forEach((p, i) => (from[p] = idx[i]));
        return from;
      }),
    );
  });
});

describe("rev", () => {
  test.each([
    [[5], [0]],
    [[2, 3], [1]],
    [[2, 3], [0, 1]],
    [[2, 3, 2], [0, 2]],
    [[2, 0], [1]],
    [[3], []],
  ])("%j along %j", (shape, dims) => {
    const x = iota(sizeOf(shape));
    const { data } = eval_("rev", [arr(x, shape)], { dimensions: dims });
    expect([...data]).toEqual(gatherOracle(x, shape, shape, (idx) => idx.map((i, d) => (dims.includes(d) ? shape[d] - 1 - i : i))));
  });

  test("keeps -0 and NaN", () => {
    const { data } = eval_("rev", [arr([-0, NaN, 1])], { dimensions: [0] });
    expect(data).toBeAllclose([1, NaN, -0]);
    expectSameZeros(data, [1, NaN, -0]);
  });
});

describe("slice", () => {
  test("by hand, with strides", () => {
    expect([...eval_("slice", [counting([10])], { startIndices: [1], limitIndices: [8], strides: [3] }).data]).toEqual([1, 4, 7]);
    expect([...eval_("slice", [counting([10])], { startIndices: [2], limitIndices: [5], strides: null }).data]).toEqual([2, 3, 4]);
    const m = eval_("slice", [counting([3, 4])], { startIndices: [1, 0], limitIndices: [3, 4], strides: [1, 2] });
    expect(m.shape).toEqual([2, 2]);
    expect([...m.data]).toEqual([4, 6, 8, 10]);
  });

  test.each([
    [[4, 5, 6], [1, 0, 2], [4, 5, 6], [2, 3, 1]],
    [[4, 5, 6], [0, 2, 5], [3, 2, 6], [1, 1, 4]],
    [[7], [3], [3], [1]],
    [[2, 3], [0, 0], [2, 3], null],
  ])("%j from %j to %j step %j against the index oracle", (shape, start, limit, strides) => {
    const x = iota(sizeOf(shape));
    const steps = strides ?? shape.map(() => 1);
    const outShape = shape.map((_, d) => Math.ceil((limit[d] - start[d]) / steps[d]));
    const { data, shape: s } = eval_("slice", [arr(x, shape, "float32")], { startIndices: start, limitIndices: limit, strides });
    expect(s).toEqual(outShape);
    expect([...data]).toEqual(gatherOracle(x, shape, outShape, (idx) => idx.map((i, d) => start[d] + i * steps[d])));
  });

  test("of a scalar is the scalar", () => {
    expect([...eval_("slice", [arr([3], [], "int32")], { startIndices: [], limitIndices: [], strides: null }).data]).toEqual([3]);
  });
});

describe("pad", () => {
  const padded = (xShape: Shape, config: [number, number, number][]) =>
    xShape.map((n, d) => config[d][0] + config[d][1] + n + Math.max(0, n - 1) * config[d][2]);

  test("edges and interior by hand", () => {
    const { data, shape } = eval_("pad", [arr([1, 2, 3]), arr([0], [])], { paddingConfig: [[2, 1, 1]] });
    expect(shape).toEqual([8]);
    expect([...data]).toEqual([0, 0, 1, 0, 2, 0, 3, 0]);
  });

  test("negative low/high crop, also together with interior padding", () => {
    const v = arr([9], []);
    expect([...eval_("pad", [arr([1, 2, 3, 4]), v], { paddingConfig: [[-1, -2, 0]] }).data]).toEqual([2]);
    expect([...eval_("pad", [arr([1, 2, 3]), v], { paddingConfig: [[-2, 1, 1]] }).data]).toEqual([2, 9, 3, 9]);
    expect([...eval_("pad", [arr([1, 2, 3]), v], { paddingConfig: [[-1, -1, 2]] }).data]).toEqual([9, 9, 2, 9, 9]);
    expect([...eval_("pad", [arr([1, 2, 3]), v], { paddingConfig: [[-3, 0, 0]] }).data]).toEqual([]);
  });

  test("2-D by hand: rows padded high, columns interior", () => {
    const { data, shape } = eval_("pad", [arr([1, 2, 3, 4], [2, 2], "int32"), arr([-1], [], "int32")], {
      paddingConfig: [[0, 1, 0], [1, 0, 1]],
    });
    expect(shape).toEqual([3, 4]);
    expect([...data]).toEqual([-1, 1, -1, 2, -1, 3, -1, 4, -1, -1, -1, -1]);
  });

  test.each([
    [[3, 4], [[1, -1, 1], [-2, 3, 0]]],
    [[2, 3, 2], [[0, 0, 2], [-1, -1, 1], [2, -3, 1]]],
    [[5], [[-3, -3, 1]]],
    [[0, 2], [[1, 1, 3], [0, 1, 0]]],
    [[1, 1], [[0, 0, 5], [2, 2, 5]]],
    [[2, 3, 4], [[1, 0, 1], [-1, 1, 1], [0, -2, 2]]],
    [[3, 5], [[0, 0, 0], [-3, -1, 2]]],
  ] as [number[], [number, number, number][]][])("%j with %j against the index oracle", (xShape, config) => {
    const x = iota(sizeOf(xShape)).map((i) => i + 1);
    const outShape = padded(xShape, config);
    const { data, shape } = eval_("pad", [arr(x, xShape), arr([-7], [])], { paddingConfig: config });
    expect(shape).toEqual(outShape);
    const source = (idx: number[]) => {
      const from = idx.map((o, d) => (o - config[d][0]) / (config[d][2] + 1));
      return from.every((f, d) => Number.isInteger(f) && f >= 0 && f < xShape[d]) ? from : null;
    };
    expect([...data]).toEqual(gatherOracle(x, xShape, outShape, source, -7));
  });

  test("pads with NaN and -0 in float32 and with true in bool", () => {
    const f = eval_("pad", [arr([1], [1], "float32"), arr([-0], [], "float32")], { paddingConfig: [[1, 0, 0]] }).data;
    expectSameZeros(f, [-0, 1]);
    expect(eval_("pad", [arr([1]), arr([NaN], [])], { paddingConfig: [[0, 1, 0]] }).data).toBeAllclose([1, NaN]);
    expect([...eval_("pad", [arr([0, 0], [2], "bool"), arr([1], [], "bool")], { paddingConfig: [[0, 0, 1]] }).data]).toEqual([0, 1, 0]);
  });
});

describe("concatenate", () => {
  test("along each dimension, by hand", () => {
    const a = counting([2, 2]);
    const b = arr([10, 11, 12, 13, 14, 15], [2, 3]);
    const c = arr([20, 21, 22, 23], [2, 2]);
    const rows = eval_("concatenate", [a, c], { dimension: 0 });
    expect(rows.shape).toEqual([4, 2]);
    expect([...rows.data]).toEqual([0, 1, 2, 3, 20, 21, 22, 23]);
    const cols = eval_("concatenate", [a, b, c], { dimension: 1 });
    expect(cols.shape).toEqual([2, 7]);
    expect([...cols.data]).toEqual([0, 1, 10, 11, 12, 20, 21, 2, 3, 13, 14, 15, 22, 23]);
  });

  test("with empty operands, one operand, and many of a 3-D shape", () => {
    expect([...eval_("concatenate", [arr([1, 2]), arr([]), arr([3])], { dimension: 0 }).data]).toEqual([1, 2, 3]);
    expect([...eval_("concatenate", [arr([5, 6], [2], "int32")], { dimension: 0 }).data]).toEqual([5, 6]);
    const parts = [1, 3, 2].map((n, k) => arr(randoms(2 * n * 2, k), [2, n, 2]));
    const { data, shape } = eval_("concatenate", parts, { dimension: 1 });
    expect(shape).toEqual([2, 6, 2]);
    const sources = parts.map((p) => [...p.readSync()]);
    const want = multiIndices([2, 6, 2]).map(([i, j, k]) => {
      const which = j < 1 ? 0 : j < 4 ? 1 : 2;
      const jj = j - [0, 1, 4][which];
      return sources[which][ravel([i, jj, k], [2, [1, 3, 2][which], 2])];
    });
    expect([...data]).toEqual(want);
  });

  test("bool", () => {
    expect([...eval_("concatenate", [arr([1], [1], "bool"), arr([0, 1], [2], "bool")], { dimension: 0 }).data]).toEqual([1, 0, 1]);
  });
});
