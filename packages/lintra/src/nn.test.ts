import { describe, expect, test } from "vitest";
import { grad, makeProgram, nn, np } from "./index.js";

const noNaN = (a: np.Array) => Array.from(a.dataSync()).every((v) => !Number.isNaN(v));

describe("nn.relu", () => {
  test("values", () => {
    expect(nn.relu([-2, 0, 3]).toArray()).toEqual([0, 0, 3]);
    expect(nn.relu(np.array([-2, 5], { dtype: "int32" })).toArray()).toEqual([0, 5]);
  });

  test("is a select on x > 0 (so its derivative at 0 is 0), not a max", () => {
    const prims = makeProgram(nn.relu)(np.zeros([2])).eqns.map((e) => e.prim);
    expect(prims).toContain("select");
    expect(prims).not.toContain("max");
  });
});

describe("nn.sigmoid", () => {
  test("values and saturation", () => {
    expect(nn.sigmoid([0, 1, -1]).toArray()).toBeAllclose([0.5, 1 / (1 + Math.exp(-1)), 1 / (1 + Math.E)]);
    expect(nn.sigmoid([1000, -1000]).toArray()).toEqual([1, 0]);
    expect(nn.sigmoid(np.array([0], { dtype: "int32" })).dtype).toBe("float32");
  });
});

describe("nn.softplus", () => {
  test("values and stability at ±1000", () => {
    expect(nn.softplus([0, 1, -1]).toArray()).toBeAllclose([Math.LN2, Math.log(1 + Math.E), Math.log(1 + 1 / Math.E)]);
    expect(nn.softplus(1000).item()).toBe(1000);
    expect(nn.softplus(-1000).item()).toBe(0);
    expect(nn.softplus([30]).toArray()).toBeAllclose([30]);
  });

  test("derivatives are sigmoid's at every point, 0 and the extremes included", () => {
    const d1 = grad((v: np.Array) => nn.softplus(v));
    const d2 = grad(d1);
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    for (const v of [0, 1e-3, -2, 3, 1000, -1000]) {
      const x = np.array(v, { dtype: "float64" });
      expect(d1(x).item()).toBeAllclose(sigmoid(v), { rtol: 1e-12, atol: 1e-300 });
      expect(d2(x).item()).toBeAllclose(sigmoid(v) * (1 - sigmoid(v)), { rtol: 1e-10, atol: 1e-300 });
    }
  });
});

describe("nn.logsumexp", () => {
  test("values, axes and keepdims", () => {
    expect(nn.logsumexp([0, 0]).item()).toBeAllclose(Math.LN2);
    expect(nn.logsumexp([[0, Math.log(3)], [1, 1]], 1).toArray()).toBeAllclose([Math.log(4), 1 + Math.LN2]);
    expect(nn.logsumexp([[0, Math.log(3)], [1, 1]], -1, { keepdims: true }).shape).toEqual([2, 1]);
    expect(nn.logsumexp([[1, 2], [3, 4]], 0).toArray()).toBeAllclose([3 + Math.log(1 + Math.exp(-2)), 4 + Math.log(1 + Math.exp(-2))]);
  });

  test("stable for large inputs", () => {
    expect(nn.logsumexp([1000, 1000]).item()).toBeAllclose(1000 + Math.LN2);
    expect(nn.logsumexp([-1000, -1000]).item()).toBeAllclose(-1000 + Math.LN2);
    expect(nn.logsumexp(np.array([1000, 1000], { dtype: "float64" })).item()).toBeAllclose(1000 + Math.LN2, { rtol: 1e-12 });
  });

  test("all -Inf gives -Inf, not NaN", () => {
    expect(nn.logsumexp([-Infinity, -Infinity]).item()).toBe(-Infinity);
  });

  test("the shift carries no gradient", () => {
    expect(makeProgram((x: np.Array) => nn.logsumexp(x))(np.zeros([3])).toString()).toContain("stop_gradient");
  });
});

describe("nn.softmax / logSoftmax", () => {
  test("values along the last axis by default", () => {
    const s = nn.softmax([[0, Math.log(3)], [1, 1]]);
    expect(s.toArray()).toBeAllclose([[0.25, 0.75], [0.5, 0.5]]);
    expect(nn.softmax([[0, Math.log(3)], [0, 0]], 0).toArray()).toBeAllclose([[0.5, 0.75], [0.5, 0.25]]);
    expect(nn.logSoftmax([0, Math.log(3)]).toArray()).toBeAllclose([Math.log(0.25), Math.log(0.75)]);
  });

  test("stable at ±1000: sums to 1, no NaN", () => {
    const s = nn.softmax([1000, 1000, -1000]);
    expect(noNaN(s)).toBe(true);
    expect(s.toArray()).toBeAllclose([0.5, 0.5, 0]);
    expect(np.sum(nn.softmax([1000, 999, 998])).item()).toBeAllclose(1);
    const l = nn.logSoftmax([1000, 0]);
    expect(noNaN(l)).toBe(true);
    expect(l.toArray()).toBeAllclose([0, -1000]);
  });
});

describe("nn.oneHot", () => {
  test("rows of the identity", () => {
    expect(nn.oneHot([0, 2, 1], 3).toArray()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expect(nn.oneHot(np.array([[1], [0]], { dtype: "int32" }), 2).shape).toEqual([2, 1, 2]);
    expect(nn.oneHot([5], 3).toArray()).toEqual([[0, 0, 0]]);
    expect(nn.oneHot([1], 2, { dtype: "int32" }).dtype).toBe("int32");
  });
});
