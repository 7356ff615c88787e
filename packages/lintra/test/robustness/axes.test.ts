/** Axis arguments and reduction options: each bad one is a typed error from the call that received it. */
import { expect, test } from "vitest";
import { ShapeError, ValueError, nn, np, setBackend } from "../../src/index.js";
import { type BadInput, describeBadInputs } from "./harness.js";

const x = () => np.array([[1, 2, 3], [4, 5, 6]]);

type Case = BadInput;

/** An options object given where the axis goes: the message says options go third. */
const optionsAsAxis: Case[] = [
  ["np.sum(x, { keepdims })", () => np.sum(x(), { keepdims: true } as never), ValueError, ["np.sum", "expected an integer", "options go third: np.sum(x, null, { keepdims: true })"]],
  ["np.mean(x, { keepdims })", () => np.mean(x(), { keepdims: true } as never), ValueError, ["np.mean", "options go third"]],
  ["np.max(x, { keepdims })", () => np.max(x(), { keepdims: false } as never), ValueError, ["np.max", "options go third"]],
  ["np.min(x, { keepdims })", () => np.min(x(), { keepdims: true } as never), ValueError, ["np.min", "options go third"]],
  ["np.prod(x, { keepdims })", () => np.prod(x(), { keepdims: true } as never), ValueError, ["np.prod", "options go third"]],
  ["np.argmax(x, { keepdims })", () => np.argmax(x(), { keepdims: true } as never), ValueError, ["np.argmax", "expected an integer or null", "options go third"]],
  ["np.argmin(x, { keepdims })", () => np.argmin(x(), { keepdims: true } as never), ValueError, ["np.argmin", "options go third"]],
  ["np.var(x, { ddof })", () => np.var(x(), { ddof: 1 } as never), ValueError, ["np.var", "options go third: np.var(x, null, { ddof: 1 })"]],
  ["x.sum({ keepdims })", () => x().sum({ keepdims: true } as never), ValueError, ["np.sum", "options go third"]],
  ["nn.logsumexp(x, { keepdims })", () => nn.logsumexp(x(), { keepdims: true } as never), ValueError, ["nn.logsumexp", "options go third"]],
];

/** Axes that are not numbers, lists of numbers or null. */
const wrongKinds: Case[] = [
  ['np.sum(x, "0")', () => np.sum(x(), "0" as never), ValueError, ["np.sum", '"0"', "expected an integer, an array of integers or null"]],
  ['x.mean("1")', () => x().mean("1" as never), ValueError, ["np.mean", '"1"', "expected"]],
  ['np.max(x, [0, "1"])', () => np.max(x(), [0, "1"] as never), ValueError, ["np.max", "expected an integer, an array of integers or null"]],
  ["np.any(x, true)", () => np.any(x(), true as never), ValueError, ["np.any", "true", "expected"]],
  ['np.argmax(x, [0])', () => np.argmax(x(), [0] as never), ValueError, ["np.argmax", "expected an integer or null"]],
  ['np.cumsum(x, "0")', () => np.cumsum(x(), "0" as never), ValueError, ["np.cumsum", "expected an integer or null"]],
  ["nn.softmax(x, {})", () => nn.softmax(x(), {} as never), ValueError, ["nn.softmax", "expected an integer"]],
  ["np.squeeze(x, 'a')", () => np.squeeze(x(), "a" as never), ValueError, ["np.squeeze", '"a"', "expected"]],
  ["np.transpose(x, 'ab')", () => np.transpose(x(), "ab" as never), ShapeError, ["np.transpose", "expected a permutation"]],
  ["np.moveaxis(x, null, 0)", () => np.moveaxis(x(), null as never, 0), ShapeError, ["np.moveaxis", "expected an axis"]],
  ["np.tensordot(x, x, 'all')", () => np.tensordot(x(), x(), "all" as never), ValueError, ["np.tensordot", "expected e.g. 2"]],
];

