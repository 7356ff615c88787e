import { cpuBackend } from "@lintra/backend-cpu";
import { defineBackend } from "@lintra/core-ir";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DTypeError, ShapeError, UnsupportedPrimitiveError, ValueError, grad, jit, lax, makeProgram, np, random, setBackend, typecheck, vmap } from "../src/index.js";
import { bernoulliFrom, gumbel, normalFrom, randintFrom, uniformFrom } from "../src/random/samplers.js";
import type { BitSource } from "../src/random/threefry.js";

/*
 * Expected values come from JAX's own tests and documentation, each cited where it is used;
 * none was computed with lintra. Keys are int32[2] arrays holding uint32 words, read back
 * here as unsigned numbers.
 */

const u32 = (x: np.Array) => Array.from(x.dataSync() as Int32Array, (v) => v >>> 0);
const int32 = (v: number[] | number) => np.array(typeof v === "number" ? v | 0 : v.map((x) => x | 0), { dtype: "int32" });
const floats = (x: np.Array) => Array.from(x.dataSync() as Float32Array);
/** Printed with 2 decimals, as the docstrings quoted below print (round half to even aside). */
const twoDecimals = { rtol: 0, atol: 0.005 + 1e-6 };

describe("random.threefry2x32", () => {
  // tests/random_impl_test.py test_threefry2x32_kat_vectors and tests/random_test.py testThreefry2x32:
  // Random123's known-answer vectors (20 rounds).
  it.each([
    [[0, 0], [0, 0], [0x6b200159, 0x99ba4efe]],
    [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
    [[0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3], [0xc4923a9c, 0x483df7a0]],
  ])("key %j, counts %j: Random123's known answer", (key, counts, expected) => {
    expect(u32(random.threefry2x32(int32(key), int32(counts)))).toEqual(expected);
  });

  it("JAX's original split and bits (jax_threefry_partitionable off) are this hash of an iota", () => {
    // tests/random_test.py testPRNGValues: split(key(0), 4) with partitionable off is
    // threefry_2x32(key, iota(8)).reshape(4, 2) (_threefry_split_original).
    expect(u32(random.threefry2x32(random.key(0), np.arange(8)))).toEqual([2285895361, 1501764800, 1518642379, 4090693311, 433833334, 4221794875, 839183663, 3740430601]);
    // testRngRandomBits: bits(key(1701), (3,)) is threefry_2x32(key, iota(3)) (an odd count, padded).
    expect(u32(random.threefry2x32(random.key(1701), np.arange(3)))).toEqual([56197195, 4200222568, 961309823]);
    // _RANDOM_VALUES_CASES "bits", uint32, seed zlib.adler32(b"bitsthreefry2x32") = 942802475.
    expect(u32(random.threefry2x32(random.key(942802475), np.arange(5)))).toEqual([1978747883, 4134381225, 3628107870, 689687174, 2788938207]);
  });

  it("of no counts is empty (testThreefry2x32Empty)", () => {
    expect(random.threefry2x32(random.key(0), np.zeros([10, 0], { dtype: "int32" })).shape).toEqual([10, 0]);
  });
});

describe("random.key", () => {
  // tests/random_test.py test_prng_seeds_and_keys, the values without jax_enable_x64.
  it.each([
    [0, [0, 0]], [1, [0, 1]], [2, [0, 2]], [3, [0, 3]], [-1, [0, 4294967295]], [-2, [0, 4294967294]], [-3, [0, 4294967293]],
    [2147483647 + 100, [0, 2147483747]], [2147483647 + 101, [0, 2147483748]], [-2147483648 - 100, [0, 2147483548]], [-2147483648 - 101, [0, 2147483547]],
  ])("seed %d gives the key %j", (seed, expected) => {
    expect(u32(random.key(seed))).toEqual(expected);
    expect(u32(random.PRNGKey(seed))).toEqual(expected);
  });

  it("takes an int32 scalar array as the seed, so keys can be made under jit and vmap", () => {
    expect(u32(jit(random.key)(int32(-2)))).toEqual([0, 4294967294]);
    expect(u32(vmap(random.key)(int32([1, -1, 7])))).toEqual([0, 1, 0, 4294967295, 0, 7]);
    expect(makeProgram(random.key)(int32(3)).consts).toHaveLength(0);
  });
});

describe("random.split and random.foldIn", () => {
  it("foldIn(key(0), 4) is JAX's", () => {
    // tests/random_test.py testPRNGValues. fold_in is threefry_2x32(key, threefry_seed(data))
    // whether jax_threefry_partitionable is on or off (threefry_fold_in reads no flag).
    expect(u32(random.foldIn(random.key(0), 4))).toEqual([2285895361, 433833334]);
  });

  it("key i of split equals foldIn(key, i) (test_threefry_split_fold_in_symmetry)", () => {
    const key = random.key(72);
    const keys = random.split(key, 3);
    for (let i = 0; i < 3; i++) expect(u32(keys.slice(i))).toEqual(u32(random.foldIn(key, i)));
    // With testPRNGValues' fold_in: the last of split(key(0), 5).
    expect(u32(random.split(random.key(0), 5).slice(4))).toEqual([2285895361, 433833334]);
  });

  it("split takes a count or a shape; keys follow the flattened shape", () => {
    const key = random.key(5);
    expect(random.split(key).shape).toEqual([2, 2]);
    expect(random.split(key, 0).shape).toEqual([0, 2]);
    const grid = random.split(key, [2, 3]);
    expect(grid.shape).toEqual([2, 3, 2]);
    expect(u32(grid)).toEqual(u32(random.split(key, 6)));
  });

  it("foldIn data: JS integers as uint32 words (negative ones as int32 bits) or an int32 scalar", () => {
    const key = random.key(9);
    expect(u32(random.foldIn(key, 2 ** 32 - 1))).toEqual(u32(random.foldIn(key, -1)));
    expect(u32(random.foldIn(key, int32(12345)))).toEqual(u32(random.foldIn(key, 12345)));
    expect(u32(jit((k: np.Array, d: np.Array) => random.foldIn(k, d))(key, int32(3)))).toEqual(u32(random.foldIn(key, 3)));
  });
});

describe("random.uniform and random.bits with JAX's defaults", () => {
  it("match the values in JAX's documentation", () => {
    // jax/random.py, the module docstring: uniform(key(0)) and uniform of split(key(0))[1].
    expect(random.uniform(random.key(0)).item()).toBeAllclose(0.947667, { rtol: 1e-6 });
    expect(random.uniform(random.split(random.key(0)).slice(1)).item()).toBeAllclose(0.00729382, { rtol: 1e-6 });
    // docs/jep/9263-typed-keys.md: uniform(key(0), shape=(3,)).
    expect(random.uniform(random.key(0), [3])).toBeAllclose([0.947667, 0.9785799, 0.33229148], { rtol: 1e-6 });
    // The same value read through the bits: (bits >>> 9) · 2^-23.
    expect((u32(random.bits(random.key(0)))[0] >>> 9) * 2 ** -23).toBeAllclose(0.947667, { rtol: 1e-6 });
  });

  it("with minval and maxval, as the jnp.trunc, jnp.floor and jnp.ceil docstrings print them", () => {
    // jax/_src/numpy/lax_numpy.py trunc, jax/_src/numpy/ufuncs.py floor and ceil.
    const draw = (seed: number, lo: number, hi: number) => random.uniform(random.key(seed), [3, 3], { minval: lo, maxval: hi });
    expect(draw(42, -10, 10)).toBeAllclose([[-0.23, 3.6, 2.33], [1.22, -0.99, 1.72], [-8.5, 5.5, 3.98]], twoDecimals);
    expect(draw(42, -5, 5)).toBeAllclose([[-0.11, 1.8, 1.16], [0.61, -0.49, 0.86], [-4.25, 2.75, 1.99]], twoDecimals);
    expect(draw(1, -5, 5)).toBeAllclose([[-0.61, 0.34, -0.54], [-0.62, 3.97, 0.59], [4.84, 3.42, -1.14]], twoDecimals);
  });

  it("float64 is JAX's x64 formula: the top 52 of 64 random bits as the mantissa", () => {
    // With x64, JAX's 64 bits are the two hash words of the counts (hi, lo), which are also
    // the words of split(key, shape); the float is ((hi·2^32 + lo) >> 12) · 2^-52.
    const key = random.key(11);
    const words = u32(random.split(key, [64]));
    const expected = Array.from({ length: 64 }, (_, i) => Number(((BigInt(words[2 * i]) << 32n) | BigInt(words[2 * i + 1])) >> 12n) * 2 ** -52);
    const got = random.uniform(key, [64], { dtype: "float64" });
    expect(got.dtype).toBe("float64");
    expect(Array.from(got.dataSync())).toEqual(expected);
  });
});

describe("random.normal with JAX's defaults", () => {
  // jax/_src/scipy/fft.py, the dct docstring: dct(normal(key(0), (3, 3))) (type II, along the last axis).
  it("matches the jax.scipy.fft.dct docstring", () => {
    const x = random.normal(random.key(0), [3, 3]).toArray() as number[][];
    const dct = x.map((row) => row.map((_, k) => 2 * row.reduce((s, v, n) => s + v * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * row.length)), 0)));
    expect(dct).toBeAllclose([[6.43, 3.56, -2.86], [-1.75, 1.55, -1.4], [1.33, -2.01, -0.82]], twoDecimals);
  });

  // jax/_src/numpy/lax_numpy.py, the cov and corrcoef docstrings: normal(key(0), (3, 100)).
  it("matches the jnp.cov and jnp.corrcoef docstrings", () => {
    const x = random.normal(random.key(0), [3, 100], { dtype: "float32" }).toArray() as number[][];
    const mean = x.map((r) => r.reduce((a, b) => a + b, 0) / r.length);
    const cov = x.map((a, i) => x.map((b, j) => a.reduce((s, _, n) => s + (a[n] - mean[i]) * (b[n] - mean[j]), 0) / (a.length - 1)));
    expect(cov).toBeAllclose([[0.9, 0.03, 0.1], [0.03, 1, 0.01], [0.1, 0.01, 0.85]], twoDecimals);
    const corr = cov.map((r, i) => r.map((c, j) => c / Math.sqrt(cov[i][i] * cov[j][j])));
    expect(corr).toBeAllclose([[1, 0.03, 0.12], [0.03, 1, 0.01], [0.12, 0.01, 1]], twoDecimals);
  });
});

