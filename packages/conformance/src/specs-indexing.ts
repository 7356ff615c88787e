import { type DType, type Shape, ShapedArray, shapeSize } from "@lintra/core-ir";
import { type CaseDraft, type FamilySpecs, LARGE, type PrimSpec } from "./case.js";
import { EDGE_VALUES, INT32_MAX, INT32_MIN, type Operand, edgeValues, fixed, int32Scalar, random, rng } from "./host-data.js";

/*
 * Indexing primitives clamp indices into range (core-ir defines it), so out-of-range and
 * extreme int32 indices are ordinary cases here. gather and the dynamic slices copy
 * elements (exact); scatter_add sums duplicates (accumulated).
 */

const idx = (values: number[], shape: Shape = [values.length]): Operand => fixed(values, shape, "int32");
const OUT_OF_RANGE = [-1, 5, 100, INT32_MIN, INT32_MAX, 2];

/** Random indices in [lo, hi], some outside the axis they index. */
const randomIndices = (shape: Shape, lo: number, hi: number): Operand => ({
  aval: new ShapedArray(shape, "int32"),
  data: (seed) => {
    const next = rng(seed);
    return Int32Array.from({ length: shapeSize(shape) }, () => lo + Math.floor((hi - lo + 1) * next()));
  },
});

const reversedIota = (n: number) => Array.from({ length: n }, (_, i) => n - 1 - i);
const edgeLength = (dtype: DType) => EDGE_VALUES[dtype].length;

const gather: PrimSpec<"gather"> = {
  tolerance: "exact",
  cases: (dtype) => {
    const row = (name: string, x: Shape | Operand, indices: Operand[], axes: number[]): CaseDraft<"gather"> => ({
      name,
      operands: ["aval" in x ? x : random(x, dtype), ...indices],
      params: { axes },
    });
    const n = edgeLength(dtype);
    return [
      row("[5,3] rows [0,4,2,1]", [5, 3], [idx([0, 4, 2, 1])], [0]),
      row("[5,3] rows out of range", [5, 3], [idx(OUT_OF_RANGE)], [0]),
      row("[3,4,2] points on axes [0,1]", [3, 4, 2], [idx([2, 0, 5]), idx([-3, 3, 1])], [0, 1]),
      row("[5,3] columns, indices [2,2]", [5, 3], [idx([2, 0, -1, 9], [2, 2])], [1]),
      row("[5,3] scalar index", [5, 3], [idx([3], [])], [0]),
      row("[5,3] empty indices", [5, 3], [idx([])], [0]),
      row("[7] every axis", [7], [idx([6, 0, 3, 3, 1])], [0]),
      row("edge values reversed and clamped", edgeValues(dtype), [idx([...reversedIota(n), -4, n + 3])], [0]),
      row(`large [${LARGE}] at ${LARGE} indices`, [LARGE], [randomIndices([LARGE], -5, LARGE + 5)], [0]),
    ];
  },
};

const scatterAdd: PrimSpec<"scatter_add"> = {
  tolerance: "accumulated",
  cases: (dtype) => {
    const row = (name: string, x: Shape | Operand, updates: Shape | Operand, indices: Operand[], axes: number[]): CaseDraft<"scatter_add"> => {
      const [xs, us] = [x, updates].map((a) => ("aval" in a ? a : random(a, dtype)));
      return { name, operands: [xs, us, ...indices], params: { axes }, terms: Math.max(1, indices[0].aval.size) };
    };
    const n = edgeLength(dtype);
    const edgeUpdates = fixed([...EDGE_VALUES[dtype]].reverse(), [n], dtype);
    return [
      row("[5,3] duplicate rows", [5, 3], [6, 3], [idx([0, 4, 4, 1, 0, 4])], [0]),
      row("[5,3] rows out of range", [5, 3], [6, 3], [idx(OUT_OF_RANGE)], [0]),
      row("[3,4,2] points on axes [0,1]", [3, 4, 2], [3, 2], [idx([2, 0, 5]), idx([-3, 3, 1])], [0, 1]),
      row("[5,3] scalar index", [5, 3], [3], [idx([3], [])], [0]),
      row("[5,3] empty indices", [5, 3], [0, 3], [idx([])], [0]),
      row("edge values plus edge values reversed", edgeValues(dtype), edgeUpdates, [idx(reversedIota(n).reverse())], [0]),
      row(`large ${LARGE} updates into [1000]`, [1000], [LARGE], [randomIndices([LARGE], -10, 1010)], [0]),
    ];
  },
};

const dynamicSlice: PrimSpec<"dynamic_slice"> = {
  tolerance: "exact",
  cases: (dtype) => {
    const row = (name: string, x: Shape | Operand, starts: number[], sliceSizes: number[]): CaseDraft<"dynamic_slice"> => ({
      name,
      operands: ["aval" in x ? x : random(x, dtype), ...starts.map(int32Scalar)],
      params: { sliceSizes },
    });
    const n = edgeLength(dtype);
    return [
      row("[5,7] at (1,3) size [2,3]", [5, 7], [1, 3], [2, 3]),
      row("[5,7] clamped from (-5,100)", [5, 7], [-5, 100], [2, 3]),
      row("[5,7] clamped from (INT32_MIN,INT32_MAX)", [5, 7], [INT32_MIN, INT32_MAX], [2, 3]),
      row("scalar", [], [], []),
      row("[5,7] whole array from (3,3)", [5, 7], [3, 3], [5, 7]),
      row("[5,7] empty window", [5, 7], [2, 2], [0, 3]),
      row("edge values at 1", edgeValues(dtype), [1], [n - 1]),
      row("[33,65] at (10,-4)", [33, 65], [10, -4], [23, 65]),
    ];
  },
};

const dynamicUpdateSlice: PrimSpec<"dynamic_update_slice"> = {
  tolerance: "exact",
  cases: (dtype) => {
    const row = (name: string, x: Shape | Operand, update: Shape | Operand, starts: number[]): CaseDraft<"dynamic_update_slice"> => {
      const [xs, us] = [x, update].map((a) => ("aval" in a ? a : random(a, dtype)));
      return { name, operands: [xs, us, ...starts.map(int32Scalar)], params: {} };
    };
    const n = edgeLength(dtype);
    return [
      row("[5,7] update [2,3] at (1,3)", [5, 7], [2, 3], [1, 3]),
      row("[5,7] clamped from (-5,100)", [5, 7], [2, 3], [-5, 100]),
      row("[5,7] clamped from (INT32_MAX,INT32_MIN)", [5, 7], [2, 3], [INT32_MAX, INT32_MIN]),
      row("scalar", [], [], []),
      row("[5,7] empty update", [5, 7], [0, 3], [1, 1]),
      row("[5,7] whole array", [5, 7], [5, 7], [1, 1]),
      row("edge values into edge values", edgeValues(dtype), fixed([...EDGE_VALUES[dtype]].reverse().slice(0, n - 2), [n - 2], dtype), [1]),
      row("[33,65] update [30,60] at (20,20)", [33, 65], [30, 60], [20, 20]),
    ];
  },
};

export const indexingSpecs = {
  gather,
  scatter_add: scatterAdd,
  dynamic_slice: dynamicSlice,
  dynamic_update_slice: dynamicUpdateSlice,
} satisfies FamilySpecs;
