/**
 * The binary expansion of 2/π, a byte at a time, computed once with BigInt (Machin's
 * formula π = 16 atan(1/5) − 4 atan(1/239) in fixed point). Argument reduction of sin, cos
 * and tan for large arguments multiplies by these bytes (Payne–Hanek).
 */
const BITS = 320n;
const UNIT = 1n << BITS;

/** atan(1/n) · 2^BITS, by its alternating series. */
function atanInverse(n: bigint): bigint {
  const n2 = n * n;
  let power = UNIT / n;
  let sum = power;
  for (let k = 1n; power !== 0n; k++) {
    power /= n2;
    const term = power / (2n * k + 1n);
    sum += k % 2n === 1n ? -term : term;
  }
  return sum;
}

const PI_FIXED = 16n * atanInverse(5n) - 4n * atanInverse(239n);
const TWO_OVER_PI_FIXED = (2n << (2n * BITS)) / PI_FIXED;

/** Byte k of 2/π: 2/π = Σ_k byte(k) · 2^(−8(k+1)); 2/π < 1, so byte 0 starts right after the point. */
export function twoOverPiBytes(count: number): number[] {
  if (8 * count > Number(BITS) - 64) throw new Error(`internal: only ${(Number(BITS) - 64) / 8} bytes of 2/π are computed`);
  return Array.from({ length: count }, (_, k) => Number((TWO_OVER_PI_FIXED >> (BITS - 8n * BigInt(k + 1))) & 0xffn));
}
