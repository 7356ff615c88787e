// Train a small Elman RNN to predict the next value of noisy sine waves. The recurrence is
// one `lax.scan`, so `grad` differentiates a loop without unrolling it: the forward scan
// stacks each step's residuals, and a second scan runs backwards over them.
import { jit, lax, makeProgram, np, setBackend, valueAndGrad } from "lintra";
import { mulberry32 } from "./random.js";

setBackend(process.argv[2] ?? "wasm"); // "cpu" or "wasm"

// ---- data: batches of noisy sine waves, time-major ([steps, batch, 1]) -------------------

/** `batch` waves of random frequency and phase, sampled `steps + 1` times: xs = values 0..steps-1, ys = values 1..steps. */
function sines(random: () => number, steps: number, batch: number, noise: number) {
  const xs = new Float32Array(steps * batch);
  const ys = new Float32Array(steps * batch);
  for (let b = 0; b < batch; b++) {
    const freq = 0.2 + 0.3 * random();
    const phase = 2 * Math.PI * random();
    const wave = Array.from({ length: steps + 1 }, (_, t) => Math.sin(freq * t + phase) + noise * (random() - 0.5));
    for (let t = 0; t < steps; t++) {
      xs[t * batch + b] = wave[t];
      ys[t * batch + b] = wave[t + 1];
    }
  }
  const shape = [steps, batch, 1];
  return { xs: np.array(Array.from(xs)).reshape(shape), ys: np.array(Array.from(ys)).reshape(shape) };
}

// ---- model: parameters are a pytree (a plain object of arrays) --------------------------
type Params = { wx: np.Array; wh: np.Array; b: np.Array; wo: np.Array; bo: np.Array };

function init(random: () => number, hidden: number): Params {
  const uniform = (shape: number[], scale: number) =>
    np.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (random() * 2 - 1) * scale)).reshape(shape);
  return {
    wx: uniform([1, hidden], 1),
    wh: uniform([hidden, hidden], 1 / Math.sqrt(hidden)),
    b: np.zeros([hidden]),
    wo: uniform([hidden, 1], 1 / Math.sqrt(hidden)),
    bo: np.zeros([1]),
  };
}

/** Run the RNN over xs ([steps, batch, 1]); returns the predictions, same shape. */
function predict(p: Params, xs: np.Array): np.Array {
  const h0 = np.zeros([xs.shape[1], p.wh.shape[0]]);
  // One step: carry h [batch, hidden], x [batch, 1] -> [new h, prediction]. scan stacks the
  // predictions along a new leading axis; the final carry is not needed here.
  const [, preds] = lax.scan(
    (h: np.Array, x: np.Array) => {
      const next = np.tanh(np.matmul(x, p.wx).add(np.matmul(h, p.wh)).add(p.b));
      return [next, np.matmul(next, p.wo).add(p.bo)];
    },
    h0,
    xs,
  );
  return preds;
}

const lossFn = (p: Params, xs: np.Array, ys: np.Array) => np.mean(np.square(predict(p, xs).sub(ys)));

const lr = 0.1;
const sgd = (p: Params, g: Params): Params => ({
  wx: p.wx.sub(g.wx.mul(lr)),
  wh: p.wh.sub(g.wh.mul(lr)),
  b: p.b.sub(g.b.mul(lr)),
  wo: p.wo.sub(g.wo.mul(lr)),
  bo: p.bo.sub(g.bo.mul(lr)),
});

// The whole training step — forward scan, backward scan, update — staged once by jit.
const trainStep = jit((params: Params, xs: np.Array, ys: np.Array) => {
  const [loss, g] = valueAndGrad(lossFn)(params, xs, ys);
  return [loss, sgd(params, g as Params)] as [np.Array, Params];
});

// ---- a look at the gradient program: two scans, the second one reverse --------------------
const random = mulberry32(3);
const steps = 24;
const batch = 32;
let params = init(random, 16);
const tiny = sines(random, 4, 2, 0);
const text = makeProgram(valueAndGrad(lossFn))(params, tiny.xs, tiny.ys).toString();
console.log("scans in the staged valueAndGrad program:");
for (const line of text.split("\n").filter((l) => l.includes("= scan["))) console.log("  " + line.trim().replace(/\{ lambda.*/, "{ … }"));

// ---- training: a fresh batch every step, a fixed one for evaluation ------------------------
const test = sines(random, steps, 256, 0.1);
const baseline = np.mean(np.square(test.xs.sub(test.ys))).item(); // predict "same as now"
console.log(`\ntraining a 1-16-1 tanh RNN on ${batch} noisy sine waves of ${steps} steps per batch (SGD, lr ${lr})`);
console.log(`held-out loss of predicting the current value again: ${baseline.toFixed(4)}`);
const start = performance.now();
const iterations = 600;
for (let i = 0; i <= iterations; i++) {
  if (i % 100 === 0) console.log(`step ${String(i).padStart(4)}  held-out loss ${lossFn(params, test.xs, test.ys).item().toFixed(4)}`);
  if (i === iterations) break;
  const { xs, ys } = sines(random, steps, batch, 0.1);
  const [, next] = trainStep(params, xs, ys);
  params = next;
}
console.log(`${iterations} steps in ${((performance.now() - start) / 1000).toFixed(2)} s`);