describe("the samplers on JAX's original bits (jax_threefry_partitionable off)", () => {
  // The bits JAX drew before partitionable became the default: _threefry_random_bits_original
  // (the hash of an iota over the flattened shape) and _threefry_split_original. Fed these,
  // the samplers must give the values JAX's tests recorded for that setting.
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const hashIota = (k: np.Array, n: number) => random.threefry2x32(k, lax.iota("int32", [n], 0));
  const ORIGINAL: BitSource = {
    bits32: (k, s) => lax.reshape(hashIota(k, size(s)), s),
    bits64: (k, s) => {
      const b = hashIota(k, 2 * size(s));
      return [lax.reshape(lax.slice(b, [0], [size(s)]), s), lax.reshape(lax.slice(b, [size(s)], [2 * size(s)]), s)];
    },
    split2: (k) => {
      const b = hashIota(k, 4);
      return [lax.slice(b, [0], [2]), lax.slice(b, [2], [4])];
    },
  };
  const full = (v: number, dtype: np.DType, s = [5]) => np.full(s, v, { dtype });
  // tests/random_test.py _RANDOM_VALUES_CASES (threefry2x32, shape (5,)); each key is
  // random.key(zlib.adler32(name + "threefry2x32")).
  it("uniform, normal, randint and bernoulli give _RANDOM_VALUES_CASES", () => {
    expect(uniformFrom(ORIGINAL, random.key(1338574713), [5], "float32", full(0, "float32"), full(1, "float32"))).toBeAllclose(
      [0.298671, 0.073213, 0.873356, 0.260549, 0.412797], { rtol: 1e-5 },
    );
    expect(normalFrom(ORIGINAL, random.key(1193674498), [5], "float32")).toBeAllclose([-1.173234, -1.511662, 0.070593, -0.099764, 1.052845], { rtol: 1e-5 });
    expect(randintFrom(ORIGINAL, random.key(1319372649), [5], full(0, "int32"), full(10, "int32")).toArray()).toEqual([0, 5, 7, 7, 5]);
    expect(bernoulliFrom(ORIGINAL, random.key(1612777541), full(0.5, "float32"), [5]).toArray()).toEqual([false, true, true, true, false]);
  });
  it("randint gives testPRNGValues' randint(key(0), (3, 3), 0, 8)", () => {
    expect(randintFrom(ORIGINAL, random.key(0), [3, 3], full(0, "int32", [3, 3]), full(8, "int32", [3, 3])).toArray()).toEqual([[2, 1, 3], [6, 1, 5], [6, 3, 4]]);
  });
});

