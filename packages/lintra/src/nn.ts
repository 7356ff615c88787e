/** Neural-network functions, numerically stable for large inputs. */
import type { DType, Tracer } from "@lintra/core-ir";
import * as lax from "./lax.js";
import { type ArrayLike, asArray, elementwise, promoteArgs, toInexact } from "./operands.js";
import { arange, astype } from "./np/creation.js";
import { abs, add, divide, maximum, negative, subtract } from "./np/arithmetic.js";
import { exp, log, log1p, stopGradient } from "./np/math.js";
import { equal, greater, isfinite, where } from "./np/logic.js";
import { type Axis, type ReduceOptions, max, sum } from "./np/reductions.js";
import { expandDims, squeeze } from "./np/shape.js";

/** max(x, 0), written as a select so that relu'(0) = 0. */
export function relu(x: ArrayLike): Tracer {
  const a = asArray(x, "relu");
  return where(greater(a, 0), a, 0);
}

/** The logistic function 1 / (1 + e^-x). */
export function sigmoid(x: ArrayLike): Tracer {
  return elementwise("sigmoid", [x], lax.logistic, toInexact);
}

/** log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large |x|. */
export function softplus(x: ArrayLike): Tracer {
  const [a] = promoteArgs("softplus", [x], toInexact);
  return add(maximum(a, 0), log1p(exp(negative(abs(a)))));
}

/**
 * The maximum along the axes as a constant shift: zero where it is not finite (all -Inf
 * inputs), and with no gradient (the results do not depend on the shift).
 */
function stableShift(x: Tracer, axis: Axis): Tracer {
  const m = stopGradient(max(x, axis, { keepdims: true }));
  return where(isfinite(m), m, 0);
}

/** log(sum(exp(x))) along the axes (all when omitted), computed after subtracting the maximum. */
export function logsumexp(x: ArrayLike, axis: Axis = null, { keepdims = false }: ReduceOptions = {}): Tracer {
  const [a] = promoteArgs("logsumexp", [x], toInexact);
  const shift = stableShift(a, axis);
  const out = add(log(sum(exp(subtract(a, shift)), axis, { keepdims: true })), shift);
  return keepdims ? out : squeeze(out, axis);
}

/** x - logsumexp(x) along `axis` (the last by default). */
export function logSoftmax(x: ArrayLike, axis: Axis = -1): Tracer {
  const [a] = promoteArgs("logSoftmax", [x], toInexact);
  const shifted = subtract(a, stableShift(a, axis));
  return subtract(shifted, log(sum(exp(shifted), axis, { keepdims: true })));
}

/** exp(x) / sum(exp(x)) along `axis` (the last by default); sums to 1. */
export function softmax(x: ArrayLike, axis: Axis = -1): Tracer {
  const [a] = promoteArgs("softmax", [x], toInexact);
  const unnormalized = exp(subtract(a, stableShift(a, axis)));
  return divide(unnormalized, sum(unnormalized, axis, { keepdims: true }));
}

/** One-hot rows: out[..., k] = 1 where labels[...] == k, for k < numClasses. */
export function oneHot(labels: ArrayLike, numClasses: number, { dtype = "float32" }: { dtype?: DType } = {}): Tracer {
  const l = asArray(labels, "oneHot");
  return astype(equal(expandDims(l, -1), arange(numClasses)), dtype);
}
