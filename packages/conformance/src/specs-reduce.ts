import { type DType, type Params, type Shape, isFloat, shapeSize } from "@lintra/core-ir";
import { type CaseDraft, type FamilySpecs, LARGE, MEDIUM, type PrimSpec } from "./case.js";
import { type Domain, INT32_MAX, INT32_MIN, type Operand, fixed, random, smallIntegers } from "./host-data.js";

const HUGE = { float32: 3e38, float64: 1e300 };
const TINY = { float32: 1e-38, float64: 1e-300 };

/**
 * Rows of five values reduced along axis 1. Each row's sum, product, max, min and arg are
 * the same in every order of evaluation (no row overflows or underflows part way), so a
 * backend may reduce in any order and still owe the reference's answer.
 */
function edgeRows(dtype: DType): number[][] {
  if (dtype === "bool") return [[0, 0, 0, 0, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0], [1, 0, 0, 0, 0]];
  if (dtype === "int32") {
    return [[INT32_MAX, 1, 0, 0, 0], [INT32_MIN, -1, 0, 0, 0], [65536, 65536, 1, 1, 1], [-7, 3, -7, 2, 0], [INT32_MIN, INT32_MAX, -1, 1, 0], [3, 3, 3, 3, 3]];
  }
  const d = dtype as "float32" | "float64";
  const [huge, tiny] = [HUGE[d], TINY[d]];
  return [
    [NaN, 1, 2, 3, 4],
    [1, 2, Infinity, 3, 4],
    [1, -Infinity, 2, Infinity, 3],
    [-0, -0, -0, -0, -0],
    [0, -0, 0, -0, 0],
    [tiny, -tiny, tiny, tiny, 0],
    [huge, 1, -1, 0.5, 0.25],
    [-huge, -1, 2, NaN, Infinity],
    [-1, -2, -3, -2, -1],
    [2, 1, 2, 1, 2],
  ];
}

const edgeOperand = (dtype: DType): Operand => {
  const rows = edgeRows(dtype);
  return fixed(rows.flat(), [rows.length, 5], dtype);
};

/** Terms per result when reducing `shape` over `axes`. */
const termsOf = (shape: Shape, axes: readonly number[]) => shapeSize(axes.map((a) => shape[a]));

/**
 * reduce_sum / reduce_prod / reduce_max / reduce_min: the same shapes and axes; `long`
 * (a large case, or a medium one) draws from `longDomain` when given.
 */
function reduction<P extends "reduce_sum" | "reduce_prod" | "reduce_max" | "reduce_min">(
  tolerance: "accumulated" | "exact",
  { large = false, longDomain }: { large?: boolean; longDomain?: Domain } = {},
): PrimSpec<P> {
  return {
    tolerance,
    cases: (dtype) => {
      const row = (name: string, x: Shape | Operand, axes: number[]): CaseDraft<P> => {
        const operand = "aval" in x ? x : random(x, dtype, shapeSize(x) >= MEDIUM ? longDomain : undefined);
        return { name, operands: [operand], params: { axes } as Params<P>, terms: termsOf(operand.aval.shape, axes) };
      };
      const n = large ? LARGE : MEDIUM;
      const cases = [
        row("[3,5] axes [1]", [3, 5], [1]),
        row("scalar axes []", [], []),
        row("empty [0] axes [0]", [0], [0]),
        row("empty [2,0] axes [1]", [2, 0], [1]),
        row("empty [0,3] axes [1]", [0, 3], [1]),
        row("[7] axes [0]", [7], [0]),
        row("[3,5] axes [0]", [3, 5], [0]),
        row("[3,5] axes [0,1]", [3, 5], [0, 1]),
        row("[2,3,7] axes [0,2]", [2, 3, 7], [0, 2]),
        row("edge values axes [1]", edgeOperand(dtype), [1]),
        row(`${large ? "large " : ""}[${n}] axes [0]`, [n], [0]),
        row("[33,65] axes [0]", [33, 65], [0]),
      ];
      // Sums of small integers are exact in any order: a dropped or doubled element shows.
      if (large && tolerance === "accumulated" && isFloat(dtype)) {
        cases.push({ ...row(`large integers [${LARGE}] axes [0]`, smallIntegers([LARGE], dtype), [0]), tolerance: "exact" });
      }
      return cases;
    },
  };
}

