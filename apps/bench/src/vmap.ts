// Batching against JS loops, in one process on backend-wasm: per-example gradients of the MLP
// loss for a batch of 128 (`vmap(grad)` against 128 `grad` calls), and the Jacobian of an
// R^100 -> R^100 function (`jacrev` = vmap of one VJP over the basis, against one VJP call per
// output row, which is how `jacrev` was computed before `vmap`). Results are read back.
//
//   pnpm --filter @lintra/bench vmap [-- --quick]
import os from "node:os";
import { ConcreteArray } from "@lintra/core-ir";
import { grad, jacfwd, jacrev, jit, jvp, np, setBackend, vjp, vmap } from "lintra";
import { type Params, loss, makeMlp } from "./mlp.js";
import { measure } from "./peers/run.js";

if (process.argv.includes("--quick")) process.env.BENCH_QUICK = "1";
setBackend("wasm");

const { params, x, onehot } = makeMlp([784, 512, 512, 10], 128);
const one = (i: number) => np.array(i, { dtype: "int32" });
/** The loss of one example: the batch of one sliced out of x and the labels. */
const exampleLoss = (p: Params, xi: np.Array, yi: np.Array) => loss(p, xi.reshape([1, -1]), yi.reshape([1, -1]));
/**
 * Read the arrays back, then give their memory back at once: the timed loop never yields to
 * the event loop, so arrays it drops would otherwise wait for finalizers that run only
 * between tasks (hundreds of MiB per call here).
 */
function readAndRelease(arrays: readonly unknown[]): Float32Array[] {
  const data = arrays.map((a) => (a as np.Array).dataSync() as Float32Array);
  for (const a of arrays) if (a instanceof ConcreteArray) a.dispose();
  return data;
}
const readParams = (g: Params) => readAndRelease(Object.values(g));

const perExample = vmap(grad(exampleLoss), { inAxes: [null, 0, 0] });
const perExampleJit = jit(perExample);
const looped = () => Array.from({ length: 128 }, (_, i) => readParams(grad(exampleLoss)(params, np.take(x, one(i), 0), np.take(onehot, one(i), 0)) as Params));

const n = 100;
const a = np.array(Array.from({ length: n * n }, (_, i) => Math.sin(i) / n)).reshape([n, n]);
const field = (v: np.Array) => np.tanh(np.matmul(a, v)).mul(v);
const v0 = np.array(Array.from({ length: n }, (_, i) => Math.cos(i)));
const rowByRow = () => {
  const [, fVjp] = vjp(field, v0);
  return Array.from({ length: n }, (_, i) => readAndRelease(fVjp(np.eye(n).slice(i)))[0]);
};
const columnByColumn = () => Array.from({ length: n }, (_, j) => readAndRelease([jvp(field, [v0], [np.eye(n).slice(j)])[1]])[0]);

const rows: [string, number, number][] = [];
const time = (label: string, batched: () => unknown, loop: () => unknown) => {
  const b = measure(batched).ms;
  const l = measure(loop).ms;
  rows.push([label, b, l]);
};
time("per-example gradients, MLP 784-512-512-10, batch 128: vmap(grad) vs 128 grad calls", () => readParams(perExample(params, x, onehot) as Params), looped);
time("the same under jit: jit(vmap(grad)) vs 128 grad calls", () => readParams(perExampleJit(params, x, onehot) as Params), looped);
time("Jacobian R^100 -> R^100 by reverse mode: jacrev (vmap of one VJP) vs one VJP per row", () => readAndRelease([jacrev(field)(v0)]), rowByRow);
time("Jacobian R^100 -> R^100 by forward mode: jacfwd (vmap of jvp) vs one JVP per column", () => readAndRelease([jacfwd(field)(v0)]), columnByColumn);

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, backend wasm, ${new Date().toISOString().slice(0, 10)}\n`);
console.log("| case | batched, ms | loop, ms | speed-up |\n|---|---:|---:|---:|");
for (const [label, b, l] of rows) console.log(`| ${label} | ${b.toFixed(1)} | ${l.toFixed(1)} | ${(l / b).toFixed(1)}× |`);
