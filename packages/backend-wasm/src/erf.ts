const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/**
 * erf x for 0 ≤ x < 2.5 from the confluent series
 * erf x = (2x/√π) e^{-x²} Σ_k (2x²)^k / (3·5···(2k+1)), whose terms are all positive.
 */
function erfPositiveSeries(x: number): number {
  const r = 2 * x * x;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 200 && term > 1e-17 * sum; k++) {
    term *= r / (2 * k + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x * x) * sum;
}

/** erfc x for x ≥ 2.5 from Laplace's continued fraction, evaluated bottom-up at a fixed depth. */
function erfcFraction(x: number): number {
  let d = x;
  for (let k = 90; k >= 1; k--) d = x + (0.5 * k) / d;
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / d;
}

/** The error function in double precision (about 1e-15 relative); odd, NaN in gives NaN out. */
export function erf(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  const y = a < 2.5 ? erfPositiveSeries(a) : a < 6 ? 1 - erfcFraction(a) : 1;
  return x < 0 || Object.is(x, -0) ? -y : y;
}
