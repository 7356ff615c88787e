/**
 * permutation and choice. JAX shuffles by sorting random 32-bit keys (`_shuffle`: one to three
 * rounds of a stable sort) and picks without replacement by the top k of Gumbel-perturbed
 * log-probabilities. lintra has no sort primitive, so both sorts are a bitonic sorting network
 * over (key, index) pairs built from lax ops: ties go to the lower index, which is what a
 * stable sort gives, so the permutations are JAX's.
 */
import { type DType, type Shape, ShapeError, type Tracer, ValueError, fmtShape, isFloat } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { axisArg, flagOption, integerArg, readOptions, shapeArg } from "../np/arguments.js";
import { take, takeAlongAxis } from "../np/indexing.js";
import { moveaxis } from "../np/shape.js";
import { type ArrayLike, asArray, broadcastTo, cast, fullLikeScalar } from "../operands.js";
import { type Key, checkKey } from "./keys.js";
import { gumbel, randint, uniform } from "./samplers.js";
import { PARTITIONABLE, words } from "./threefry.js";

/** How keys order: uint32 words ascending, or floats descending (top k). */
type Order = "uint32" | "descending";

/** Element i of rows of length `n`: iota along the last axis of `shape`. */
const positions = (shape: Shape) => lax.iota("int32", shape, shape.length - 1);

/**
 * For keys of shape [rows, n]: the positions of each row's keys in sorted order (ties by
 * position), int32 [rows, n]. A bitonic network over n rounded up to a power of two, the
 * padding ordered last.
 */
function sortedPositions(keys: Tracer, order: Order): Tracer {
  const [rows, n] = keys.shape;
  if (n <= 1) return positions(keys.shape);
  let size = 1;
  while (size < n) size *= 2;
  let k = order === "uint32" ? lax.xor(keys, words(keys.shape, 0x80000000)) : keys;
  if (size > n) {
    const last = order === "uint32" ? words([rows, size - n], 0x7fffffff) : broadcastTo(asArray(-Infinity, "random", keys.dtype), [rows, size - n], "random");
    k = lax.concatenate([k, last], 1);
  }
  let idx = positions([rows, size]);
  const less = (ka: Tracer, ia: Tracer, kb: Tracer, ib: Tracer) =>
    lax.or(order === "uint32" ? lax.lt(ka, kb) : lax.gt(ka, kb), lax.and(lax.eq(ka, kb), lax.lt(ia, ib)));
  /** Compare-exchange of two halves: the lesser pair goes to `lo`. */
  const exchange = (lo: [Tracer, Tracer], hi: [Tracer, Tracer]): [[Tracer, Tracer], [Tracer, Tracer]] => {
    const swap = less(hi[0], hi[1], lo[0], lo[1]);
    const pick = (a: Tracer, b: Tracer) => lax.select(swap, a, b);
    return [
      [pick(hi[0], lo[0]), pick(hi[1], lo[1])],
      [pick(lo[0], hi[0]), pick(lo[1], hi[1])],
    ];
  };
  /** x viewed as [rows, groups, 2, run]: the two halves of each group, each [rows, groups, run]. */
  const halves = (x: Tracer, run: number): [Tracer, Tracer] => {
    const groups = size / (2 * run);
    const v = lax.reshape(x, [rows, groups, 2, run]);
    const half = (h: number) => lax.reshape(lax.slice(v, [0, 0, h, 0], [rows, groups, h + 1, run]), [rows, groups, run]);
    return [half(0), half(1)];
  };
  /** The inverse of `halves`. */
  const join = (a: Tracer, b: Tracer): Tracer => {
    const [, groups, run] = a.shape;
    const one = (x: Tracer) => lax.reshape(x, [rows, groups, 1, run]);
    return lax.reshape(lax.concatenate([one(a), one(b)], 2), [rows, size]);
  };
  const flip = (x: Tracer) => lax.rev(x, [2]);
  for (let block = 2; block <= size; block *= 2) {
    // Merge: element t of each block against element block-1-t (the second half reversed).
    const [kLo, kHi] = halves(k, block / 2);
    const [iLo, iHi] = halves(idx, block / 2);
    const [lo, hi] = exchange([kLo, iLo], [flip(kHi), flip(iHi)]);
    [k, idx] = [join(lo[0], flip(hi[0])), join(lo[1], flip(hi[1]))];
    // Clean: element t against element t + j, within each run of 2j.
    for (let j = block / 4; j >= 1; j /= 2) {
      const [kA, kB] = halves(k, j);
      const [iA, iB] = halves(idx, j);
      const [a, b] = exchange([kA, iA], [kB, iB]);
      [k, idx] = [join(a[0], b[0]), join(a[1], b[1])];
    }
  }
  return lax.slice(idx, [0, 0], [rows, n]);
}

/** The sorting permutation of `keys` along `axis` (any rank): positions, shaped like `keys`. */
function argsortAlong(keys: Tracer, axis: number, order: Order): Tracer {
  const moved = moveaxis(keys, axis, -1);
  const n = moved.shape[moved.ndim - 1];
  const rows = moved.size / Math.max(n, 1);
  const flat = lax.reshape(moved, [n === 0 ? 0 : rows, n]);
  const perm = lax.reshape(sortedPositions(flat, order), moved.shape);
  return moveaxis(perm, -1, axis);
}

