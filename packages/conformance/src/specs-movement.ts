import type { DType, Shape } from "@lintra/core-ir";
import { type CaseDraft, type FamilySpecs, LARGE_SIDE, MEDIUM, type PrimSpec } from "./case.js";
import { EDGE_VALUES, type Operand, edgeValues, fixed, random } from "./host-data.js";

/*
 * Movement primitives copy elements: every result is exact, −0 and NaN included. Each row
 * covers a scalar, an empty array, odd shapes, edge values, and a large array (broadcast,
 * transpose, pad) or a medium one (the others).
 */

const L = LARGE_SIDE;
const edgeLength = (dtype: DType) => EDGE_VALUES[dtype].length;
/** Edge values laid out as [n/2, 2] (every dtype has an even number of them). */
const edgeMatrix = (dtype: DType): Operand => fixed(EDGE_VALUES[dtype], [edgeLength(dtype) / 2, 2], dtype);

/** A row of cases that each take one random operand of some shape. */
function oneOperand<P extends "broadcast_in_dim" | "reshape" | "transpose" | "rev" | "slice">(
  rows: (dtype: DType) => (readonly [name: string, shape: Shape | Operand, params: CaseDraft<P>["params"]])[],
): PrimSpec<P> {
  return {
    tolerance: "exact",
    cases: (dtype) =>
      rows(dtype).map(([name, x, params]) => {
        const operand = "aval" in x ? x : random(x, dtype);
        return { name, operands: [operand], params };
      }),
  };
}

const broadcastInDim = oneOperand<"broadcast_in_dim">((dtype) => [
  ["[5] to [3,5]", [5], { shape: [3, 5], broadcastDimensions: [1] }],
  ["scalar to [3,5]", [], { shape: [3, 5], broadcastDimensions: [] }],
  ["[3,1] to [3,5]", [3, 1], { shape: [3, 5], broadcastDimensions: [0, 1] }],
  ["[1,7] to [2,3,7]", [1, 7], { shape: [2, 3, 7], broadcastDimensions: [1, 2] }],
  ["[3] to [3,4,5]", [3], { shape: [3, 4, 5], broadcastDimensions: [0] }],
  ["[1] to [7]", [1], { shape: [7], broadcastDimensions: [0] }],
  ["empty [0] to [3,0]", [0], { shape: [3, 0], broadcastDimensions: [1] }],
  ["[2] to empty [0,2]", [2], { shape: [0, 2], broadcastDimensions: [1] }],
  ["edge values to [3,n]", edgeValues(dtype), { shape: [3, edgeLength(dtype)], broadcastDimensions: [1] }],
  [`large [${L}] to [${L},${L}]`, [L], { shape: [L, L], broadcastDimensions: [0] }],
]);

const reshape = oneOperand<"reshape">((dtype) => [
  ["[3,5] to [5,3]", [3, 5], { newSizes: [5, 3] }],
  ["scalar to [1,1]", [], { newSizes: [1, 1] }],
  ["[1,1] to scalar", [1, 1], { newSizes: [] }],
  ["empty [0,3] to [3,0]", [0, 3], { newSizes: [3, 0] }],
  ["[2,3,7] to [6,7]", [2, 3, 7], { newSizes: [6, 7] }],
  ["edge values to [n]", edgeMatrix(dtype), { newSizes: [edgeLength(dtype)] }],
  ["[33,65] to [2145]", [33, 65], { newSizes: [2145] }],
]);

const transpose = oneOperand<"transpose">((dtype) => [
  ["[3,5] permutation [1,0]", [3, 5], { permutation: [1, 0] }],
  ["scalar", [], { permutation: [] }],
  ["[2,3,7] permutation [2,0,1]", [2, 3, 7], { permutation: [2, 0, 1] }],
  ["[2,3,4,5] permutation [3,1,2,0]", [2, 3, 4, 5], { permutation: [3, 1, 2, 0] }],
  ["[7,9] permutation [1,0]", [7, 9], { permutation: [1, 0] }],
  ["empty [0,3] permutation [1,0]", [0, 3], { permutation: [1, 0] }],
  ["edge values [n/2,2] permutation [1,0]", edgeMatrix(dtype), { permutation: [1, 0] }],
  [`large [${L},${L}] permutation [1,0]`, [L, L], { permutation: [1, 0] }],
]);

