import { describe, expect, test } from "vitest";
import { ConcretizationError, grad, jvp, nn, np } from "./index.js";

// The np/nn layer is built from primitives only, so derivatives come for free; these
// check the edges that depend on how np/nn are written.
describe("derivatives through np and nn", () => {
  test("relu'(0) = 0", () => {
    expect(grad((x: np.Array) => nn.relu(x).sum())(np.array([-1, 0, 2])).toArray()).toEqual([0, 0, 1]);
  });

  test("logsumexp and softplus gradients stay finite at ±1000", () => {
    expect(grad((x: np.Array) => nn.logsumexp(x))(np.array([1000, 1000])).toArray()).toBeAllclose([0.5, 0.5]);
    expect(grad((x: np.Array) => nn.softplus(x).sum())(np.array([0, 1000, -1000])).toArray()).toBeAllclose([0.5, 1, 0]);
  });

  test("softmax Jacobian row: s0 (δ0j - sj)", () => {
    const s = [1, 2, 3].map(Math.exp);
    const z = s[0] + s[1] + s[2];
    const p = s.map((v) => v / z);
    const expected = p.map((pj, j) => p[0] * ((j === 0 ? 1 : 0) - pj));
    expect(grad((x: np.Array) => nn.softmax(x).slice(0))(np.array([1, 2, 3])).toArray()).toBeAllclose(expected);
  });

  test("gathers and slices scatter their cotangents back", () => {
    expect(grad((x: np.Array) => np.take(x, [2, 0, 0, -1]).sum())(np.array([1, 2, 3])).toArray()).toEqual([2, 0, 2]);
    expect(grad((x: np.Array) => np.takeAlongAxis(x, [[1], [0]], 1).sum())(np.array([[1, 2], [3, 4]])).toArray()).toEqual([[0, 1], [1, 0]]);
    expect(grad((x: np.Array) => x.slice([null, null, -2]).sum())(np.array([1, 2, 3])).toArray()).toEqual([1, 0, 1]);
  });

  test("d/dx x² at 0 is 0; matmul; mean; var", () => {
    expect(grad((x: np.Array) => x.pow(2).sum())(np.array([0, 3])).toArray()).toEqual([0, 6]);
    // d/dX sum(X X) = 1 Xᵀ + Xᵀ 1
    expect(grad((x: np.Array) => np.matmul(x, x).sum())(np.array([[1, 2], [3, 4]])).toArray()).toEqual([[7, 11], [9, 13]]);
    expect(grad((x: np.Array) => x.mean())(np.array([1, 2, 3, 4])).toArray()).toEqual([0.25, 0.25, 0.25, 0.25]);
    // d var / dx_i = 2 (x_i - mean) / n
    expect(grad((x: np.Array) => np.var(x))(np.array([1, 2, 3, 4])).toArray()).toBeAllclose([-0.75, -0.25, 0.25, 0.75]);
  });

  test("mod has slope 1, round slope 0, max splits ties", () => {
    expect(grad((x: np.Array) => np.mod(x, 2).sum())(np.array([3.5, -1.5])).toArray()).toEqual([1, 1]);
    expect(grad((x: np.Array) => np.round(x).sum())(np.array([3.5, -1.5])).toArray()).toEqual([0, 0]);
    expect(grad((x: np.Array) => np.max(x))(np.array([1, 3, 3])).toArray()).toEqual([0, 0.5, 0.5]);
  });

  test("jvp through weakly typed literals", () => {
    const [y, t] = jvp((x: np.Array) => np.sin(x).mul(2), [np.array([0, 1])], [np.ones([2])]);
    expect(y.toArray()).toBeAllclose([0, 2 * Math.sin(1)]);
    expect(t.toArray()).toBeAllclose([2, 2 * Math.cos(1)]);
  });

  test("reading a value inside grad is a ConcretizationError", () => {
    expect(() => grad((x: np.Array) => (x.item(), x.sum()))(np.array([1]))).toThrow(ConcretizationError);
  });
});
