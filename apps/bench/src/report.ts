// Prints the numbers recorded in this package's README: medians after warm-up, results read back.
import os from "node:os";
import { getBackend, np, valueAndGrad } from "lintra";
import { type Params, loss, makeMlp, sgd } from "./mlp.js";

function median(fn: () => void, { warmup = 3, runs = 15 } = {}): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const { params, x, onehot } = makeMlp();
const lossAndGrad = valueAndGrad(loss);
const forward = median(() => loss(params, x, onehot).item());
const both = median(() => {
  const [value, grads] = lossAndGrad(params, x, onehot);
  value.item();
  (grads as Params).w1.dataSync();
});
const step = median(() => {
  const [, grads] = lossAndGrad(params, x, onehot);
  sgd(params, grads as Params, 0.01).w1.dataSync();
});

const a = np.array([1, 2, 3, 4]);
const n = 20000;
const dispatch = median(() => {
  for (let i = 0; i < n; i++) a.add(a);
}, { warmup: 1, runs: 5 }) / n;

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}; backend ${getBackend().name}; ${new Date().toISOString().slice(0, 10)}`);
console.log("| MLP 784-512-512-10, batch 128, f32 | median |");
console.log("|---|---|");
console.log(`| forward (loss) | ${forward.toFixed(1)} ms |`);
console.log(`| valueAndGrad | ${both.toFixed(1)} ms |`);
console.log(`| gradient overhead (valueAndGrad / forward) | ${(both / forward).toFixed(2)}× |`);
console.log(`| SGD step | ${step.toFixed(1)} ms |`);
console.log(`| eager dispatch, one primitive on f32[4] | ${(dispatch * 1000).toFixed(2)} µs |`);