const rev = oneOperand<"rev">((dtype) => [
  ["[7] dimensions [0]", [7], { dimensions: [0] }],
  ["scalar", [], { dimensions: [] }],
  ["[3,5] dimensions [0,1]", [3, 5], { dimensions: [0, 1] }],
  ["[2,3,5] dimensions [1]", [2, 3, 5], { dimensions: [1] }],
  ["empty [0] dimensions [0]", [0], { dimensions: [0] }],
  ["edge values dimensions [0]", edgeValues(dtype), { dimensions: [0] }],
  [`[${MEDIUM}] dimensions [0]`, [MEDIUM], { dimensions: [0] }],
]);

const slice = oneOperand<"slice">((dtype) => [
  ["[7] 1:6:2", [7], { startIndices: [1], limitIndices: [6], strides: [2] }],
  ["scalar", [], { startIndices: [], limitIndices: [], strides: null }],
  ["[3,5] [1,0]:[3,5]", [3, 5], { startIndices: [1, 0], limitIndices: [3, 5], strides: null }],
  ["[4,7] [1,1]:[4,7]:[2,3]", [4, 7], { startIndices: [1, 1], limitIndices: [4, 7], strides: [2, 3] }],
  ["empty result [7] 3:3", [7], { startIndices: [3], limitIndices: [3], strides: null }],
  ["empty [0,3]", [0, 3], { startIndices: [0, 1], limitIndices: [0, 3], strides: null }],
  ["edge values 1:n-1", edgeValues(dtype), { startIndices: [1], limitIndices: [edgeLength(dtype) - 1], strides: null }],
  ["[33,65] [1,0]:[33,65]", [33, 65], { startIndices: [1, 0], limitIndices: [33, 65], strides: [1, 1] }],
]);

type PadConfig = readonly (readonly [number, number, number])[];

/** The padding value used with edge values: NaN where the dtype has one. */
const PAD_EDGE: Record<DType, number> = { float32: NaN, float64: NaN, int32: -2147483648, bool: 1 };

const pad: PrimSpec<"pad"> = {
  tolerance: "exact",
  cases: (dtype) => {
    const row = (name: string, x: Shape | Operand, config: PadConfig, value: Operand = random([], dtype)): CaseDraft<"pad"> => {
      const operand = "aval" in x ? x : random(x, dtype);
      return { name, operands: [operand, value], params: { paddingConfig: config } };
    };
    return [
      row("[3,5] low, high and interior", [3, 5], [[1, 2, 0], [0, 1, 1]]),
      row("scalar", [], []),
      row("[3,4] negative (cropping) and interior", [3, 4], [[1, -1, 1], [-1, 2, 0]]),
      row("[5] interior only", [5], [[0, 0, 2]]),
      row("empty [0] to [3]", [0], [[2, 1, 0]]),
      row("[4] cropped to empty", [4], [[-2, -2, 0]]),
      row("edge values", edgeValues(dtype), [[1, 1, 1]], fixed([PAD_EDGE[dtype]], [], dtype)),
      row(`large [${L},${L}]`, [L, L], [[1, 1, 0], [0, 0, 1]]),
    ];
  },
};

const concatenate: PrimSpec<"concatenate"> = {
  tolerance: "exact",
  cases: (dtype) => {
    const row = (name: string, shapes: Shape[], dimension: number): CaseDraft<"concatenate"> => ({
      name,
      operands: shapes.map((s) => random(s, dtype)),
      params: { dimension },
    });
    const n = edgeLength(dtype);
    return [
      row("[3,1] [3,5] [3,2] dimension 1", [[3, 1], [3, 5], [3, 2]], 1),
      row("one operand [2,3]", [[2, 3]], 0),
      row("[7] [0] [5] dimension 0", [[7], [0], [5]], 0),
      row("[2,3] [4,3] dimension 0", [[2, 3], [4, 3]], 0),
      row("empty [0,3] [0,3]", [[0, 3], [0, 3]], 0),
      { name: "edge values twice", operands: [edgeValues(dtype), fixed([...EDGE_VALUES[dtype]].reverse(), [n], dtype)], params: { dimension: 0 } },
      row(`[1000] [${MEDIUM}]`, [[1000], [MEDIUM]], 0),
    ];
  },
};

export const movementSpecs = {
  broadcast_in_dim: broadcastInDim,
  reshape,
  transpose,
  rev,
  slice,
  pad,
  concatenate,
} satisfies FamilySpecs;