describe("statistics (bounds that no key fails at any reasonable rate)", () => {
  const n = 100_000;
  const mean = (x: np.Array) => np.mean(x.astype("float64")).item();
  it("uniform: in [minval, maxval), mean within 6σ", () => {
    const u = random.uniform(random.key(123), [n]);
    expect(np.min(u).item()).toBeGreaterThanOrEqual(0);
    expect(np.max(u).item()).toBeLessThan(1);
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(6 * Math.sqrt(1 / 12 / n));
    const v = random.uniform(random.key(4), [n], { minval: -3, maxval: 5, dtype: "float64" });
    expect(np.min(v).item()).toBeGreaterThanOrEqual(-3);
    expect(Math.abs(mean(v) - 1)).toBeLessThan(6 * 8 * Math.sqrt(1 / 12 / n));
  });
  it.each(["float32", "float64"] as const)("normal %s: mean and variance within 6σ", (dtype) => {
    const z = random.normal(random.key(77), [n], { dtype });
    expect(Math.abs(mean(z))).toBeLessThan(6 / Math.sqrt(n));
    expect(Math.abs(mean(z.mul(z)) - 1)).toBeLessThan(6 * Math.sqrt(2 / n));
  });
  it("bernoulli: the frequency of true within 6σ of p", () => {
    const b = random.bernoulli(random.key(5), 0.3, [n]);
    expect(b.dtype).toBe("bool");
    expect(Math.abs(mean(b) - 0.3)).toBeLessThan(6 * Math.sqrt(0.21 / n));
    expect((random.bernoulli(random.key(5), np.array([0, 1, 0.5])).toArray() as boolean[]).slice(0, 2)).toEqual([false, true]);
  });
  it("randint: every value in range, each count within 6σ; an empty range gives minval", () => {
    const r = u32(random.randint(random.key(8), [n], 0, 10));
    const counts = new Array(10).fill(0);
    for (const v of r) counts[v]++;
    for (const c of counts) expect(Math.abs(c - n / 10)).toBeLessThan(6 * Math.sqrt(n * 0.09));
    expect(random.randint(random.key(8), [4], 5, 5).toArray()).toEqual([5, 5, 5, 5]);
    expect(random.randint(random.key(8), [2], np.array([3, 9], { dtype: "int32" }), 1).toArray()).toEqual([3, 9]);
    const wide = Array.from(random.randint(random.key(8), [1000], -(2 ** 31), 2 ** 31 - 1).dataSync());
    expect(wide.some((v) => v < -(2 ** 30)) && wide.some((v) => v > 2 ** 30)).toBe(true);
  });
  it("same key, same numbers; split keys give different numbers", () => {
    const key = random.key(31);
    expect(u32(random.bits(key, [100]))).toEqual(u32(random.bits(key, [100])));
    const keys = random.split(key, 2);
    expect(u32(random.bits(keys.slice(0), [100]))).not.toEqual(u32(random.bits(keys.slice(1), [100])));
    expect(u32(random.bits(keys.slice(0), [100]))).not.toEqual(u32(random.bits(key, [100])));
  });
  it("permutation and choice: permutations, distinct draws without replacement, weights respected", () => {
    for (const m of [1, 7, 1000, 2000]) expect(u32(random.permutation(random.key(m), m)).sort((a, b) => a - b)).toEqual([...Array(m).keys()]);
    const rows = random.permutation(random.key(2), np.arange(12).reshape([4, 3]));
    expect((rows.toArray() as number[][]).map((r) => r[0] / 3).sort()).toEqual([0, 1, 2, 3]);
    const each = random.permutation(random.key(2), np.arange(12).reshape([3, 4]), { axis: 1, independent: true }).toArray() as number[][];
    each.forEach((r, i) => expect([...r].sort((a, b) => a - b)).toEqual([0, 1, 2, 3].map((j) => 4 * i + j)));
    expect(new Set(u32(random.choice(random.key(3), 50, { shape: [20], replace: false }))).size).toBe(20);
    const weighted = u32(random.choice(random.key(3), 3, { shape: [5000], p: np.array([0, 0.25, 0.75]) }));
    expect(weighted.includes(0)).toBe(false);
    expect(Math.abs(weighted.filter((v) => v === 2).length / 5000 - 0.75)).toBeLessThan(6 * Math.sqrt(0.1875 / 5000));
    expect(new Set(u32(random.choice(random.key(3), 6, { shape: [3], replace: false, p: np.array([1, 1, 1, 0, 1, 1]) }))).has(3)).toBe(false);
    expect(random.choice(random.key(3), np.array([[1, 2], [3, 4], [5, 6]]), { shape: [4] }).shape).toEqual([4, 2]);
  });
});

