// A long training loop on the wasm backend, printing wasm linear memory and process RSS at
// the start, at checkpoints and at the end: memory must stay flat with no manual frees.
// Usage: tsx --conditions=@lintra/source src/memory.ts [steps]
import { wasmBackend, wasmMemoryStats } from "@lintra/backend-wasm";
import { type np, setBackend, valueAndGrad } from "lintra";
import { type Params, loss, makeMlp, sgd } from "./mlp.js";

const steps = Number(process.argv[2] ?? 10_000);
setBackend(wasmBackend);
const { params: initial, x, onehot } = makeMlp([64, 128, 128, 10], 64);
const lossAndGrad = valueAndGrad(loss);
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function report(label: string, step: number, value: number) {
  const { liveBytes, memoryBytes, compiledKernels } = wasmMemoryStats();
  const rss = process.memoryUsage().rss;
  console.log(
    `${label.padEnd(6)} step ${String(step).padStart(6)}  loss ${value.toFixed(4)}  wasm memory ${mib(memoryBytes)}  live ${mib(liveBytes)}  rss ${mib(rss)}  kernels ${compiledKernels}`,
  );
}

let params: Params = initial;
let last = NaN;
for (let step = 1; step <= steps; step++) {
  const [value, grads] = lossAndGrad(params, x, onehot) as [np.Array, Params];
  params = sgd(params, grads, 0.05);
  last = value.item();
  if (step === 1) report("start", step, last);
  else if (step % Math.max(1, Math.floor(steps / 10)) === 0) report(step === steps ? "end" : "", step, last);
  // Give the event loop a turn, as any real training loop does (progress, data loading):
  // arrays the program dropped are handed back to the allocator by the GC between tasks.
  await yieldToEventLoop();
}
if (steps % Math.max(1, Math.floor(steps / 10)) !== 0) report("end", steps, last);
