/**
 * A training loop that never yields to the event loop, run in its own process by
 * soak.test.ts: `tsx sgd-loop.ts <backend> <mode> <steps>`. Modes: `tidy` (each step in a
 * tidy), `donate` (a jitted step donating its parameters), `yield` (one await per step, no
 * tidy), `oom` (like tidy, plus an allocation beyond the backend's ceiling every 100 steps),
 * `leak` (no tidy, no yield: what the other modes are compared against).
 * Prints one JSON line: memory at the start (after a warm-up) and at the end.
 */
import { wasmMemoryStats } from "@lintra/backend-wasm";
import { type np as NP, BackendError, grad, jit, nn, np, setBackend, tidy } from "../../src/index.js";

type Params = { w1: NP.Array; b1: NP.Array; w2: NP.Array; b2: NP.Array; w3: NP.Array; b3: NP.Array };

const [backend, mode, stepsArg] = process.argv.slice(2);
const steps = Number(stepsArg);
setBackend(backend);

let seed = 1;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const randn = (rows: number, cols: number, scale: number) => np.array(Array.from({ length: rows * cols }, () => rand() * scale)).reshape([rows, cols]);

function init(): Params {
  return {
    w1: randn(64, 128, 0.1), b1: np.zeros([128]),
    w2: randn(128, 128, 0.1), b2: np.zeros([128]),
    w3: randn(128, 10, 0.1), b3: np.zeros([10]),
  };
}

function loss(p: Params, x: NP.Array, y: NP.Array): NP.Array {
  const h1 = nn.relu(x.matmul(p.w1).add(p.b1));
  const h2 = nn.relu(h1.matmul(p.w2).add(p.b2));
  const logits = h2.matmul(p.w3).add(p.b3);
  return np.mean(np.sum(nn.logSoftmax(logits, -1).mul(y), -1)).neg();
}

const update = (p: Params, g: Params): Params =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.sub(g[k as keyof Params].mul(0.01))])) as Params;

function sgdStep(p: Params, x: NP.Array, y: NP.Array): Params {
  return update(p, grad(loss)(p, x, y) as Params);
}

const x = randn(32, 64, 1);
const y = nn.oneHot(np.array(Array.from({ length: 32 }, (_, i) => i % 10), { dtype: "int32" }), 10);
const jitted = jit(sgdStep, { donateArgnums: 0 });

function memory() {
  return { wasmBytes: wasmMemoryStats().memoryBytes, liveBytes: wasmMemoryStats().liveBytes, rss: process.memoryUsage().rss };
}

async function run(): Promise<void> {
  let p = init();
  const step = (i: number) => {
    if (mode === "donate") p = jitted(p, x, y);
    else if (mode === "yield" || mode === "leak") p = sgdStep(p, x, y);
    else {
      const next = tidy(() => sgdStep(p, x, y));
      for (const v of Object.values(p)) v.dispose();
      p = next;
      if (mode === "oom" && i % 100 === 0) {
        try {
          // Within the array limit on wasm (the memory cannot grow that far); beyond it on cpu.
          tidy(() => np.zeros([backend === "wasm" ? 900_000_000 : 2 ** 31]));
        } catch (e) {
          if (!(e instanceof BackendError)) throw e;
        }
      }
    }
  };
  const warmup = Math.min(200, Math.floor(steps / 10));
  let i = 0;
  for (; i < warmup; i++) {
    step(i);
    if (mode === "yield") await new Promise((r) => setImmediate(r));
  }
  const start = memory();
  const t0 = performance.now();
  for (; i < steps; i++) {
    step(i);
    if (mode === "yield") await new Promise((r) => setImmediate(r));
  }
  const ms = performance.now() - t0;
  const end = memory();
  const finalLoss = loss(p, x, y).item();
  console.log(JSON.stringify({ backend, mode, steps, msPerStep: ms / (steps - warmup), start, end, finalLoss }));
}

await run();
