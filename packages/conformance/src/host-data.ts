import { type AnyTypedArray, type DType, ShapedArray, type Shape, allocTyped, isFloat, shapeSize, toTyped } from "@lintra/core-ir";

/**
 * An input of a case: its aval and how to make its data on the host. Data is made only
 * when the case runs (large cases hold 1e5 elements), from a seed derived from the case
 * name, so every run and every backend sees the same numbers.
 */
export interface Operand {
  readonly aval: ShapedArray;
  readonly data: (seed: number) => AnyTypedArray;
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Smallest normal numbers: below them a backend may flush to zero (GPUs do). */
export const TINY_NORMAL: Record<"float32" | "float64", number> = { float32: 2 ** -126, float64: 2 ** -1022 };

/**
 * Edge values per dtype: signed zeros, halves (rounding), NaN, ±Inf, subnormal and tiny,
 * huge, and a few ordinary numbers around them. Every unary case runs on all of them;
 * binary cases run on every pair.
 */
export const EDGE_VALUES: Record<DType, readonly number[]> = {
  float32: [0, -0, 1, -1, 0.5, -0.5, 1.5, -2.5, 2.5, 3.1415927, -100, 1000, NaN, Infinity, -Infinity, 1e-38, -1e-38, 1e-45, 3e38, -3e38],
  float64: [0, -0, 1, -1, 0.5, -0.5, 1.5, -2.5, 2.5, 3.141592653589793, -100, 1000, NaN, Infinity, -Infinity, 1e-300, -1e-300, 5e-324, 1e300, -1e300],
  int32: [0, 1, -1, 2, -7, 100, INT32_MAX, INT32_MIN],
  bool: [0, 1],
};

/** A deterministic generator (mulberry32) of numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a name: the seed of a case's data. */
export function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Where random values are drawn from: [lo, hi) for floats, integers in [lo, hi] for int32. */
export interface Domain {
  readonly float?: readonly [number, number];
  readonly int?: readonly [number, number];
}

const DEFAULT_FLOAT: readonly [number, number] = [-3, 3];
const DEFAULT_INT: readonly [number, number] = [-100, 100];

/** Random values of `dtype` (bool: 0 or 1). */
export function randomValues(dtype: DType, size: number, seed: number, domain: Domain = {}): AnyTypedArray {
  const next = rng(seed);
  const out = allocTyped(dtype, size);
  if (isFloat(dtype)) {
    const [lo, hi] = domain.float ?? DEFAULT_FLOAT;
    for (let i = 0; i < size; i++) out[i] = lo + (hi - lo) * next();
  } else if (dtype === "int32") {
    const [lo, hi] = domain.int ?? DEFAULT_INT;
    for (let i = 0; i < size; i++) out[i] = lo + Math.floor((hi - lo + 1) * next());
  } else {
    for (let i = 0; i < size; i++) out[i] = next() < 0.5 ? 0 : 1;
  }
  return out;
}

/** A random operand of `shape` and `dtype`. */
export const random = (shape: Shape, dtype: DType, domain?: Domain): Operand => ({
  aval: new ShapedArray(shape, dtype),
  data: (seed) => randomValues(dtype, shapeSize(shape), seed, domain),
});

/** An operand holding exactly these values (converted to `dtype`). */
export function fixed(values: ArrayLike<number>, shape: Shape, dtype: DType): Operand {
  const aval = new ShapedArray(shape, dtype);
  if (values.length !== aval.size) throw new Error(`internal: ${values.length} values for ${aval}`);
  return { aval, data: () => toTyped(dtype, values) };
}

/** A scalar int32 operand (start indices). */
export const int32Scalar = (v: number): Operand => fixed([v], [], "int32");

/** Random integers stored in `dtype`: their sums are exact in any order while they stay below 2^24. */
export const smallIntegers = (shape: Shape, dtype: DType): Operand => ({
  aval: new ShapedArray(shape, dtype),
  data: (seed) => {
    const next = rng(seed);
    const out = allocTyped(dtype, shapeSize(shape));
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(9 * next()) - 4;
    return out;
  },
});

/** The edge values of `dtype` as a 1-d operand. */
export const edgeValues = (dtype: DType): Operand => fixed(EDGE_VALUES[dtype], [EDGE_VALUES[dtype].length], dtype);

/** Every pair of edge values: x runs over the values once per y, y over each value n times. */
export function edgePairs(dtype: DType): [Operand, Operand] {
  const e = EDGE_VALUES[dtype];
  const xs = e.flatMap(() => e);
  const ys = e.flatMap((v) => e.map(() => v));
  return [fixed(xs, [xs.length], dtype), fixed(ys, [ys.length], dtype)];
}
