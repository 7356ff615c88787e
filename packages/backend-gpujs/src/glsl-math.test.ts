import { compareValues, toleranceFor } from "@lintra/conformance";
import type { Prim } from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { both, describeGL, host, randoms } from "../test/gl.js";
import { gpujsBackend } from "./index.js";
import { twoOverPiBytes } from "./two-over-pi.js";

// Dense sweeps of the elementary functions against backend-cpu (double precision, rounded
// once), with the conformance suite's tolerance for transcendental functions. Inputs stay
// above the smallest normal float32: GPUs treat subnormal inputs as zero.

const TINY = 2 ** -126;
const grid = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));
/** Random m · 2^e, m in [1, 2), e in [lo, hi], with random signs when `signed`. */
const magnitudes = (n: number, seed: number, lo: number, hi: number, signed = true) => {
  const [m, e, s] = [randoms(n, seed, 1, 2), randoms(n, seed + 1, lo, hi + 1), randoms(n, seed + 2)];
  return m.map((v, k) => (signed && s[k] < 0 ? -1 : 1) * v * 2 ** Math.floor(e[k]));
};

function agrees(prim: Prim, ...operands: number[][]) {
  const { actual, expected } = both(gpujsBackend, prim, operands.map((x) => host(x)), {} as never);
  return compareValues(actual, expected, toleranceFor("transcendental", "float32"));
}

describeGL("elementary functions against backend-cpu", () => {
  const cases: [Prim, number[]][] = [
    ["exp", [...grid(-110, 100, 20001), ...magnitudes(2000, 1, -30, 6)]],
    ["expm1", [...grid(-20, 20, 20001), ...magnitudes(2000, 2, -120, -1)]],
    ["log", magnitudes(20000, 3, -126, 127, false)],
    ["log1p", [...grid(-0.999, 10, 20001), ...magnitudes(4000, 4, -120, 120, false)]],
    ["sin", [...grid(-20, 20, 20001), ...magnitudes(20000, 5, -20, 127)]],
    ["cos", [...grid(-20, 20, 20001), ...magnitudes(20000, 6, -20, 127)]],
    ["tan", [...grid(-1.55, 1.55, 20001), ...magnitudes(4000, 7, -20, 0)]],
    ["asin", grid(-1, 1, 20001)],
    ["acos", grid(-1, 1, 20001)],
    ["atan", [...grid(-20, 20, 20001), ...magnitudes(4000, 8, -120, 120)]],
    ["sinh", grid(-89, 89, 20001)],
    ["cosh", grid(-89, 89, 20001)],
    ["tanh", [...grid(-12, 12, 20001), ...magnitudes(2000, 9, -120, -1)]],
    ["logistic", grid(-100, 100, 20001)],
    ["erf", [...grid(-6, 6, 20001), ...magnitudes(2000, 10, -120, -1)]],
  ];
  for (const [prim, xs] of cases) {
    test(`${prim} on ${xs.length} points`, () => {
      expect(agrees(prim, xs.filter((x) => Math.abs(x) >= TINY))).toEqual([]);
    });
  }

  test("sin and cos of huge arguments reduce exactly (Payne–Hanek), sin(3e38) included", () => {
    const xs = [3e38, -3e38, 2 ** 127, 1e30, 123456789, ...magnitudes(4000, 11, 12, 127)];
    expect(agrees("sin", xs)).toEqual([]);
    expect(agrees("cos", xs)).toEqual([]);
  });

  test("pow over magnitudes and exponents, including negative bases with integer exponents", () => {
    const x = magnitudes(20000, 12, -20, 20);
    const y = randoms(20000, 13, -10, 10).map((v, k) => (x[k] < 0 ? Math.round(v) : v));
    expect(agrees("pow", x, y)).toEqual([]);
  });

  test("atan2 over pairs of magnitudes in every quadrant", () => {
    expect(agrees("atan2", magnitudes(20000, 14, -60, 60), magnitudes(20000, 15, -60, 60))).toEqual([]);
  });

  test("rem is C's fmod, exactly, across 80 binary orders of magnitude", () => {
    const x = magnitudes(20000, 16, -40, 40);
    const y = magnitudes(20000, 17, -40, 40);
    const { actual, expected } = both(gpujsBackend, "rem", [host(x), host(y)], {});
    expect(actual).toEqual(expected);
  });
});

describe("twoOverPiBytes", () => {
  /** 2/π from a different formula than the one under test: π/4 = atan(1/2) + atan(1/3) (Euler). */
  function twoOverPiEuler(bits: bigint): bigint {
    const one = 1n << bits;
    const atanInv = (n: bigint) => {
      let [power, sum] = [one / n, one / n];
      for (let k = 1n; power !== 0n; k++) {
        power /= n * n;
        sum += (k % 2n ? -1n : 1n) * (power / (2n * k + 1n));
      }
      return sum;
    };
    return (2n << (2n * bits)) / (4n * (atanInv(2n) + atanInv(3n)));
  }

  test("are the bytes of 2/π", () => {
    const bits = 256n;
    const reference = twoOverPiEuler(bits);
    const bytes = twoOverPiBytes(24);
    bytes.forEach((b, k) => expect(b, `byte ${k}`).toBe(Number((reference >> (bits - 8n * BigInt(k + 1))) & 0xffn)));
    expect(bytes.slice(0, 4)).toEqual([0xa2, 0xf9, 0x83, 0x6e]);
  });
});
