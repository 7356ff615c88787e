/** Bad shapes for reshape and broadcasting, and lists of arrays given as something else. */
import { expect, test } from "vitest";
import { ShapeError, ValueError, np, setBackend } from "../../src/index.js";
import { type BadInput, describeBadInputs } from "./harness.js";

const x = () => np.array([[1, 2, 3], [4, 5, 6]]);

type Case = BadInput;

const badReshapes: Case[] = [
  ["np.reshape(x, [2.5, 2])", () => np.reshape(x(), [2.5, 2]), ShapeError, ["np.reshape", "[2.5, 2]", "expected non-negative integers"]],
  ["np.reshape(x, [NaN])", () => np.reshape(x(), [NaN]), ShapeError, ["np.reshape", "[NaN]", "integers"]],
  ["np.reshape(x, [-2, -3])", () => np.reshape(x(), [-2, -3]), ShapeError, ["np.reshape", "[-2, -3]", "at most one -1"]],
  ["np.reshape(x, [-1, -1])", () => np.reshape(x(), [-1, -1]), ShapeError, ["np.reshape", "only one dimension can be -1"]],
  ["np.reshape(x, [4])", () => np.reshape(x(), [4]), ShapeError, ["np.reshape", "shape [2, 3] (size 6) into shape [4]", "sizes differ"]],
  ["np.reshape(x, [-1, 4])", () => np.reshape(x(), [-1, 4]), ShapeError, ["np.reshape", "do not divide"]],
  ['np.reshape(x, "6")', () => np.reshape(x(), "6" as never), ShapeError, ["np.reshape", 'shape "6"', "expected a shape like [2, 3]"]],
  ['np.reshape(x, [2, "3"])', () => np.reshape(x(), [2, "3"] as never), ShapeError, ["np.reshape", "not a number or an array of numbers"]],
  ["x.reshape(2, 1.5)", () => x().reshape(2, 1.5), ShapeError, ["np.reshape", "[2, 1.5]"]],
  ["x.reshape(Infinity)", () => x().reshape(Infinity), ShapeError, ["np.reshape", "[Infinity]"]],
];

const badBroadcasts: Case[] = [
  ["np.broadcastTo(x, [NaN, 3])", () => np.broadcastTo(x(), [NaN, 3]), ShapeError, ["np.broadcastTo", "[NaN, 3]", "expected an array of non-negative integers"]],
  ["np.broadcastTo(x, [2, 5])", () => np.broadcastTo(x(), [2, 5]), ShapeError, ["np.broadcastTo", "cannot broadcast an array of shape [2, 3] to shape [2, 5]"]],
  ["np.broadcastTo(x, 3.5)", () => np.broadcastTo(x(), 3.5), ShapeError, ["np.broadcastTo", "[3.5]"]],
  ["np.add(x, [1, 2])", () => np.add(x(), [1, 2]), ShapeError, ["np.add", "could not be broadcast together with shapes [2, 3] and [2]"]],
  ["x.mul(zeros([3, 3]))", () => x().mul(np.zeros([3, 3])), ShapeError, ["np.multiply", "[2, 3] and [3, 3]"]],
  ["np.where(cond, x, [1, 2])", () => np.where([true, false], x(), [1, 2]), ShapeError, ["np.where", "could not be broadcast"]],
  ["np.matmul(x, x)", () => np.matmul(x(), x()), ShapeError, ["np.matmul", "[2, 3] and [2, 3] are not aligned"]],
  ["np.squeeze(x, 0)", () => np.squeeze(x(), 0), ShapeError, ["np.squeeze", "axis 0 of shape [2, 3] has size 2", "expected size 1"]],
];

const badLists: Case[] = [
  ["np.concatenate(x)", () => np.concatenate(x() as never), ValueError, ["np.concatenate", "expected a list of arrays", "f32[2,3]", "wrap a single array in a list"]],
  ["np.concatenate(Float32Array)", () => np.concatenate(new Float32Array(3) as never), ValueError, ["np.concatenate", "expected a list of arrays", "Float32Array"]],
  ["np.concatenate(3)", () => np.concatenate(3 as never), ValueError, ["np.concatenate", "expected a list of arrays"]],
  ["np.concatenate([])", () => np.concatenate([]), ValueError, ["np.concatenate", "need at least one array", "expected a list of arrays"]],
  ['np.concatenate([x, "a"])', () => np.concatenate([x(), "a"] as never), ValueError, ["np.concatenate", '"a"', "expected a number"]],
  ["np.concatenate([x, zeros([2, 2])])", () => np.concatenate([x(), np.zeros([2, 2])]), ShapeError, ["np.concatenate", "[2, 3], [2, 2]", "expected the same rank and equal sizes except on axis 0"]],
  ["np.concatenate([x, zeros([2])])", () => np.concatenate([x(), np.zeros([2])]), ShapeError, ["np.concatenate", "same rank"]],
  ["np.concatenate([1, 2])", () => np.concatenate([1, 2]), ShapeError, ["np.concatenate", "zero-dimensional", "expected arrays of rank >= 1"]],
  ["np.stack(x)", () => np.stack(x() as never), ValueError, ["np.stack", "expected a list of arrays such as np.stack([x, y])"]],
  ["np.stack({ a: x })", () => np.stack({ a: x() } as never), ValueError, ["np.stack", "expected a list of arrays"]],
  ["np.stack([])", () => np.stack([]), ValueError, ["np.stack", "need at least one array"]],
  ["np.stack([zeros([2]), zeros([3])])", () => np.stack([np.zeros([2]), np.zeros([3])]), ShapeError, ["np.stack", "must have the same shape", "[2], [3]"]],
  ["np.stack([x, x], 3)", () => np.stack([x(), x()], 3), ShapeError, ["np.stack", "axis 3 is out of range", "expected an integer in [-3, 2]"]],
];

describeBadInputs(
  "shapes and lists of arrays",
  {
    "a bad reshape": badReshapes,
    "shapes that do not broadcast or fit": badBroadcasts,
    "a bad list of arrays": badLists,
  },
  () => {
    test("valid shapes and lists still work", () => {
      expect(np.reshape(x(), [-1]).shape).toEqual([6]);
      expect(x().reshape(3, 2).shape).toEqual([3, 2]);
      expect(np.concatenate([x(), [[7, 8, 9]]]).shape).toEqual([3, 3]);
      expect(np.concatenate([x()], null).shape).toEqual([6]);
      expect(np.stack([x(), x()], -1).shape).toEqual([2, 3, 2]);
      expect(np.broadcastTo(x(), [4, 2, 3]).shape).toEqual([4, 2, 3]);
    });
  },
);
