/**
 * Randomized AD (Oktay et al., "Randomized Automatic Differentiation", 2021) as a residual
 * policy: `checkpoint(f, { policy: rad({ keep: 0.1, key }) })`. Every residual is saved, but
 * the activations that matrix products read in the backward pass (what weight gradients
 * need; `residuals: "all"` takes every float residual `f` computed) are kept as a random
 * fraction `keep` of their entries, one independent draw per use, and rebuilt (zero
 * elsewhere, scaled by 1/keep) in the backward pass: the gradient is an unbiased estimate
 * whose memory shrinks with `keep` and whose variance grows as `keep` falls.
 *
 * Why a policy for `checkpoint` rather than an option of `vjp`: `vjp(f, ...primals)` takes any
 * number of primals, so it has no place for options; and which residuals to keep is a
 * property of the function being differentiated, not of one call — as a checkpoint policy it
 * composes with `grad`, `valueAndGrad`, `vjp`, `jit`, `vmap` and `lax.scan` like the others.
 * The key: `key` fixes one for the policy (a one-off `vjp`); `keyArgnum` names the
 * checkpointed function's argument that carries it, so that a training step takes a fresh
 * key per call (`random.split`) without the function being staged again — and under `jit`,
 * where the key is traced.
 */
import { SavePolicy, ValueError, checkArgnums, checkOptions } from "@lintra/core-ir";
import * as np from "./np/index.js";
import { type Key, checkKey } from "./random/keys.js";
import { randint } from "./random/samplers.js";

export interface RadOptions {
  /** The fraction of each residual's entries kept, in (0, 1]. */
  readonly keep: number;
  /** The key the positions are drawn from (every use of every residual gets its own draw)… */
  readonly key?: Key;
  /** … or the positional argument of the checkpointed function that is the key. */
  readonly keyArgnum?: number;
  /**
   * Which residuals are sampled: `"matmul"` (default), those only matrix products read —
   * the activations weight gradients need, as in the paper; `"all"`, every float residual
   * computed inside (derivatives on the backpropagation path too: far more variance).
   */
  readonly residuals?: "matmul" | "all";
}

export function rad(options: RadOptions): SavePolicy {
  if (typeof options !== "object" || options === null) throw new ValueError(`rad: expected { keep, key } or { keep, keyArgnum }, got ${options === null ? "null" : typeof options}`);
  checkOptions("rad", options, ["keep", "key", "keyArgnum", "residuals"]);
  const { keep, key, keyArgnum, residuals = "matmul" } = options;
  if (residuals !== "matmul" && residuals !== "all") throw new ValueError(`rad: residuals is ${String(residuals)}; expected "matmul" or "all"`);
  if (typeof keep !== "number" || !(keep > 0 && keep <= 1)) throw new ValueError(`rad: keep is ${String(keep)}; expected a fraction in (0, 1]`);
  if ((key === undefined) === (keyArgnum === undefined)) throw new ValueError("rad: expected exactly one of key (a key array) and keyArgnum (the argument that is the key)");
  if (key !== undefined) checkKey("rad", key);
  if (keyArgnum !== undefined && (typeof keyArgnum !== "number" || checkArgnums("rad", keyArgnum, "keyArgnum").length !== 1)) {
    throw new ValueError(`rad: keyArgnum is ${String(keyArgnum)}; expected one argument index`);
  }
  const phases = (ns: readonly number[], argKey: Key | null) => randint(argKey ?? key!, [ns.length], 0, np.array([...ns], { dtype: "int32" }));
  const sparsifies = residuals === "all" ? () => true : (readers: readonly string[]) => readers.length > 0 && readers.every((p) => p === "dot_general");
  return new SavePolicy(`rad(keep=${keep}${residuals === "all" ? " residuals=all" : ""})`, () => true, { keep, phases, keyArgnum, sparsifies });
}
