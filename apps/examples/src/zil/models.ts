// The models compared: a loss of parameters θ and data (x, y), with float64 parameters.
import { np } from "lintra";
import { mulberry32 } from "../random.js";

export interface Model {
  readonly name: string;
  readonly paramNames: readonly string[];
  readonly params: readonly np.Array[];
  readonly data: readonly np.Array[];
  /** loss(...params, ...data): a scalar. */
  readonly loss: (...args: np.Array[]) => np.Array;
}

export interface Sizes {
  readonly batch: number;
  readonly inputs: number;
  readonly hidden: number;
  readonly outputs: number;
}

const mse = (prediction: np.Array, y: np.Array) => np.mean(np.square(prediction.sub(y)));

function sampler(seed: number) {
  const random = mulberry32(seed);
  return (shape: number[], scale = 1) =>
    np.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * random() - 1) * scale), { dtype: "float64" }).reshape(shape);
}

/** Data and the weights of a dense layer, shared by both models. */
function setup(seed: number, s: Sizes) {
  const sample = sampler(seed);
  const dense = (fanIn: number, fanOut: number) => [sample([fanIn, fanOut], 1 / Math.sqrt(fanIn)), sample([fanOut], 0.1)];
  return { sample, dense, data: [sample([s.batch, s.inputs]), sample([s.batch, s.outputs])] };
}

/** h1 = tanh(x W1 + b1), h2 = tanh(h1 W2 + b2), ŷ = h2 W3 + b3; L = mean (ŷ − y)². */
export function mlp(s: Sizes, seed = 1): Model {
  const { dense, data } = setup(seed, s);
  const layer = (h: np.Array, w: np.Array, b: np.Array) => np.matmul(h, w).add(b);
  return {
    name: `MLP ${s.inputs}-${s.hidden}-${s.hidden}-${s.outputs}, tanh, batch ${s.batch}`,
    paramNames: ["W1", "b1", "W2", "b2", "W3", "b3"],
    params: [...dense(s.inputs, s.hidden), ...dense(s.hidden, s.hidden), ...dense(s.hidden, s.outputs)],
    data,
    loss: (w1, b1, w2, b2, w3, b3, x, y) => {
      const h1 = np.tanh(layer(x, w1, b1));
      const h2 = np.tanh(layer(h1, w2, b2));
      return mse(layer(h2, w3, b3), y);
    },
  };
}

/**
 * Not a chain: a skip connection and a weight W shared by two layers.
 * h1 = tanh(x W1 + b1), h2 = tanh(h1 W + b2) + h1, h3 = tanh(h2 W + b3), ŷ = h3 Wo + bo.
 */
export function skipShared(s: Sizes, seed = 2): Model {
  const { dense, data } = setup(seed, s);
  const layer = (h: np.Array, w: np.Array, b: np.Array) => np.matmul(h, w).add(b);
  const [w1, b1] = dense(s.inputs, s.hidden);
  const [w, b2] = dense(s.hidden, s.hidden);
  const [, b3] = dense(s.hidden, s.hidden);
  return {
    name: `skip connection + shared W, ${s.inputs}-${s.hidden}-${s.hidden}-${s.hidden}-${s.outputs}, batch ${s.batch}`,
    paramNames: ["W1", "b1", "W (shared)", "b2", "b3", "Wo", "bo"],
    params: [w1, b1, w, b2, b3, ...dense(s.hidden, s.outputs)],
    data,
    loss: (w1, b1, w, b2, b3, wo, bo, x, y) => {
      const h1 = np.tanh(layer(x, w1, b1));
      const h2 = np.tanh(layer(h1, w, b2)).add(h1);
      const h3 = np.tanh(layer(h2, w, b3));
      return mse(layer(h3, wo, bo), y);
    },
  };
}
