// vitest bench: MLP 784-512-512-10, batch 128, float32, on backend-cpu. Results are read
// back (item / dataSync) in every iteration.
import { getBackend, np, valueAndGrad } from "lintra";
import { bench, describe } from "vitest";
import { type Params, loss, makeMlp, sgd } from "./mlp.js";

const { params, x, onehot } = makeMlp();
const lossAndGrad = valueAndGrad(loss);

describe(`MLP 784-512-512-10, batch 128 (${getBackend().name})`, () => {
  bench("forward (loss)", () => {
    loss(params, x, onehot).item();
  });
  bench("valueAndGrad", () => {
    const [value, grads] = lossAndGrad(params, x, onehot);
    value.item();
    (grads as Params).w1.dataSync();
  });
  bench("SGD step", () => {
    const [, grads] = lossAndGrad(params, x, onehot);
    sgd(params, grads as Params, 0.01).w1.dataSync();
  });
});

describe("eager dispatch", () => {
  const a = np.array([1]);
  bench("scalar add (one primitive, eager)", () => {
    a.add(a);
  });
});
