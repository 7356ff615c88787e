/**
 * Threefry-2x32 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011),
 * written with lax ops the way JAX's `_threefry2x32_lowering` writes it: 32-bit words are
 * int32 arrays holding the uint32 bits (wrapping add is the same bit pattern), and a rotate
 * is `(x << r) | (x >>> (32 - r))`. Everything is staged like any lax code.
 */
import { ConcreteArray, type Shape, type Tracer } from "@lintra/core-ir";
import * as lax from "../lax.js";

/** A uint32 constant, stored as the int32 with its bits. */
export const word = (v: number): Tracer => ConcreteArray.scalar(v | 0, "int32");

/** The uint32 constant `v` broadcast to `shape`. */
export function words(shape: Shape, v: number): Tracer {
  const s = word(v);
  return shape.length === 0 ? s : lax.broadcastInDim(s, shape, []);
}

const ROTATIONS = [
  [13, 15, 26, 6],
  [17, 29, 16, 24],
] as const;

/** The key-schedule parity constant of Threefry (Skein's C240). */
const PARITY = 0x1bd11bda;

/**
 * The Threefry-2x32 block cipher with 20 rounds: key words `k1`, `k2` (scalars, or arrays
 * of the counts' shape) applied to the count words `x1`, `x2` (one shape). Returns the two
 * output words, as JAX's `threefry2x32_p` does.
 */
export function threefry2x32Words(k1: Tracer, k2: Tracer, x1: Tracer, x2: Tracer): [Tracer, Tracer] {
  const shape = x1.shape;
  const consts = new Map<number, Tracer>();
  const k = (v: number) => consts.get(v) ?? (consts.set(v, words(shape, v)), consts.get(v)!);
  const wide = (x: Tracer) => (x.ndim === shape.length ? x : lax.broadcastInDim(x, shape, []));
  const rotl = (x: Tracer, r: number) => lax.or(lax.shiftLeft(x, k(r)), lax.shiftRightLogical(x, k(32 - r)));
  const ks = [wide(k1), wide(k2)];
  ks.push(lax.xor(lax.xor(ks[0], ks[1]), k(PARITY)));
  let [a, b] = [lax.add(x1, ks[0]), lax.add(x2, ks[1])];
  for (let i = 0; i < 5; i++) {
    for (const r of ROTATIONS[i % 2]) {
      a = lax.add(a, b);
      b = lax.xor(a, rotl(b, r));
    }
    a = lax.add(a, ks[(i + 1) % 3]);
    b = lax.add(lax.add(b, ks[(i + 2) % 3]), k(i + 1));
  }
  return [a, b];
}

/**
 * JAX's two uint32 count arrays for `shape`: the high and low words of a 64-bit iota over
 * the flattened shape (`prng.iota_2x32_shape`). Arrays never reach 2^32 elements, so the
 * high word is 0.
 */
export function iota2x32(shape: Shape): [Tracer, Tracer] {
  const size = shape.reduce((p, d) => p * d, 1);
  if (shape.length === 0) return [word(0), word(0)];
  const flat = lax.iota("int32", [size], 0);
  const lo = shape.length === 1 ? flat : lax.reshape(flat, shape);
  return [words(shape, 0), lo];
}

/** The two words of a key array (int32[2]) as scalars. */
export function keyWords(key: Tracer): [Tracer, Tracer] {
  return [lax.reshape(lax.slice(key, [0], [1]), []), lax.reshape(lax.slice(key, [1], [2]), [])];
}

/** Two word arrays of one shape stacked along a new last axis: `[..., 2]` keys. */
export function stackWords(a: Tracer, b: Tracer): Tracer {
  const shape = [...a.shape, 1];
  return lax.concatenate([lax.reshape(a, shape), lax.reshape(b, shape)], a.ndim);
}

/** The hash of the partitionable counts of `shape` under `key`: both output words (JAX `_threefry_split_foldlike`). */
export function hashCounts(key: Tracer, shape: Shape): [Tracer, Tracer] {
  const [k1, k2] = keyWords(key);
  const [hi, lo] = iota2x32(shape);
  return threefry2x32Words(k1, k2, hi, lo);
}

/** 32 random bits per element of `shape` (JAX `_threefry_random_bits_partitionable`, bit width 32). */
export function randomBits(key: Tracer, shape: Shape): Tracer {
  const [a, b] = hashCounts(key, shape);
  return lax.xor(a, b);
}

/** Key `i` of `keys`, a `[n, 2]` array. */
export const keyAt = (keys: Tracer, i: number): Tracer => lax.reshape(lax.slice(keys, [i, 0], [i + 1, 2]), [2]);

/** Where the samplers take random bits and subkeys from. */
export interface BitSource {
  /** 32 bits per element (uint32 words as int32). */
  bits32(key: Tracer, shape: Shape): Tracer;
  /** 64 bits per element: the high and the low words. */
  bits64(key: Tracer, shape: Shape): [Tracer, Tracer];
  /** The two keys of `split(key)`. */
  split2(key: Tracer): [Tracer, Tracer];
}

/** JAX's threefry2x32 with `jax_threefry_partitionable` on, its default. */
export const PARTITIONABLE: BitSource = {
  bits32: randomBits,
  bits64: hashCounts,
  split2: (key) => {
    const [a, b] = hashCounts(key, [2]);
    const keys = stackWords(a, b);
    return [keyAt(keys, 0), keyAt(keys, 1)];
  },
};

/**
 * JAX's `threefry_2x32(keypair, count)`: the hash of a flat uint32 count array, whose first
 * half gives the first words and second half the second (an odd count is padded with 0).
 */
export function hashArray(key: Tracer, count: Tracer): Tracer {
  const n = count.size;
  const flat = lax.reshape(count, [n]);
  const padded = n % 2 ? lax.concatenate([flat, lax.reshape(word(0), [1])], 0) : flat;
  const half = (n + (n % 2)) / 2;
  const [k1, k2] = keyWords(key);
  const [a, b] = threefry2x32Words(k1, k2, lax.slice(padded, [0], [half]), lax.slice(padded, [half], [2 * half]));
  const out = lax.concatenate([a, b], 0);
  return lax.reshape(n % 2 ? lax.slice(out, [0], [n]) : out, count.shape);
}