/** JAX's `_shuffle`: rounds of sorting x along `axis` by fresh random keys of x's shape. */
function shuffle(key: Key, x: Tracer, axis: number): Tracer {
  const rounds = Math.ceil((3 * Math.log(Math.max(1, x.size))) / Math.log(2 ** 32 - 1));
  let k = key;
  let out = x;
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = PARTITIONABLE.split2(k);
    k = next;
    out = takeAlongAxis(out, argsortAlong(PARTITIONABLE.bits32(sub, out.shape), axis, "uint32"), axis);
  }
  return out;
}

export interface PermutationOptions {
  axis?: number;
  independent?: boolean;
}

/**
 * A random permutation of 0..n-1 (x a JS integer), or of x's entries along `axis` (rows
 * shuffled together; each one separately with `independent: true`): JAX's
 * `random.permutation`, with the same result.
 */
export function permutation(key: Key, x: number | ArrayLike, options?: PermutationOptions): Tracer {
  const call = "random.permutation";
  const k = checkKey(call, key);
  const { axis = 0, independent: ind } = readOptions(call, options, ["axis", "independent"]);
  const independent = flagOption(call, "independent", ind, false);
  if (typeof x === "number") return shuffle(k, lax.iota("int32", [integerArg(call, "x", x)], 0), 0);
  const a = asArray(x, call);
  if (a.ndim === 0) throw new ShapeError(`${call}: x is a scalar array; expected a JS integer (a range to permute) or an array of rank >= 1`);
  const ax = axisArg(call, axis, a.ndim);
  if (independent || a.ndim === 1) return shuffle(k, a, ax);
  return take(a, shuffle(k, lax.iota("int32", [a.shape[ax]], 0), 0), ax);
}

export interface ChoiceOptions {
  shape?: number | Shape;
  replace?: boolean;
  p?: ArrayLike;
  axis?: number;
}

/**
 * Samples from `a` (a JS integer n: from 0..n-1; an array: its entries along `axis`), `shape`
 * of them (default one, a scalar), with replacement unless `replace: false`, weighted by `p`
 * when given: JAX's `random.choice`, with the same result.
 */
export function choice(key: Key, a: number | ArrayLike, options?: ChoiceOptions): Tracer {
  const call = "random.choice";
  const k = checkKey(call, key);
  const { shape = [], replace: rep, p, axis = 0 } = readOptions(call, options, ["shape", "replace", "p", "axis"]);
  const replace = flagOption(call, "replace", rep, true);
  const s = shapeArg(call, shape);
  const arr = typeof a === "number" ? null : asArray(a, call);
  if (arr && arr.ndim === 0) throw new ShapeError(`${call}: a is a scalar array; expected a JS integer (a range) or an array of rank >= 1`);
  const ax = arr ? axisArg(call, axis, arr.ndim) : 0;
  const n = arr ? arr.shape[ax] : integerArg(call, "a", a, -Infinity);
  const draws = s.reduce((x, y) => x * y, 1);
  const outShape = arr ? [...arr.shape.slice(0, ax), ...s, ...arr.shape.slice(ax + 1)] : s;
  const dtype: DType = arr ? arr.dtype : "int32";
  if (draws === 0) return broadcastTo(asArray(0, call, dtype), outShape, call);
  if (n <= 0) throw new ValueError(`${call}: a has ${n} entries to choose from; expected at least one unless no samples are taken`);
  if (!replace && draws > n) throw new ValueError(`${call}: cannot take ${draws} samples from ${n} entries with replace: false`);
  const pick = (ind: Tracer) => (arr ? take(arr, ind, ax) : ind);
  if (p === undefined) {
    if (replace) return pick(randint(k, s, 0, n));
    const perm = permutation(k, arr ?? n, { axis: ax });
    const limit = perm.shape.map((d, i) => (i === ax ? draws : d));
    return lax.reshape(lax.slice(perm, perm.shape.map(() => 0), limit), outShape);
  }
  let pa = asArray(p, call);
  if (!isFloat(pa.dtype)) pa = cast(pa, "float32");
  if (pa.ndim !== 1 || pa.shape[0] !== n) {
    throw new ShapeError(`${call}: p has shape ${fmtShape(pa.shape)}; expected [${n}], one probability per entry of a`);
  }
  const ind = replace ? searchCumulative(k, pa, s) : topK(lax.add(gumbel(k, [n], pa.dtype), lax.log(pa)), draws);
  return lax.reshape(pick(ind), outShape);
}

/** Draws by inverting the cumulative weights: the first index whose running sum reaches total · (1 - u). */
function searchCumulative(key: Key, p: Tracer, shape: Shape): Tracer {
  const n = p.shape[0];
  const cum = lax.cumsum(p, 0);
  const total = lax.reshape(lax.slice(cum, [n - 1], [n]), []);
  const u = uniform(key, shape, { dtype: p.dtype });
  const r = lax.mul(broadcastTo(total, shape, "random.choice"), lax.sub(fullLikeScalar(u, 1), u));
  const grid = [...shape, n];
  const below = lax.lt(lax.broadcastInDim(cum, grid, [shape.length]), lax.broadcastInDim(r, grid, shape.map((_, i) => i)));
  return lax.reduceSum(cast(below, "int32"), [shape.length]);
}

/** The indices of the k largest values of a vector, largest first, ties to the lower index (`lax.top_k`). */
function topK(values: Tracer, count: number): Tracer {
  const n = values.shape[0];
  const order = sortedPositions(lax.reshape(values, [1, n]), "descending");
  return lax.reshape(lax.slice(order, [0, 0], [1, count]), [count]);
}
