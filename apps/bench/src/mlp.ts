import { np, nn } from "lintra";
import { type HostArray, MLP_BATCH, MLP_SIZES, PARAM_NAMES, mlpData } from "./data.js";

/** An MLP 784-512-512-10 with a softmax cross-entropy loss, float32, deterministic weights. */
export type Params = { w1: np.Array; b1: np.Array; w2: np.Array; b2: np.Array; w3: np.Array; b3: np.Array };

const toArray = (h: HostArray) => np.array(h.data).reshape(h.shape);

export function makeMlp(sizes: readonly number[] = MLP_SIZES, batch = MLP_BATCH) {
  const d = mlpData(sizes, batch);
  const params = {} as Params;
  for (const k of PARAM_NAMES) params[k] = toArray(d.params[k]);
  const x = toArray(d.x);
  const onehot = nn.oneHot(np.array(d.labels, { dtype: "int32" }), sizes[3]);
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
  for (const k of PARAM_NAMES) out[k] = p[k].sub(g[k].mul(lr));
  return out;
}
