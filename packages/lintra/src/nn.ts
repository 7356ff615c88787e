/** Neural-network functions, numerically stable for large inputs. */
import { type DType, type Tracer, assertDType } from "@lintra/core-ir";
import * as lax from "./lax.js";
import { type ArrayLike, asArray, elementwise, promoteArgs, toInexact } from "./operands.js";
import { flagOption, integerArg, readOptions, reduceAxes } from "./np/arguments.js";
import { arange, astype } from "./np/creation.js";
import { add, divide, negative, subtract } from "./np/arithmetic.js";
import { exp, log, log1p, stopGradient } from "./np/math.js";
import { equal, greater, isfinite, where } from "./np/logic.js";
import { type Axis, type ReduceOptions, max, sum } from "./np/reductions.js";
import { expandDims, squeeze } from "./np/shape.js";

/** max(x, 0), written as a select so that relu'(0) = 0. */
export function relu(x: ArrayLike): Tracer {
  const a = asArray(x, "nn.relu");
  return where(greater(a, 0), a, 0);
}

/** The logistic function 1 / (1 + e^-x). */
export function sigmoid(x: ArrayLike): Tracer {
  return elementwise("nn.sigmoid", [x], lax.logistic, toInexact);
}

/**
 * log(1 + e^x), as x + log1p(e^-x) for x > 0 and log1p(e^x) otherwise: no overflow for
 * large |x|, and smooth at 0 (each branch is smooth, and each branch's input is clamped to
 * its own side, so the branch not taken has no inf whose gradient could turn into NaN).
 * Its derivatives are sigmoid's, at every order: softplus''(0) = 1/4.
 */
export function softplus(x: ArrayLike): Tracer {
  const [a] = promoteArgs("nn.softplus", [x], toInexact);
  const positive = greater(a, 0);
  const above = where(positive, a, 0);
  const below = where(positive, 0, a);
  return where(positive, add(above, log1p(exp(negative(above)))), log1p(exp(below)));
}

/**
 * The maximum along the axes as a constant shift: zero where it is not finite (all -Inf
 * inputs), and with no gradient (the results do not depend on the shift).
 */
function stableShift(x: Tracer, axes: readonly number[]): Tracer {
  const m = stopGradient(max(x, axes, { keepdims: true }));
  return where(isfinite(m), m, 0);
}

/** The operand as a float array and the axes, checked under the composite's own name before any inner op sees them. */
function operandAndAxes(op: string, x: ArrayLike, axis: unknown, optionsThird = false): [Tracer, number[]] {
  const [a] = promoteArgs(op, [x], toInexact);
  return [a, reduceAxes(op, axis, a.ndim, optionsThird)];
}

/** log(sum(exp(x))) along the axes (all when omitted), computed after subtracting the maximum. */
export function logsumexp(x: ArrayLike, axis: Axis = null, options?: ReduceOptions): Tracer {
  const op = "nn.logsumexp";
  const keepdims = flagOption(op, "keepdims", readOptions(op, options, ["keepdims"]).keepdims, false);
  const [a, axes] = operandAndAxes(op, x, axis, true);
  const shift = stableShift(a, axes);
  const out = add(log(sum(exp(subtract(a, shift)), axes, { keepdims: true })), shift);
  return keepdims ? out : squeeze(out, axes);
}

/** x - logsumexp(x) along `axis` (the last by default). */
export function logSoftmax(x: ArrayLike, axis: Axis = -1): Tracer {
  const [a, axes] = operandAndAxes("nn.logSoftmax", x, axis);
  const shifted = subtract(a, stableShift(a, axes));
  return subtract(shifted, log(sum(exp(shifted), axes, { keepdims: true })));
}

/** exp(x) / sum(exp(x)) along `axis` (the last by default); sums to 1. */
export function softmax(x: ArrayLike, axis: Axis = -1): Tracer {
  const [a, axes] = operandAndAxes("nn.softmax", x, axis);
  const unnormalized = exp(subtract(a, stableShift(a, axes)));
  return divide(unnormalized, sum(unnormalized, axes, { keepdims: true }));
}

/** One-hot rows: out[..., k] = 1 where labels[...] == k, for k < numClasses (a non-negative integer). */
export function oneHot(labels: ArrayLike, numClasses: number, options?: { dtype?: DType }): Tracer {
  const op = "nn.oneHot";
  const { dtype = "float32" } = readOptions(op, options, ["dtype"]);
  const depth = integerArg(op, "numClasses", numClasses);
  const l = asArray(labels, op);
  return astype(equal(expandDims(l, -1), arange(depth)), assertDType(dtype, op));
}
