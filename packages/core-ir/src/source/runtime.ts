/*
 * The small runtime a generated function may need: scalar functions that take more than an
 * expression, and the matrix product. Each is the reference backend's (backend-cpu) code,
 * transcribed statement for statement so that results agree bit for bit. Only the helpers
 * a program uses are written, once, at the top of the generated function; their names
 * start with `$`, which no program variable does.
 */

export type HelperName = keyof typeof HELPERS;

// Each helper stands alone (none calls another), so using one writes just that one.
const helper = (source: string): string => source.trim();

const HELPERS = {
  // 1 / (1 + e^-x), never forming e^{+large}: for x < 0 use e^x / (1 + e^x).
  $logistic: helper(`
function $logistic(x) {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}`),
  // The error function: a series below 3, a continued fraction for erfc from 3 to 6, 1 beyond.
  $erf: helper(`
function $erf(x) {
  if (x !== x) return x;
  if (x < 0) return -$erf(-x);
  if (x < 3) {
    const twoX2 = 2 * x * x;
    let term = x;
    let sum = x;
    for (let n = 1; term > sum * 1e-17; n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
    }
    return 1.1283791670955126 * Math.exp(-x * x) * sum;
  }
  if (x < 6) {
    let f = x;
    for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
    return 1 - (0.5641895835477563 * Math.exp(-x * x)) / f;
  }
  return 1;
}`),
  // pow as IEEE 754 and C define it: pow(1, y) = 1 and pow(-1, ±Inf) = 1, where Math.pow says NaN.
  $pow: helper(`
function $pow(x, y) {
  if (x === 1 || (x === -1 && (y === 1 / 0 || y === -1 / 0))) return 1;
  return Math.pow(x, y);
}`),
  // Exact int32 power with wraparound, by repeated squaring; x^-n = trunc(1 / x^n).
  $powInt32: helper(`
function $powInt32(x, n) {
  if (n < 0) return x === 1 ? 1 : x === -1 ? (n & 1 ? -1 : 1) : 0;
  let result = 1;
  for (let base = x; n > 0; n >>>= 1) {
    if (n & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
  }
  return result;
}`),
  // float -> int32: truncate toward zero, saturate at the int32 range, NaN -> 0.
  $toInt32: helper(`
function $toInt32(v) {
  if (v !== v) return 0;
  if (v >= 2147483647) return 2147483647;
  if (v <= -2147483648) return -2147483648;
  return Math.trunc(v);
}`),
  // y[b, i, :] = Σ_k L[b, i, k] · R[b, k, :] over row-major [B, M, K] and [B, K, N]. Each
  // output row accumulates in doubles and rounds once on store; four rows of R go through
  // each pass, grouped as the reference backend groups them (the sums must round alike).
  $matmul: helper(`
function $matmul(L, R, y, B, M, K, N) {
  const acc = new Float64Array(N);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      const lRow = (b * M + i) * K;
      let k = 0;
      for (; k + 3 < K; k += 4) {
        const a0 = L[lRow + k];
        const a1 = L[lRow + k + 1];
        const a2 = L[lRow + k + 2];
        const a3 = L[lRow + k + 3];
        const r0 = (b * K + k) * N;
        const r1 = r0 + N;
        const r2 = r1 + N;
        const r3 = r2 + N;
        for (let j = 0; j < N; j++) acc[j] += a0 * R[r0 + j] + a1 * R[r1 + j] + a2 * R[r2 + j] + a3 * R[r3 + j];
      }
      for (; k < K; k++) {
        const a = L[lRow + k];
        const r0 = (b * K + k) * N;
        for (let j = 0; j < N; j++) acc[j] += a * R[r0 + j];
      }
      y.set(acc, (b * M + i) * N);
    }
  }
}`),
  // The same product in exact int32 arithmetic: products by Math.imul, sums wrapping.
  $matmulInt32: helper(`
function $matmulInt32(L, R, y, B, M, K, N) {
  const acc = new Int32Array(N);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      const lRow = (b * M + i) * K;
      for (let k = 0; k < K; k++) {
        const a = L[lRow + k];
        const rRow = (b * K + k) * N;
        for (let j = 0; j < N; j++) acc[j] = (acc[j] + Math.imul(a, R[rRow + j])) | 0;
      }
      y.set(acc, (b * M + i) * N);
    }
  }
}`),
} satisfies Record<`$${string}`, string>;

/** The source of the helpers in `used`, in a fixed order. */
export function runtimeSource(used: ReadonlySet<HelperName>): string[] {
  return (Object.keys(HELPERS) as HelperName[]).filter((n) => used.has(n)).map((n) => HELPERS[n]);
}
