import { describe, expect, test } from "vitest";
import { DTypeError, lax, makeProgram, np } from "../index.js";

const E = Math.E;

describe("np transcendental functions", () => {
  test("exp, log, log1p, expm1, sqrt", () => {
    expect(np.exp([0, 1, -Infinity]).toArray()).toBeAllclose([1, E, 0]);
    expect(np.log([1, E, 0]).toArray()).toBeAllclose([0, 1, -Infinity]);
    expect(np.log(-1).item()).toBeNaN();
    // log1p and expm1 keep precision near 0, where 1 + x rounds away in float32.
    expect(np.log1p(1e-10).item()).toBeAllclose(1e-10, { rtol: 1e-5, atol: 0 });
    expect(np.expm1(1e-10).item()).toBeAllclose(1e-10, { rtol: 1e-5, atol: 0 });
    expect(np.sqrt([4, 2, 0]).toArray()).toBeAllclose([2, Math.SQRT2, 0]);
  });

  test("log2, log10, exp2", () => {
    expect(np.log2([8, 0.5]).toArray()).toBeAllclose([3, -1]);
    expect(np.log10([1000, 0.01]).toArray()).toBeAllclose([3, -2]);
    expect(np.exp2([3, -1]).toArray()).toBeAllclose([8, 0.5]);
  });

  test("trigonometric and inverse", () => {
    expect(np.sin([0, Math.PI / 2, Math.PI / 6]).toArray()).toBeAllclose([0, 1, 0.5]);
    expect(np.cos([0, Math.PI / 3]).toArray()).toBeAllclose([1, 0.5]);
    expect(np.tan([Math.PI / 4]).toArray()).toBeAllclose([1]);
    expect(np.arcsin([1, 0.5]).toArray()).toBeAllclose([Math.PI / 2, Math.PI / 6]);
    expect(np.arccos([1, 0.5]).toArray()).toBeAllclose([0, Math.PI / 3]);
    expect(np.arctan([1]).toArray()).toBeAllclose([Math.PI / 4]);
  });

  test("arctan2 picks the quadrant from both signs", () => {
    expect(np.arctan2([1, 1, -1, -1], [1, -1, 1, -1]).toArray()).toBeAllclose([Math.PI / 4, (3 * Math.PI) / 4, -Math.PI / 4, (-3 * Math.PI) / 4]);
  });

  test("hyperbolic", () => {
    expect(np.sinh([1]).toArray()).toBeAllclose([(E - 1 / E) / 2]);
    expect(np.cosh([1]).toArray()).toBeAllclose([(E + 1 / E) / 2]);
    expect(np.tanh([1, 1000, -1000]).toArray()).toBeAllclose([(E * E - 1) / (E * E + 1), 1, -1]);
  });

  test("integer and bool inputs are promoted to float32", () => {
    const i = np.array([0, 1], { dtype: "int32" });
    expect(np.exp(i).dtype).toBe("float32");
    expect(np.exp(i).toArray()).toBeAllclose([1, E]);
    expect(np.sin(np.array([true])).dtype).toBe("float32");
    expect(np.sqrt(np.array([4], { dtype: "float64" })).dtype).toBe("float64");
  });

  test("lax does not promote: sin of bool is a DTypeError naming the primitive", () => {
    const f = () => lax.sin(np.array([true]));
    expect(f).toThrow(DTypeError);
    expect(f).toThrow(/sin: operand has dtype bool.*expected float32 or float64/);
  });
});

describe("np.stopGradient", () => {
  test("is the identity on values and stages a stop_gradient", () => {
    expect(np.stopGradient([1, 2]).toArray()).toEqual([1, 2]);
    expect(makeProgram((x: np.Array) => np.stopGradient(x))(np.zeros([2])).toString()).toContain("stop_gradient");
  });
});