/** argmax / argmin: ties and NaN decide the index, so the data has both. */
const argReduction = <P extends "argmax" | "argmin">(large: boolean): PrimSpec<P> => ({
  tolerance: "exact",
  cases: (dtype) => {
    const row = (name: string, x: Shape | Operand, axis: number): CaseDraft<P> => ({
      name,
      operands: ["aval" in x ? x : random(x, dtype, { int: [-3, 3] })],
      params: { axis } as Params<P>,
    });
    return [
      row("[3,5] axis 1", [3, 5], 1),
      row("[7] axis 0", [7], 0),
      row("[3,5] axis 0", [3, 5], 0),
      row("[2,3,4] axis 1", [2, 3, 4], 1),
      row("empty [0,3] axis 1", [0, 3], 1),
      row("edge values axis 1", edgeOperand(dtype), 1),
      large ? row(`large [${LARGE}] axis 0`, [LARGE], 0) : row(`[${MEDIUM}] axis 0`, [MEDIUM], 0),
      row("[33,65] axis 0", [33, 65], 0),
    ];
  },
});

const cumsum: PrimSpec<"cumsum"> = {
  tolerance: "accumulated",
  cases: (dtype) => {
    const row = (name: string, x: Shape | Operand, axis: number, reverse = false): CaseDraft<"cumsum"> => {
      const operand = "aval" in x ? x : random(x, dtype);
      return { name, operands: [operand], params: { axis, reverse }, terms: operand.aval.shape[axis] };
    };
    const cases = [
      row("[7] axis 0", [7], 0),
      row("[3,5] axis 1", [3, 5], 1),
      row("[3,5] axis 0 reverse", [3, 5], 0, true),
      row("[2,3,4] axis 1 reverse", [2, 3, 4], 1, true),
      row("empty [0] axis 0", [0], 0),
      row("empty [2,0] axis 1", [2, 0], 1),
      row("edge values axis 1", edgeOperand(dtype), 1),
      row(`[${MEDIUM}] axis 0`, [MEDIUM], 0),
      row("[33,65] axis 0 reverse", [33, 65], 0, true),
    ];
    if (isFloat(dtype)) cases.push({ ...row(`large integers [${LARGE}] axis 0`, smallIntegers([LARGE], dtype), 0), tolerance: "exact" });
    return cases;
  },
};

type DotParams = Params<"dot_general">;
const dims = (lc: number[], rc: number[], lb: number[] = [], rb: number[] = []): DotParams => ({ lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb });
const MATMUL = dims([1], [0]);

/** Exactly representable multipliers for the edge rows, so no product rounds differently. */
const EDGE_RHS = [1, -0.5, 2, 0.25, -1, 0.5, -2, 1, 4, -0.25, 0.5, 1, -1, 2, 0.5];

const dotGeneral: PrimSpec<"dot_general"> = {
  tolerance: "accumulated",
  cases: (dtype) => {
    const row = (name: string, l: Shape | Operand, r: Shape | Operand, params: DotParams): CaseDraft<"dot_general"> => {
      const [lhs, rhs] = [l, r].map((x) => ("aval" in x ? x : random(x, dtype, { int: [-100, 100] })));
      return { name, operands: [lhs, rhs], params, terms: termsOf(lhs.aval.shape, params.lhsContracting) };
    };
    const cases = [
      row("matmul [3,5] [5,7]", [3, 5], [5, 7], MATMUL),
      row("vector dot [7] [7]", [7], [7], dims([0], [0])),
      row("matvec [3,5] [5]", [3, 5], [5], MATMUL),
      row("outer [3] [5]", [3], [5], dims([], [])),
      row("transposed lhs [5,3] [5,7]", [5, 3], [5, 7], dims([0], [0])),
      row("batch [2,3,5] [2,5,4]", [2, 3, 5], [2, 5, 4], dims([2], [1], [0], [0])),
      row("batch and two contractions [4,2,3] [3,5,2,4]", [4, 2, 3], [3, 5, 2, 4], dims([2, 0], [0, 3], [1], [2])),
      row("empty contraction [3,0] [0,4]", [3, 0], [0, 4], MATMUL),
      row("empty result [0,5] [5,3]", [0, 5], [5, 3], MATMUL),
      row("edge values [n,5] [5,3]", edgeOperand(dtype), fixed(EDGE_RHS, [5, 3], dtype), MATMUL),
      row("[33,65] [65,17]", [33, 65], [65, 17], MATMUL),
      row("large [129,777] [777,67]", [129, 777], [777, 67], MATMUL),
    ];
    if (isFloat(dtype)) {
      const ints = (s: Shape) => smallIntegers(s, dtype);
      cases.push({ ...row("large integers [67,777] [777,129]", ints([67, 777]), ints([777, 129]), MATMUL), tolerance: "exact" });
    }
    return cases;
  },
};

export const reduceSpecs = {
  reduce_sum: reduction("accumulated", { large: true }),
  // Products of many values stay in range (in every order) only near 1.
  reduce_prod: reduction("accumulated", { longDomain: { float: [0.95, 1.05] } }),
  reduce_max: reduction("exact", { large: true }),
  reduce_min: reduction("exact"),
  argmax: argReduction(true),
  argmin: argReduction(false),
  cumsum,
  dot_general: dotGeneral,
} satisfies FamilySpecs;
