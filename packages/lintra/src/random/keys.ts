/**
 * Keys: int32[2] arrays holding the two uint32 words of JAX's raw threefry2x32 key. Making,
 * splitting and folding data into keys follows JAX with `jax_threefry_partitionable` on
 * (its default since JAX 0.5), so the words equal JAX's for the same seed.
 */
import { DTypeError, type Shape, ShapeError, Tracer, ValueError, fmtShape } from "@lintra/core-ir";
import { fmtArg, sizesArg, shapeArg } from "../np/arguments.js";
import { hashArray, hashCounts, keyWords, stackWords, threefry2x32Words, word } from "./threefry.js";

/** A key: an int32 array of shape [2] (the uint32 words of a threefry2x32 key). */
export type Key = Tracer;

/** `key` checked to be one key, int32[2]; a typed error naming `call` otherwise. */
export function checkKey(call: string, key: unknown): Key {
  if (!(key instanceof Tracer)) {
    throw new ValueError(`${call}: key is ${fmtArg(key)}; expected a key array (int32[2]) from random.key, random.split or random.foldIn`);
  }
  if (key.dtype !== "int32") {
    throw new DTypeError(`${call}: key has dtype ${key.dtype} (${key.aval}); expected an int32[2] key from random.key, random.split or random.foldIn`);
  }
  if (key.shape.length !== 1 || key.shape[0] !== 2) {
    const hint = key.shape.length > 1 && key.shape[key.shape.length - 1] === 2 ? "; this is an array of keys: map over it with vmap, or index one" : "";
    throw new ShapeError(`${call}: key has shape ${fmtShape(key.shape)}; expected one key of shape [2]${hint}`);
  }
  return key;
}

/** A scalar integer argument (JS integer or int32 scalar array) as its uint32 word; JS numbers keep their low 32 bits. */
function wordArg(call: string, name: string, v: unknown, low32: boolean): Tracer {
  if (v instanceof Tracer) {
    if (v.dtype !== "int32") throw new DTypeError(`${call}: ${name} has dtype ${v.dtype} (${v.aval}); expected an integer (a JS number or an int32 scalar)`);
    if (v.ndim !== 0) throw new ShapeError(`${call}: ${name} has shape ${fmtShape(v.shape)}; expected a scalar (use vmap for a batch)`);
    return v;
  }
  const ok = typeof v === "number" && (low32 ? Number.isSafeInteger(v) : Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 32);
  if (!ok) {
    const range = low32 ? "a safe integer" : "an integer in [-2^31, 2^32)";
    throw new ValueError(`${call}: ${name} is ${fmtArg(v)}; expected ${range} or an int32 scalar array`);
  }
  return word(Number(BigInt.asUintN(32, BigInt(v))));
}

/**
 * A key from an integer seed, as JAX's `random.key` / `PRNGKey` make it with 32-bit
 * integers (the default, `jax_enable_x64` off): `[0, seed mod 2^32]`. The seed is a JS safe
 * integer (negative ones wrap: -1 gives [0, 4294967295]) or an int32 scalar array (so keys
 * can be made under jit and vmap).
 */
export function key(seed: number | Tracer): Key {
  return stackWords(word(0), wordArg("random.key", "seed", seed, true));
}

/** The same as `key` (JAX's legacy name; JAX's legacy keys are uint32[2] arrays, as these are). */
export function PRNGKey(seed: number | Tracer): Key {
  return stackWords(word(0), wordArg("random.PRNGKey", "seed", seed, true));
}

/**
 * `num` new keys, shape `[num, 2]` (or `[...num, 2]` for a shape): the keys JAX's
 * `random.split` gives. Key i equals `foldIn(key, i)` (JAX's partitionable split).
 */
export function split(key: Key, num: number | readonly number[] = 2): Tracer {
  const call = "random.split";
  const k = checkKey(call, key);
  if (!(Number.isInteger(num) || Array.isArray(num))) throw new ValueError(`${call}: num is ${fmtArg(num)}; expected a non-negative integer or a shape`);
  const shape: Shape = shapeArg(call, sizesArg(call, num));
  const [a, b] = hashCounts(k, shape);
  return stackWords(a, b);
}

/**
 * A new key from `key` and 32 bits of data (a JS integer in [-2^31, 2^32), negative ones as
 * their int32 bits, or an int32 scalar array): JAX's `random.fold_in`.
 */
export function foldIn(key: Key, data: number | Tracer): Key {
  const call = "random.foldIn";
  const k = checkKey(call, key);
  const d = wordArg(call, "data", data, false);
  const [k1, k2] = keyWords(k);
  const [a, b] = threefry2x32Words(k1, k2, word(0), d);
  return stackWords(a, b);
}

/**
 * JAX's `threefry_2x32(keypair, count)` (`jax.extend.random.threefry_2x32`): the raw
 * Threefry-2x32 hash of an int32 array of counts (uint32 bits) under `key`; the first half
 * of the flattened counts gives the first output words, the second half the second.
 */
export function threefry2x32(key: Key, count: Tracer): Tracer {
  const call = "random.threefry2x32";
  const k = checkKey(call, key);
  if (!(count instanceof Tracer) || count.dtype !== "int32") {
    throw new DTypeError(`${call}: count is ${fmtArg(count)}; expected an int32 array (uint32 bits)`);
  }
  return hashArray(k, count);
}
