// Residuals as a choice, trained side by side: one MLP (2-64-64-2, tanh) on the quadrants' XOR,
// trained four ways with full-batch SGD — exact gradients, `checkpoint` (nothing saved but the inputs,
// the rest recomputed), and randomized AD at keep 0.5 and 0.1 (an unbiased gradient whose
// residuals are that fraction of the exact ones). Prints the loss every few epochs, the
// final accuracy, and the residual bytes `vjp` holds between the passes: memory traded
// for variance, on our own numbers.
import { type Program, checkpoint, grad, jit, linearize, nn, np, rad, random } from "lintra";
import { heldConstants } from "@lintra/core-ir";
import { mulberry32 } from "./random.js";

type Params = { w1: np.Array; b1: np.Array; w2: np.Array; b2: np.Array; w3: np.Array; b3: np.Array };

/** Points in [-1, 1]², labelled by the sign of x·y (XOR of the quadrants). */
function quadrants(n: number, rng: () => number) {
  const points: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const [a, b] = [rng() * 2 - 1, rng() * 2 - 1];
    points.push(a, b);
    labels.push(a * b > 0 ? 1 : 0);
  }
  const y = np.array(labels, { dtype: "int32" });
  return { x: np.array(points).reshape([n, 2]), y, onehot: nn.oneHot(y, 2) };
}

function init(rng: () => number): Params {
  const dense = (m: number, n: number) => np.array(Array.from({ length: m * n }, () => (rng() * 2 - 1) * Math.sqrt(6 / (m + n)))).reshape([m, n]);
  return { w1: dense(2, 64), b1: np.zeros([64]), w2: dense(64, 64), b2: np.zeros([64]), w3: dense(64, 2), b3: np.zeros([2]) };
}

const logits = (p: Params, x: np.Array) => np.tanh(np.tanh(x.matmul(p.w1).add(p.b1)).matmul(p.w2).add(p.b2)).matmul(p.w3).add(p.b3);
const loss = (p: Params, x: np.Array, onehot: np.Array) => np.mean(np.sum(onehot.mul(nn.logSoftmax(logits(p, x), -1)), -1)).neg();
const accuracy = (p: Params, x: np.Array, y: np.Array) => np.mean(np.equal(np.argmax(logits(p, x), -1), y).astype("float32")).item();

/** Bytes of the arrays a linear program holds beyond `given` (its constants and its sub-programs'), float32. */
const heldBytes = (program: Program, given: ReadonlySet<unknown>): number =>
  [...heldConstants(program)].filter((c) => !given.has(c)).reduce((bytes, c) => bytes + c.size * 4, 0);

/** The loss with the step's key as argument 0 (read by RAD's policy, ignored otherwise). */
type KeyedLoss = (key: np.Array, p: Params, x: np.Array, onehot: np.Array) => np.Array;
const keyed: KeyedLoss = (_key, p, x, onehot) => loss(p, x, onehot);
const ways: { name: string; loss: KeyedLoss }[] = [
  { name: "exact", loss: keyed },
  { name: "checkpoint", loss: checkpoint(keyed) },
  { name: "RAD keep 0.5", loss: checkpoint(keyed, { policy: rad({ keep: 0.5, keyArgnum: 0 }) }) },
  { name: "RAD keep 0.1", loss: checkpoint(keyed, { policy: rad({ keep: 0.1, keyArgnum: 0 }) }) },
];

const epochs = 400;
const LR = 0.3;
const report = [1, 100, 200, 300, 400];
const data = quadrants(256, mulberry32(7));
const rows: { name: string; losses: number[]; accuracy: number; bytes: number; ms: number }[] = [];
for (const way of ways) {
  let p = init(mulberry32(1));
  let key = random.key(0);
  const losses: number[] = [];
  const given = new Set<unknown>([...Object.values(p), data.x, data.onehot]);
  const [, fLin] = linearize((q: Params) => way.loss(key, q, data.x, data.onehot), p);
  const bytes = heldBytes(fLin.program, given);
  const step = jit((k: np.Array, q: Params) => {
    const g = grad(way.loss, { argnums: 1 })(k, q, data.x, data.onehot);
    return Object.fromEntries(Object.entries(q).map(([name, v]) => [name, v.sub(g[name as keyof Params].mul(LR))])) as Params;
  });
  const t0 = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const keys = random.split(key);
    key = keys.slice(0);
    p = step(keys.slice(1), p);
    if (report.includes(epoch)) losses.push(loss(p, data.x, data.onehot).item());
  }
  rows.push({ name: way.name, losses, accuracy: accuracy(p, data.x, data.y), bytes, ms: performance.now() - t0 });
}

console.log(`MLP 2-64-64-2 (tanh) on the XOR of the quadrants (256 points), full-batch SGD (jitted step), lr ${LR}, ${epochs} epochs; float32 on the default backend.\n`);
console.log(`| gradients | ${report.map((e) => `loss @${e}`).join(" | ")} | accuracy | residual bytes held by vjp | time |`);
console.log(`|---|${report.map(() => "---").join("|")}|---|---|---|`);
for (const r of rows) {
  console.log(`| ${r.name} | ${r.losses.map((l) => l.toFixed(3)).join(" | ")} | ${(r.accuracy * 100).toFixed(1)}% | ${(r.bytes / 1024).toFixed(1)} KiB | ${(r.ms / 1000).toFixed(1)} s |`);
}
console.log("\nResidual bytes leave out the parameters and the data, which are alive anyway. checkpoint keeps none of");
console.log("its own (it recomputes them in the backward pass). RAD samples what the matrix products of the backward");
console.log("pass read (what weight gradients need) and keeps the derivatives on the backpropagation path exact, so its");
console.log("gradient is unbiased, with variance growing as keep falls.");