/** Fractional, NaN, out-of-range and repeated axes: ShapeErrors naming the call. */
const badNumbers: Case[] = [
  ["np.sum(x, 1.5)", () => np.sum(x(), 1.5), ShapeError, ["np.sum", "axis 1.5 is not an integer", "expected an integer in [-2, 1]"]],
  ["np.sum(x, NaN)", () => np.sum(x(), NaN), ShapeError, ["np.sum", "axis NaN is not an integer"]],
  ["np.sum(x, 2)", () => np.sum(x(), 2), ShapeError, ["np.sum", "axis 2 is out of range", "expected an integer in [-2, 1]"]],
  ["np.mean(x, -3)", () => np.mean(x(), -3), ShapeError, ["np.mean", "axis -3 is out of range"]],
  ["np.sum(x, [0, -2])", () => np.sum(x(), [0, -2]), ShapeError, ["np.sum", "repeated axis", "expected distinct axes"]],
  ["np.std(x, 5)", () => np.std(x(), 5), ShapeError, ["np.std", "axis 5", "expected"]],
  ["np.var(x, [Infinity])", () => np.var(x(), [Infinity]), ShapeError, ["np.var", "Infinity", "integer"]],
  ["np.argmax(x, 0.5)", () => np.argmax(x(), 0.5), ShapeError, ["np.argmax", "not an integer"]],
  ["np.all(x, 7)", () => np.all(x(), 7), ShapeError, ["np.all", "out of range"]],
  ["np.cumsum(x, -5)", () => np.cumsum(x(), -5), ShapeError, ["np.cumsum", "out of range"]],
  ["x.max(2)", () => x().max(2), ShapeError, ["np.max", "expected an integer in [-2, 1]"]],
  ["nn.softmax(x, 5)", () => nn.softmax(x(), 5), ShapeError, ["nn.softmax", "axis 5 is out of range", "expected an integer in [-2, 1]"]],
  ["nn.logSoftmax(x, 1.5)", () => nn.logSoftmax(x(), 1.5), ShapeError, ["nn.logSoftmax", "not an integer"]],
  ["nn.logsumexp(x, [0, 0])", () => nn.logsumexp(x(), [0, 0]), ShapeError, ["nn.logsumexp", "repeated axis"]],
  ["np.moveaxis(x, 0, 3)", () => np.moveaxis(x(), 0, 3), ShapeError, ["np.moveaxis", "axis 3 is out of range"]],
  ["np.swapaxes(x, 0, 0.5)", () => np.swapaxes(x(), 0, 0.5), ShapeError, ["np.swapaxes", "not an integer"]],
  ["np.transpose(x, [0, 0])", () => np.transpose(x(), [0, 0]), ShapeError, ["np.transpose", "not a permutation"]],
  ["np.flip(x, 2)", () => np.flip(x(), 2), ShapeError, ["np.flip", "out of range"]],
  ["np.expandDims(x, 1.5)", () => np.expandDims(x(), 1.5), ShapeError, ["np.expandDims", "not an integer"]],
  ["np.concatenate([x, x], 2)", () => np.concatenate([x(), x()], 2), ShapeError, ["np.concatenate", "out of range"]],
  ["np.stack([x, x], NaN)", () => np.stack([x(), x()], NaN), ShapeError, ["np.stack", "not an integer"]],
  ["np.take(x, [0], 1.5)", () => np.take(x(), [0], 1.5), ShapeError, ["np.take", "not an integer"]],
  ["np.takeAlongAxis(x, idx, 3)", () => np.takeAlongAxis(x(), [[0]], 3), ShapeError, ["np.takeAlongAxis", "out of range"]],
  ["np.tensordot(x, x, [[0], [5]])", () => np.tensordot(x(), x(), [[0], [5]]), ShapeError, ["np.tensordot", "axis 5"]],
];

/** Unknown option keys and option values of the wrong type. */
const badOptions: Case[] = [
  ["np.sum(x, 0, { keepdim })", () => np.sum(x(), 0, { keepdim: true } as never), ValueError, ["np.sum", "'keepdim'", "did you mean 'keepdims'", "expected 'keepdims'"]],
  ["x.mean(0, { keepDims })", () => x().mean(0, { keepDims: true } as never), ValueError, ["np.mean", "'keepDims'", "expected 'keepdims'"]],
  ["np.argmax(x, 0, { axis })", () => np.argmax(x(), 0, { axis: 1 } as never), ValueError, ["np.argmax", "'axis'", "expected 'keepdims'"]],
  ["np.var(x, 0, { dof })", () => np.var(x(), 0, { dof: 1 } as never), ValueError, ["np.var", "'dof'", "'ddof'"]],
  ["np.sum(x, 0, true)", () => np.sum(x(), 0, true as never), ValueError, ["np.sum", "options must be a plain object"]],
  ['np.sum(x, 0, { keepdims: "yes" })', () => np.sum(x(), 0, { keepdims: "yes" } as never), ValueError, ["np.sum", "keepdims", "expected true or false"]],
  ["np.std(x, 0, { ddof: NaN })", () => np.std(x(), 0, { ddof: NaN }), ValueError, ["np.std", "ddof is NaN", "expected a finite number"]],
  ["nn.logsumexp(x, 0, { keepdim })", () => nn.logsumexp(x(), 0, { keepdim: true } as never), ValueError, ["nn.logsumexp", "'keepdim'"]],
];

describeBadInputs(
  "axes and reduction options",
  {
    "options given as the axis": optionsAsAxis,
    "an axis of the wrong kind": wrongKinds,
    "a bad axis number": badNumbers,
    "bad options": badOptions,
  },
  () => {
    test("the accepted forms still work: null, undefined, numbers, lists, options third", () => {
      expect(np.sum(x(), null, { keepdims: true }).toArray()).toEqual([[21]]);
      expect(np.sum(x(), undefined, { keepdims: true }).shape).toEqual([1, 1]);
      expect(np.sum(x(), [1, 0]).item()).toBe(21);
      expect(x().max(-1).toArray()).toEqual([3, 6]);
      expect(np.argmax(x(), null, { keepdims: true }).toArray()).toEqual([[5]]);
      expect(nn.softmax(x(), [0, 1]).shape).toEqual([2, 3]);
    });
  },
);
