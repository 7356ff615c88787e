// Inputs shared by every benchmark process, and float64 references to check results against.
// Plain TypeScript with no library imports, so each peer process loads only its own library.

/** Deterministic values in [-scale, scale) from a linear congruential generator. */
export function pseudoRandom(n: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// MLP 784-512-512-10, batch 128, relu, softmax cross-entropy.

export const MLP_SIZES = [784, 512, 512, 10] as const;
export const MLP_BATCH = 128;
export const SGD_LR = 0.01;
export const PARAM_NAMES = ["w1", "b1", "w2", "b2", "w3", "b3"] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

export interface HostArray {
  data: Float32Array;
  shape: number[];
}

export interface MlpData {
  params: Record<ParamName, HostArray>;
  x: HostArray;
  labels: Int32Array;
  onehot: HostArray;
}

/** Weights uniform in ±sqrt(6 / (fan_in + fan_out)), zero biases, inputs in ±1, labels (7i mod 10). */
export function mlpData(sizes: readonly number[] = MLP_SIZES, batch = MLP_BATCH): MlpData {
  const dense = (m: number, n: number, seed: number): HostArray => ({ data: pseudoRandom(m * n, seed, Math.sqrt(6 / (m + n))), shape: [m, n] });
  const bias = (n: number): HostArray => ({ data: new Float32Array(n), shape: [n] });
  const classes = sizes[3];
  const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7) % classes);
  const onehot = new Float32Array(batch * classes);
  labels.forEach((label, i) => (onehot[i * classes + label] = 1));
  return {
    params: {
      w1: dense(sizes[0], sizes[1], 1),
      b1: bias(sizes[1]),
      w2: dense(sizes[1], sizes[2], 2),
      b2: bias(sizes[2]),
      w3: dense(sizes[2], sizes[3], 3),
      b3: bias(sizes[3]),
    },
    x: { data: pseudoRandom(batch * sizes[0], 4, 1), shape: [batch, sizes[0]] },
    labels,
    onehot: { data: onehot, shape: [batch, classes] },
  };
}

/** y = relu?(x @ w + b) in float64, x: [m, k], w: [k, n]. */
function dense64(x: Float64Array, m: number, k: number, w: Float32Array, b: Float32Array, n: number, relu: boolean): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = out.subarray(i * n, (i + 1) * n);
    for (let p = 0; p < k; p++) {
      const xv = x[i * k + p];
      if (xv === 0) continue;
      const wrow = p * n;
      for (let j = 0; j < n; j++) row[j] += xv * w[wrow + j];
    }
    for (let j = 0; j < n; j++) {
      const v = row[j] + b[j];
      row[j] = relu && v < 0 ? 0 : v;
    }
  }
  return out;
}

/** The MLP's mean softmax cross-entropy, computed in float64 from the float32 inputs. */
export function mlpLoss64(d: MlpData): number {
  const [n0, n1, n2, n3] = d.params.w1.shape.concat(d.params.w2.shape[1], d.params.w3.shape[1]);
  const batch = d.x.shape[0];
  const h1 = dense64(Float64Array.from(d.x.data), batch, n0, d.params.w1.data, d.params.b1.data, n1, true);
  const h2 = dense64(h1, batch, n1, d.params.w2.data, d.params.b2.data, n2, true);
  const logits = dense64(h2, batch, n2, d.params.w3.data, d.params.b3.data, n3, false);
  let total = 0;
  for (let i = 0; i < batch; i++) {
    const row = logits.subarray(i * n3, (i + 1) * n3);
    const max = Math.max(...row);
    let s = 0;
    for (const v of row) s += Math.exp(v - max);
    total += max + Math.log(s) - row[d.labels[i]];
  }
  return total / batch;
}

// ---------------------------------------------------------------------------------------------
// f32 matmul.

export const MATMUL_SIZES = [128, 256, 512, 1024] as const;

export function matmulInputs(n: number): { a: Float32Array; b: Float32Array } {
  return { a: pseudoRandom(n * n, 11, 1), b: pseudoRandom(n * n, 12, 1) };
}

/**
 * How far C is from A @ B, in units of the float64 sum of |a_ik b_kj| (which bounds the rounding
 * error of any summation order): the worst of 64 sampled entries, and of the sum of all of C
 * (sum(C) = sum_k colsum(A)_k rowsum(B)_k, O(n^2)). Correct float32 results give ~1e-7..1e-5.
 */
export function matmulError(n: number, a: Float32Array, b: Float32Array, c: ArrayLike<number>): number {
  if (c.length !== n * n) return Infinity;
  let worst = 0;
  let s = 7;
  for (let t = 0; t < 64; t++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const i = s % n;
    const j = (s >>> 12) % n;
    let ref = 0;
    let mag = 0;
    for (let k = 0; k < n; k++) {
      ref += a[i * n + k] * b[k * n + j];
      mag += Math.abs(a[i * n + k] * b[k * n + j]);
    }
    worst = Math.max(worst, Math.abs(c[i * n + j] - ref) / mag);
  }
  const colA = new Float64Array(n);
  const colAbsA = new Float64Array(n);
  const rowB = new Float64Array(n);
  const rowAbsB = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      colA[k] += a[i * n + k];
      colAbsA[k] += Math.abs(a[i * n + k]);
      rowB[k] += b[k * n + i];
      rowAbsB[k] += Math.abs(b[k * n + i]);
    }
  }
  let ref = 0;
  let mag = 0;
  for (let k = 0; k < n; k++) {
    ref += colA[k] * rowB[k];
    mag += colAbsA[k] * rowAbsB[k];
  }
  let sum = 0;
  for (let i = 0; i < n * n; i++) sum += c[i];
  const sumError = Math.abs(sum - ref) / mag;
  return Number.isFinite(sum) ? Math.max(worst, sumError) : Infinity;
}

// ---------------------------------------------------------------------------------------------
// Elementwise chain: tanh(x * a + b) * exp(-x * x) on 1e6 float32.

export const CHAIN_SIZE = 1_000_000;
export const CHAIN_A = 0.5;
export const CHAIN_B = 0.1;
/** One float32 read and one float32 write per element. */
export const CHAIN_BYTES = CHAIN_SIZE * 8;

export function chainInput(): Float32Array {
  return pseudoRandom(CHAIN_SIZE, 21, 2);
}

/** The largest absolute difference from the float64 result (|result| <= 1, so absolute is fine). */
export function chainError(x: Float32Array, out: ArrayLike<number>): number {
  if (out.length !== x.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const ref = Math.tanh(v * CHAIN_A + CHAIN_B) * Math.exp(-v * v);
    const err = Math.abs(out[i] - ref);
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
  }
  return worst;
}