describe("permutation and choice are JAX's sorts", () => {
  /** Positions of `keys` in ascending order, ties by position (a stable sort), in JS. */
  const argsort = (keys: number[], before: (a: number, b: number) => boolean) =>
    keys.map((_, i) => i).sort((i, j) => (before(keys[i], keys[j]) ? -1 : before(keys[j], keys[i]) ? 1 : i - j));

  it.each([[5, 1], [1000, 1], [2000, 2]])("permutation(key, %i): %i round(s) of a stable sort by fresh random bits (_shuffle)", (n, rounds) => {
    // num_rounds = ceil(3 · ln(n) / ln(2^32 - 1)); each round: key, subkey = split(key); sort by bits(subkey).
    expect(Math.ceil((3 * Math.log(n)) / Math.log(2 ** 32 - 1))).toBe(rounds);
    let key = random.key(n);
    let x = [...Array(n).keys()];
    for (let r = 0; r < rounds; r++) {
      const keys = random.split(key);
      key = keys.slice(0);
      x = argsort(u32(random.bits(keys.slice(1), [n])), (a, b) => a < b).map((i) => x[i]);
    }
    expect(u32(random.permutation(random.key(n), n))).toEqual(x);
  });

  it("choice without replacement, weighted: the top k of Gumbel noise plus log p, ties to the lower index", () => {
    const p = np.array([0.1, 0.3, 0.05, 0.2, 0.15, 0.2]);
    const g = floats(gumbel(random.key(4), [6], "float32").add(np.log(p)));
    expect(u32(random.choice(random.key(4), 6, { shape: [4], replace: false, p }))).toEqual(argsort(g, (a, b) => a > b).slice(0, 4));
  });
});

