/**
 * `random`: JAX's functional pseudo-random numbers. A key is an int32[2] array holding the
 * uint32 words of JAX's threefry2x32 key; every function is pure (same key, same numbers)
 * and built from lax ops, so it works under jit, vmap and scan like any array code. Split a
 * key rather than reuse it. The bits equal JAX's with its defaults (`jax_threefry_partitionable`
 * on, 32-bit integers).
 */
export { type Key, PRNGKey, foldIn, key, split, threefry2x32 } from "./random/keys.js";
export { type UniformOptions, bernoulli, bits, normal, randint, uniform } from "./random/samplers.js";
export { type ChoiceOptions, type PermutationOptions, choice, permutation } from "./random/shuffle.js";
