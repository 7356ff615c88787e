// The fixed cost of one eager primitive under the transformations: a long scalar loop
// (sin, mul, add per step), where every kernel is trivial, so the time is the per-primitive
// work around it (shape rules, tracers, array wrappers, finalizers, linearize and transpose).
// Prints µs per primitive of the loop for eager grad, valueAndGrad, jvp and the plain forward
// call, on backend-cpu and backend-wasm: the fastest of several runs, in wall time and in
// process CPU time (which includes the collector's helper threads).
//
//   pnpm --filter @lintra/bench eager [-- --steps=10000] [--runs=5] [--backend=cpu]
import { grad, jvp, makeProgram, np, setBackend, valueAndGrad } from "lintra";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const steps = option("steps", 10000);
const runs = Math.max(1, option("runs", 5));
const only = args.find((a) => a.startsWith("--backend="))?.split("=")[1];
const backends = only ? [only] : ["cpu", "wasm"];

/** `steps` steps of y = sin(y)·1.0001 + 0.1: three primitives each. */
function loop(x: np.Array): np.Array {
  let y = x;
  for (let i = 0; i < steps; i++) y = np.sin(y).mul(1.0001).add(0.1);
  return y;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The fastest of `runs` calls, in ms of wall time and of process CPU time (the latter is less
 * disturbed by other processes on a shared machine); the event loop turns between calls, so
 * finalizers run.
 */
async function fastest(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  fn(); // warm-up: compiles the backend's kernels and the JS engine's code
  await tick();
  const best = { wall: Infinity, cpu: Infinity };
  for (let r = 0; r < runs; r++) {
    const [t0, c0] = [performance.now(), process.cpuUsage()];
    fn();
    const c = process.cpuUsage(c0);
    best.wall = Math.min(best.wall, performance.now() - t0);
    best.cpu = Math.min(best.cpu, (c.user + c.system) / 1000);
    await tick();
  }
  return best;
}

const cases: [string, (x: np.Array) => unknown][] = [
  ["forward", (x) => loop(x).item()],
  ["grad", (x) => (grad(loop)(x) as np.Array).item()],
  ["valueAndGrad", (x) => (valueAndGrad(loop)(x)[1] as np.Array).item()],
  ["jvp", (x) => (jvp(loop, [x], [np.array(1)])[1] as np.Array).item()],
];

const prims = makeProgram(loop)(np.array(0.5)).eqns.length;
console.log(`eager scalar loop: ${steps} steps, ${prims} primitives; µs per primitive, fastest of ${runs} runs\n`);
const us = (ms: number) => ((ms * 1000) / prims).toFixed(2);
console.log(`| case | ${backends.map((b) => `${b} wall | ${b} cpu`).join(" | ")} |\n|---|${backends.map(() => "---:|---:").join("|")}|`);
const rows = new Map<string, string[]>(cases.map(([name]) => [name, []]));
for (const backend of backends) {
  setBackend(backend);
  const x = np.array(0.5);
  for (const [name, fn] of cases) {
    const { wall, cpu } = await fastest(() => fn(x));
    rows.get(name)!.push(us(wall), us(cpu));
  }
}
for (const [name, cells] of rows) console.log(`| ${name} | ${cells.join(" | ")} |`);