describe.each(["cpu", "wasm"])("random under transformations on %s", (backend) => {
  beforeAll(() => setBackend(backend));
  afterAll(() => setBackend("cpu"));

  const draws = (key: np.Array) => [random.bits(key, [7]), random.uniform(key, [7]), random.normal(key, [3, 2]), random.randint(key, [5], -4, 9), random.permutation(key, 9), random.bernoulli(key, 0.4, [6])];
  const read = (xs: np.Array[]) => xs.map((x) => Array.from(x.dataSync()));

  it("gives the same bits and numbers as on cpu, eager and under jit", () => {
    setBackend("cpu");
    const onCpu = read(draws(random.key(2024)));
    setBackend(backend);
    const key = random.key(2024);
    const eager = read(draws(key));
    expect(eager).toEqual(onCpu);
    expect(read(jit(draws)(key))).toEqual(eager);
    const program = makeProgram(draws)(key);
    typecheck(program);
    expect(program.consts).toHaveLength(0);
  });

  it("vmap over a batch of keys equals a loop over the keys", () => {
    const keys = random.split(random.key(6), 4);
    const f = (k: np.Array) => draws(k);
    const batched = read(vmap(f)(keys));
    const looped = [0, 1, 2, 3].map((i) => read(f(keys.slice(i))));
    batched.forEach((b, j) => expect(b).toEqual(looped.flatMap((l) => l[j])));
    expect(u32(vmap((k: np.Array) => random.split(k, 3))(keys))).toEqual([0, 1, 2, 3].flatMap((i) => u32(random.split(keys.slice(i), 3))));
  });

  it("lax.scan with a key in the carry, split each step, equals the unrolled loop", () => {
    const step = (key: np.Array): [np.Array, np.Array] => {
      const keys = random.split(key);
      return [keys.slice(0), random.normal(keys.slice(1), [2])];
    };
    const [last, ys] = lax.scan((k: np.Array) => step(k), random.key(0), null, { length: 5 });
    let key = random.key(0);
    const unrolled: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [next, y] = step(key);
      key = next;
      unrolled.push(...floats(y));
    }
    expect(floats(ys)).toEqual(unrolled);
    expect(u32(last)).toEqual(u32(key));
    expect(floats(jit(() => lax.scan((k: np.Array) => step(k), random.key(0), null, { length: 5 })[1])())).toEqual(unrolled);
  });

  it("noise drawn inside grad and jit is a constant of the derivative", () => {
    const key = random.key(3);
    const f = (x: np.Array) => np.sum(x.mul(random.normal(key, [4])));
    expect(grad(jit(f))(np.ones([4]))).toBeAllclose(random.normal(key, [4]), { rtol: 0, atol: 0 });
  });
});

