// Memory of `lax.scan` on the wasm backend: a 1,000-element float32 carry stepped 10,000
// times, evaluated (value only) and differentiated (grad). The value keeps one carry alive
// whatever the length; grad keeps residuals stacked per step, O(length · carry), and runs a
// second scan backwards over them. Prints, per case: time, peak bytes held by live wasm
// arrays (sampled after every allocation), the wasm linear memory, RSS (now and the process's
// peak) and JS heap used after a forced GC — the heap must not keep per-step objects.
// Usage: tsx --conditions=@lintra/source src/scan-memory.ts [length] [carry]
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type Backend, defineBackend } from "@lintra/core-ir";
import { type WasmBuffer, wasmBackend, wasmMemoryStats } from "@lintra/backend-wasm";
import { grad, lax, np, setBackend } from "lintra";

const length = Number(process.argv[2] ?? 10_000);
const size = Number(process.argv[3] ?? 1_000);

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

// The wasm backend, observed: after every buffer it allocates, note the bytes held by live arrays.
let peakLive = 0;
const sample = () => void (peakLive = Math.max(peakLive, wasmMemoryStats().liveBytes));
const kernels = Object.fromEntries(
  Object.entries(wasmBackend.kernels).map(([name, k]) => [name, (...args: unknown[]) => ((r: unknown) => (sample(), r))((k as (...a: unknown[]) => unknown)(...args))]),
) as Backend<WasmBuffer>["kernels"];
setBackend(defineBackend<WasmBuffer>({ ...wasmBackend, name: "wasm-observed", fromTyped: (d, a) => ((b) => (sample(), b))(wasmBackend.fromTyped(d, a)), kernels }));

// c ← tanh(c·w + 0.1), `length` times; the loss is the sum of the final carry.
const w = np.linspace(0.5, 1.5, size);
const c0 = np.linspace(-1, 1, size);
const step = (wv: np.Array) => (c: np.Array) => [np.tanh(c.mul(wv).add(0.1)), null] as [np.Array, null];
const loss = (c: np.Array) => np.sum(lax.scan(step(w), c, null, { length })[0]);
const lossOfW = (wv: np.Array, c: np.Array) => np.sum(lax.scan(step(wv), c, null, { length })[0]);

const MiB = 2 ** 20;
const mib = (b: number) => `${(b / MiB).toFixed(1)} MiB`;
const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
const bytes = (b: number) => (Math.abs(b) < MiB ? kib(b) : mib(b));
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise<void>((resolve) => setImmediate(resolve)); // finalizers run between tasks
  }
};

interface Case {
  name: string;
  run: () => np.Array;
  /** Residual bytes the derivative needs in principle (0 for the value). */
  theory: number;
  theoryText: string;
}
const perStep = length * size * 4;
const cases: Case[] = [
  { name: "value: loss(c0)", run: () => loss(c0), theory: 0, theoryText: "no residuals; one carry alive" },
  { name: "grad w.r.t. the initial carry", run: () => grad(loss)(c0), theory: perStep, theoryText: `1 × length × carry × 4 B (1 − tanh² per step)` },
  { name: "grad w.r.t. w, used in every step", run: () => grad(lossOfW)(w, c0), theory: 2 * perStep + size * 4, theoryText: `2 × length × carry × 4 B (c and 1 − tanh² per step) + w once` },
];

// Warm up: compile every kernel the cases use, on a short scan of the same carry.
{
  const short = (wv: np.Array, c: np.Array) => np.sum(lax.scan(step(wv), c, null, { length: 3 })[0]);
  short(w, c0).item();
  grad((c: np.Array) => short(w, c))(c0).dataSync();
  grad(short)(w, c0).dataSync();
}
await settle();

const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? "unknown";
console.log(`lax.scan, ${length} steps, carry f32[${size}], backend wasm; ${cpu}, ${cpus().length} cores; Node ${process.version}; ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`);
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
for (const c of cases) {
  await settle();
  const before = { ...process.memoryUsage(), live: wasmMemoryStats().liveBytes };
  peakLive = before.live;
  const t0 = performance.now();
  let out: np.Array | null = c.run();
  const checksum = Array.from(out.dataSync() as Float32Array).reduce((a, b) => a + b, 0);
  const ms = performance.now() - t0;
  const afterReturn = { ...process.memoryUsage(), live: wasmMemoryStats().liveBytes, memory: wasmMemoryStats().memoryBytes };
  const maxRss = process.resourceUsage().maxRSS * 1024;
  out = null;
  await settle();
  const after = { ...process.memoryUsage(), live: wasmMemoryStats().liveBytes };
  console.log(`\n${c.name}  (sum of the output ${checksum.toPrecision(6)})`);
  console.log(`  time                      ${ms.toFixed(0)} ms (${((ms * 1000) / length).toFixed(1)} µs per step)`);
  console.log(`  wasm live, peak           ${bytes(peakLive - before.live)} above the ${kib(before.live)} before; in theory ${c.theory ? mib(c.theory) : "O(carry)"}: ${c.theoryText}`);
  console.log(`  wasm live, after return   ${kib(afterReturn.live - before.live)} above before; after GC ${kib(after.live - before.live)}`);
  console.log(`  wasm linear memory        ${mib(afterReturn.memory)} (its high-water mark so far)`);
  console.log(`  rss                       ${mib(before.rss)} before, ${mib(afterReturn.rss)} after return, ${mib(after.rss)} after GC; process peak so far ${mib(maxRss)}`);
  console.log(`  JS heap used (after GC)   ${mib(before.heapUsed)} before, ${mib(after.heapUsed)} after (${kib(after.heapUsed - before.heapUsed)}); ArrayBuffers ${mib(before.arrayBuffers)} → ${mib(after.arrayBuffers)}`);
}
