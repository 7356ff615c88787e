import { nn, np } from "lintra";

/** An MLP 784-512-512-10 with a softmax cross-entropy loss, float32, deterministic weights. */
export type Params = { w1: np.Array; b1: np.Array; w2: np.Array; b2: np.Array; w3: np.Array; b3: np.Array };

function pseudoRandom(n: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}

export function makeMlp(sizes = [784, 512, 512, 10], batch = 128) {
  const dense = (m: number, n: number, seed: number) => np.array(pseudoRandom(m * n, seed, Math.sqrt(6 / (m + n)))).reshape([m, n]);
  const params: Params = {
    w1: dense(sizes[0], sizes[1], 1),
    b1: np.zeros([sizes[1]]),
    w2: dense(sizes[1], sizes[2], 2),
    b2: np.zeros([sizes[2]]),
    w3: dense(sizes[2], sizes[3], 3),
    b3: np.zeros([sizes[3]]),
  };
  const x = np.array(pseudoRandom(batch * sizes[0], 4, 1)).reshape([batch, sizes[0]]);
  const labels = np.array(Array.from({ length: batch }, (_, i) => (i * 7) % sizes[3]), { dtype: "int32" });
  const onehot = nn.oneHot(labels, sizes[3]);
  return { params, x, onehot };
}

export function loss(p: Params, x: np.Array, onehot: np.Array): np.Array {
  const h1 = nn.relu(np.matmul(x, p.w1).add(p.b1));
  const h2 = nn.relu(np.matmul(h1, p.w2).add(p.b2));
  const logits = np.matmul(h2, p.w3).add(p.b3);
  return np.mean(np.sum(onehot.mul(nn.logSoftmax(logits, -1)), -1)).neg();
}

export function sgd(p: Params, g: Params, lr: number): Params {
  const out = {} as Params;
  for (const k of Object.keys(p) as (keyof Params)[]) out[k] = p[k].sub(g[k].mul(lr));
  return out;
}
