import { ConcreteArray, type Params } from "@lintra/core-ir";
import { expect, test } from "vitest";
import { both, describeGL, host, randoms } from "../test/gl.js";
import { CHUNK } from "./accumulate.js";
import { gpujsBackend } from "./index.js";

// Reductions longer than one chunk run in several passes; Mesa's llvmpipe also stops any
// shader loop after 65535 iterations, silently. Sums of small integers are exact in any
// order, so a dropped or doubled term shows as a difference.

const n = 3 * CHUNK + 5;
const ints = (count: number, seed: number) => randoms(count, seed, -4, 5).map(Math.floor);
const dims = (lc: number[], rc: number[]): Params<"dot_general"> => ({ lhsContracting: lc, rhsContracting: rc, lhsBatch: [], rhsBatch: [] });

describeGL("reductions longer than one chunk", () => {
  test("reduce_sum over 70000 small integers is exact (more than llvmpipe's 65535 loop iterations)", () => {
    const x = host(ints(70000, 1));
    const { actual, expected } = both(gpujsBackend, "reduce_sum", [x], { axes: [0] });
    expect(actual).toEqual(expected);
  });

  test("reduce_sum, reduce_max and reduce_min over the leading axis of [n, 3]", () => {
    const x = host(randoms(n * 3, 2), [n, 3]);
    for (const prim of ["reduce_sum", "reduce_max", "reduce_min"] as const) {
      const { actual, expected } = both(gpujsBackend, prim, [x], { axes: [0] });
      expect(actual, prim).toBeAllclose(expected, { rtol: 1e-5 });
    }
  });

  test("reduce_prod multiplies in short passes and stays within a few ulps per level", () => {
    const x = host(randoms(n, 3, 0.999, 1.001));
    const { actual, expected } = both(gpujsBackend, "reduce_prod", [x], { axes: [0] });
    expect(actual).toBeAllclose(expected, { rtol: 1e-5 });
  });

  test("argmax and argmin find the first extreme across chunks", () => {
    const data = ints(n, 4);
    data[CHUNK + 7] = 100;
    data[2 * CHUNK + 1] = 100;
    data[5] = -100;
    data[3 * CHUNK] = -100;
    const x = host(data);
    expect(both(gpujsBackend, "argmax", [x], { axis: 0 }).actual).toEqual(Int32Array.of(CHUNK + 7));
    expect(both(gpujsBackend, "argmin", [x], { axis: 0 }).actual).toEqual(Int32Array.of(5));
    data[2 * CHUNK + 3] = NaN;
    expect(both(gpujsBackend, "argmax", [host(data)], { axis: 0 }).actual).toEqual(Int32Array.of(2 * CHUNK + 3));
  });

  test("dot_general with more contracting terms than a chunk", () => {
    const l = host(ints(2 * n, 5), [2, n]);
    const r = host(ints(n * 3, 6), [n, 3]);
    const { actual, expected } = both(gpujsBackend, "dot_general", [l, r], dims([1], [0]));
    expect(actual).toEqual(expected);
  });

  test("scatter_add with more updates than a chunk, duplicates and clamped indices", () => {
    const x = host(ints(50, 7), [50]);
    const updates = host(ints(n, 8), [n]);
    const indices = ConcreteArray.fromTyped(randoms(n, 9, -5, 55).map(Math.floor), [n], "int32");
    const { actual, expected } = both(gpujsBackend, "scatter_add", [x, updates, indices], { axes: [0] });
    expect(actual).toEqual(expected);
  });

  test("cumsum along a long axis, both directions", () => {
    const x = host(ints(n, 10));
    for (const reverse of [false, true]) {
      const { actual, expected } = both(gpujsBackend, "cumsum", [x], { axis: 0, reverse });
      expect(actual).toEqual(expected);
    }
  });
});
