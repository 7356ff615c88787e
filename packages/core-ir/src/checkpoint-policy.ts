/**
 * Residual policies of `checkpoint`: which values computed by the forward pass may be kept
 * for the backward pass. A residual not saveable is recomputed there, from the checkpoint's
 * inputs and the saveable residuals. As in JAX: `"nothing_saveable"` (the default),
 * `"everything_saveable"`, `"dots_saveable"`, or a predicate over the equation that
 * computes a residual.
 */
import { ValueError } from "./errors.js";
import type { Params, Prim } from "./registry.js";
import type { ShapedArray } from "./shape.js";

/** What a predicate policy sees of the equation that computes a residual. */
export type SaveablePredicate = (prim: Prim, params: Params<Prim>, avals: readonly ShapedArray[]) => boolean;

let nextPolicyId = 0;

/** A policy: a name (printed in programs) and the predicate. Compared by identity. */
export class SavePolicy {
  readonly id = ++nextPolicyId;
  constructor(
    readonly name: string,
    readonly saveable: SaveablePredicate,
  ) {}
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

/** A policy from what a user passes: a name, a predicate, or a policy. */
export function toPolicy(policy: unknown, call: string): SavePolicy {
  if (policy === undefined) return policies.nothing_saveable;
  if (policy instanceof SavePolicy) return policy;
  if (typeof policy === "string") {
    if (policy in policies) return policies[policy as PolicyName];
    throw new ValueError(`${call}: unknown policy '${policy}'; expected one of ${Object.keys(policies).map((p) => `'${p}'`).join(", ")} or a predicate (prim, params, avals) => boolean`);
  }
  if (typeof policy === "function") return new SavePolicy(policy.name || "custom", policy as SaveablePredicate);
  throw new ValueError(`${call}: policy must be a policy name or a predicate function, got ${policy === null ? "null" : typeof policy}`);
}
