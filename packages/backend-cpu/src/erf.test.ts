import { setBackend } from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { arr, eval_, expectSameZeros } from "../test/oracle.js";
import { cpuBackend } from "./index.js";

setBackend(cpuBackend);

/** erf x = (2/√π) ∫₀ˣ e^{-t²} dt by composite Simpson's rule: an oracle that shares nothing with the kernel. */
function erfBySimpson(x: number, intervals = 20000): number {
  const h = x / intervals;
  let sum = 1 + Math.exp(-x * x);
  for (let i = 1; i < intervals; i++) sum += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((sum * h) / 3) * (2 / Math.sqrt(Math.PI));
}

describe("erf", () => {
  test("known values", () => {
    const { data } = eval_("erf", [arr([0.5, 1, 2, -3, 0.1, 4.5])], {});
    // erf(0.1) and erf(4.5) from published tables (Abramowitz & Stegun 7.1; erfc(4.5) = 1.9661604e-10).
    expect(data).toBeAllclose([0.5204998778130465, 0.8427007929497149, 0.9953222650189527, -0.9999779095030014, 0.1124629160182849, 1 - 1.9661604415428874e-10], {
      rtol: 1e-14,
      atol: 0,
    });
  });

  test("agrees with numerical integration across [-6, 6], on both sides of x = 3", () => {
    const xs = [-6, -4, -3.01, -2.99, -1.7, -0.8, -0.01, 0.003, 0.4, 1.25, 2, 2.5, 2.999, 3, 3.001, 3.5, 5, 5.9, 6];
    const { data } = eval_("erf", [arr(xs)], {});
    expect(data).toBeAllclose(xs.map((x) => erfBySimpson(x)), { rtol: 1e-12, atol: 0 });
  });

  test("is odd and tiny inputs are linear: erf x ≈ 2x/√π", () => {
    const { data } = eval_("erf", [arr([1e-10, -1e-10, 1e-300, -0, 0])], {});
    const slope = 2 / Math.sqrt(Math.PI);
    expect(data).toBeAllclose([slope * 1e-10, -slope * 1e-10, slope * 1e-300, -0, 0], { rtol: 1e-15, atol: 0 });
    expectSameZeros(data, [1, 1, 1, -0, 0]);
  });

  test("limits, NaN and float32", () => {
    expect(eval_("erf", [arr([Infinity, -Infinity, NaN, 7, -30])], {}).data).toBeAllclose([1, -1, NaN, 1, -1], { rtol: 0, atol: 0 });
    const f32 = eval_("erf", [arr([0.5, 1, -3], [3], "float32")], {}).data;
    expect(f32).toBeInstanceOf(Float32Array);
    expect(f32).toBeAllclose([0.5204998778130465, 0.8427007929497149, -0.9999779095030014], { rtol: 6e-8, atol: 0 });
  });
});
