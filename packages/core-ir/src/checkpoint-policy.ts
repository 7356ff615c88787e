/**
 * Residual policies of `checkpoint`: which values computed by the forward pass may be kept
 * for the backward pass. A residual not saveable is recomputed there, from the checkpoint's
 * inputs and the saveable residuals. As in JAX: `"nothing_saveable"` (the default),
 * `"everything_saveable"`, `"dots_saveable"`, names (`checkpointName` with
 * `saveOnlyTheseNames`), or a predicate over the equation that computes a residual.
 */
import { ValueError } from "./errors.js";
import type { Params, Prim } from "./registry.js";
import type { ShapedArray } from "./shape.js";
import type { Tracer } from "./trace.js";

/** What a predicate policy sees of the equation that computes a residual. */
export type SaveablePredicate = (prim: Prim, params: Params<Prim>, avals: readonly ShapedArray[]) => boolean;

let nextPolicyId = 0;

/**
 * Randomized AD (Oktay et al., 2021): instead of a residual, a fraction `keep` of its entries
 * is saved — k = ceil(keep · n) of n, at positions i_j = (phase + j · ⌊n/k⌋) mod n — and the
 * backward pass reads the residual rebuilt from them, zero elsewhere and scaled by n/k. The
 * phase is uniform in [0, n), so every entry is kept with probability k/n and the rebuilt
 * residual is an unbiased estimate; each use of a residual gets its own draw, so products of
 * residuals along one path stay unbiased too. Positions are not stored: `phases` stages
 * the same random values on both sides from the policy's key.
 */
export interface Sparsifier {
  readonly keep: number;
  /**
   * For each draw i, a uniform int32 in [0, ns[i]), independently: one int32[ns.length]
   * array, from `key`: the checkpointed function's key argument (see `keyArgnum`), or null
   * for a policy that holds its own key. One call per program: a loop body draws all its
   * positions at once.
   */
  readonly phases: (ns: readonly number[], key: Tracer | null) => Tracer;
  /** Which positional argument of the checkpointed function is the key (one int32[2] array), if any. */
  readonly keyArgnum?: number;
  /**
   * Whether a residual is sparsified, given the primitives of the backward pass that read
   * it (one per use). Randomized AD as published samples the activations that weight
   * gradients read (dot_general operands) and keeps the derivatives on the backpropagation
   * path exact: sparsifying those multiplies the variance layer after layer.
   */
  readonly sparsifies: (readers: readonly Prim[]) => boolean;
}

/** A policy: a name (printed in programs), the predicate, and for randomized AD a sparsifier. Compared by identity. */
export class SavePolicy {
  readonly id = ++nextPolicyId;
  /** For a sparsifier with a key argument: the key's input index in the checkpoint's program. */
  readonly keyInput: number | null;
  private readonly withKey = new Map<number, SavePolicy>();
  constructor(
    readonly name: string,
    readonly saveable: SaveablePredicate,
    readonly sparsifier: Sparsifier | null = null,
    keyInput: number | null = null,
  ) {
    this.keyInput = keyInput;
  }
  /** This policy reading its key from input `index` of the checkpoint's program (one object per index). */
  withKeyInput(index: number): SavePolicy {
    let p = this.withKey.get(index);
    if (!p) this.withKey.set(index, (p = new SavePolicy(this.name, this.saveable, this.sparsifier, index)));
    return p;
  }
  toJSON(): string {
    return this.name;
  }
  toString(): string {
    return this.name;
  }
}

/** The policies JAX names (`jax.checkpoint_policies`), by their names. */
export const policies = {
  nothing_saveable: new SavePolicy("nothing_saveable", () => false),
  everything_saveable: new SavePolicy("everything_saveable", () => true),
  dots_saveable: new SavePolicy("dots_saveable", (prim) => prim === "dot_general"),
  dots_with_no_batch_dims_saveable: new SavePolicy(
    "dots_with_no_batch_dims_saveable",
    (prim, params) => prim === "dot_general" && (params as Params<"dot_general">).lhsBatch.length === 0,
  ),
} as const;

export type PolicyName = keyof typeof policies;

/** Save only the values named with `checkpointName(x, name)` for one of `names` (JAX's save_only_these_names). */
export function saveOnlyTheseNames(...names: (string | readonly string[])[]): SavePolicy {
  const wanted = new Set(names.flat());
  return new SavePolicy(`save_only_these_names(${[...wanted].join(",")})`, (prim, params) => prim === "name" && wanted.has((params as Params<"name">).name));
}

/** Save every value except those named for one of `names` (JAX's save_any_names_but_these). */
export function saveAnyNamesButThese(...names: (string | readonly string[])[]): SavePolicy {
  const unwanted = new Set(names.flat());
  return new SavePolicy(`save_any_names_but_these(${[...unwanted].join(",")})`, (prim, params) => prim !== "name" || !unwanted.has((params as Params<"name">).name));
}

/** A policy from what a user passes: a name, a predicate, or a policy. */
export function toPolicy(policy: unknown, call: string): SavePolicy {
  if (policy === undefined) return policies.nothing_saveable;
  if (policy instanceof SavePolicy) return policy;
  if (typeof policy === "string") {
    if (policy in policies) return policies[policy as PolicyName];
    throw new ValueError(`${call}: unknown policy '${policy}'; expected one of ${Object.keys(policies).map((p) => `'${p}'`).join(", ")}, saveOnlyTheseNames(...), or a predicate (prim, params, avals) => boolean`);
  }
  if (typeof policy === "function") return new SavePolicy(policy.name || "custom", policy as SaveablePredicate);
  throw new ValueError(`${call}: policy must be a policy name or a predicate function, got ${policy === null ? "null" : typeof policy}`);
}
