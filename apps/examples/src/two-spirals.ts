// Train a small MLP on two interleaved spirals with valueAndGrad (reverse mode by
// linearize-then-transpose), printing the staged programs first and progress per epoch.
import { linearize, makeProgram, nn, np, transpose, valueAndGrad } from "lintra";
import { mulberry32 } from "./random.js";

// ---- data: two spirals, generated deterministically ------------------------------------

function twoSpirals(perClass: number, noise: number, random: () => number) {
  const points: number[] = [];
  const labels: number[] = [];
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < perClass; i++) {
      const r = (i / perClass) * 5 + 0.4;
      const angle = (i / perClass) * 3.2 * Math.PI + c * Math.PI;
      points.push(r * Math.sin(angle) + noise * (random() - 0.5), r * Math.cos(angle) + noise * (random() - 0.5));
      labels.push(c);
    }
  }
  return { x: np.array(points).reshape([2 * perClass, 2]).div(5), y: np.array(labels, { dtype: "int32" }) };
}

// ---- model -------------------------------------------------------------------------------
type Params = { w1: np.Array; b1: np.Array; w2: np.Array; b2: np.Array; w3: np.Array; b3: np.Array };

function init(random: () => number, sizes: number[]): Params {
  const dense = (m: number, n: number) =>
    np.array(Array.from({ length: m * n }, () => (random() * 2 - 1) * Math.sqrt(6 / (m + n)))).reshape([m, n]);
  const [a, b, c, d] = sizes;
  return { w1: dense(a, b), b1: np.zeros([b]), w2: dense(b, c), b2: np.zeros([c]), w3: dense(c, d), b3: np.zeros([d]) };
}

function logits(p: Params, x: np.Array) {
  const h1 = np.tanh(np.matmul(x, p.w1).add(p.b1));
  const h2 = np.tanh(np.matmul(h1, p.w2).add(p.b2));
  return np.matmul(h2, p.w3).add(p.b3);
}

function loss(p: Params, x: np.Array, onehot: np.Array) {
  return np.mean(np.sum(onehot.mul(nn.logSoftmax(logits(p, x), -1)), -1)).neg();
}

const accuracy = (p: Params, x: np.Array, y: np.Array) => np.mean(np.equal(np.argmax(logits(p, x), -1), y).astype("float32")).item();

// ---- Adam ----------------------------------------------------------------------------------
function adam(lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8) {
  const m: Record<string, np.Array> = {};
  const v: Record<string, np.Array> = {};
  let t = 0;
  return (params: Params, grads: Params): Params => {
    t++;
    const out = {} as Params;
    for (const k of Object.keys(params) as (keyof Params)[]) {
      m[k] = (m[k] ?? np.zerosLike(params[k])).mul(b1).add(grads[k].mul(1 - b1));
      v[k] = (v[k] ?? np.zerosLike(params[k])).mul(b2).add(np.square(grads[k]).mul(1 - b2));
      const mHat = m[k].div(1 - b1 ** t);
      const vHat = v[k].div(1 - b2 ** t);
      out[k] = params[k].sub(mHat.mul(lr).div(np.sqrt(vHat).add(eps)));
    }
    return out;
  };
}

// ---- a look at the programs ------------------------------------------------------------------
const f = (x: np.Array) => np.sum(np.sin(x).mul(x));
const x0 = np.array([1, 2, 3]);
const [, fLin] = linearize(f, x0);
console.log("f(x) = sum(sin(x) * x), traced:\n" + makeProgram(f)(x0).toString());
console.log("\nits linearization at x = [1, 2, 3] (residuals are constants):\n" + fLin.program.toString());
console.log("\nthe transposed linear program (the gradient):\n" + transpose(fLin.program).toString());

// ---- training ----------------------------------------------------------------------------------
const random = mulberry32(7);
const { x, y } = twoSpirals(100, 0.2, random);
const onehot = nn.oneHot(y, 2);
let params = init(random, [2, 32, 32, 2]);
const step = adam(0.02);
const lossAndGrad = valueAndGrad(loss);
const epochs = 400;

console.log(`\ntraining a 2-32-32-2 tanh MLP on ${x.shape[0]} two-spiral points (full batch, Adam)`);
const start = performance.now();
let last = NaN;
for (let epoch = 1; epoch <= epochs; epoch++) {
  const [value, grads] = lossAndGrad(params, x, onehot);
  params = step(params, grads as Params);
  last = value.item();
  if (epoch % 50 === 0 || epoch === 1) {
    console.log(`epoch ${String(epoch).padStart(4)}  loss ${last.toFixed(4)}  accuracy ${(100 * accuracy(params, x, y)).toFixed(1)}%`);
  }
}
const seconds = (performance.now() - start) / 1000;
console.log(`\nfinal loss ${last.toFixed(4)}, accuracy ${(100 * accuracy(params, x, y)).toFixed(1)}%, ${epochs} epochs in ${seconds.toFixed(2)} s`);