describe("typed errors for bad input", () => {
  const key = random.key(0);
  it("a key of the wrong kind, dtype or shape", () => {
    expect(() => random.split([0, 1] as never)).toThrow(ValueError);
    expect(() => random.uniform(np.array([0, 1]))).toThrow(DTypeError);
    expect(() => random.normal(int32([0, 1, 2]))).toThrow(ShapeError);
    expect(() => random.bits(random.split(key, 3))).toThrow(/an array of keys: map over it with vmap/);
  });
  it("seeds, counts and data that are not integers", () => {
    expect(() => random.key(1.5)).toThrow(ValueError);
    expect(() => random.key(np.array(1.5))).toThrow(DTypeError);
    expect(() => random.key(int32([1, 2]))).toThrow(ShapeError);
    expect(() => random.split(key, 2.5)).toThrow(ValueError);
    expect(() => random.split(key, -1)).toThrow(ShapeError);
    expect(() => random.foldIn(key, 2 ** 32)).toThrow(ValueError);
    expect(() => random.foldIn(key, int32([1, 2]))).toThrow(ShapeError);
  });
  it("dtypes, bounds and shapes the samplers refuse", () => {
    expect(() => random.uniform(key, [3], { dtype: "int32" })).toThrow(DTypeError);
    expect(() => random.uniform(key, [3], { minval: np.zeros([4]) })).toThrow(ShapeError);
    expect(() => random.uniform(key, [3], { minvalue: 0 } as never)).toThrow(/minvalue/);
    expect(() => random.normal(key, [-1])).toThrow(ShapeError);
    expect(() => random.bernoulli(key, int32(1))).toThrow(DTypeError);
    expect(() => random.bernoulli(key, np.ones([3]), [2])).toThrow(ShapeError);
    expect(() => random.randint(key, [2], 0, 2 ** 31)).toThrow(ValueError);
    expect(() => random.randint(key, [2], 0, 5, { dtype: "float32" })).toThrow(DTypeError);
    expect(() => random.choice(key, 3, { shape: [4], replace: false })).toThrow(ValueError);
    expect(() => random.choice(key, 0, { shape: [1] })).toThrow(ValueError);
    expect(() => random.choice(key, 3, { p: np.ones([4]) })).toThrow(ShapeError);
    expect(() => random.permutation(key, np.array(3, { dtype: "int32" }))).toThrow(ShapeError);
  });
  it("a backend without the shift kernels (as backend-gpujs) refuses by name, never draws wrong bits", () => {
    const { shift_left: _, ...kernels } = cpuBackend.kernels;
    setBackend(defineBackend({ ...cpuBackend, name: "cpu-without-shifts", kernels }));
    try {
      expect(() => random.uniform(random.key(0), [3])).toThrow(UnsupportedPrimitiveError);
      expect(() => random.uniform(random.key(0), [3])).toThrow(/shift_left/);
    } finally {
      setBackend("cpu");
    }
  });
});
