// lintra's `jit` against eager, in one process: the elementwise chain and the MLP
// 784-512-512-10 (forward, valueAndGrad, one SGD step) on backend-wasm and backend-cpu, each
// the same function called eagerly and under `jit`, every result read back. The first `jit`
// call (trace + run) is timed on its own; the rest are medians after warm-up (`measure`).
//
//   pnpm --filter @lintra/bench jit [-- --rounds=3] [--wasm-only] [--quick] [--write]
//
// --rounds=N   measure every case N times (eager and jit interleaved, alternating which goes first)
//              after one unrecorded round, and keep the fastest round's median
// --wasm-only  leave out the backend-cpu columns
// --quick      a few runs per case, to try the script out; not for recording numbers
// --write      also replace the section between the jit markers in README.md
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { jit, makeProgram, np, setBackend, setWasmThreads, valueAndGrad } from "lintra";
import { CHAIN_A, CHAIN_B, PARAM_NAMES, SGD_LR, chainError, chainInput, mlpData, mlpLoss64 } from "./data.js";
import { type Params, loss, makeMlp, sgd } from "./mlp.js";
import { measure } from "./peers/run.js";

const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const rounds = Math.max(1, Number(args.find((a) => a.startsWith("--rounds="))?.split("=")[1] ?? 1));
const quick = flag("quick");
if (quick) process.env.BENCH_QUICK = "1"; // read by `measure` at each call
const backends = flag("wasm-only") ? ["wasm"] : ["wasm", "cpu"];
setWasmThreads(1); // one thread: what compiling gains, not what more cores do

const read = (x: np.Array) => x.dataSync() as Float32Array;
/** Read back a loss and a pytree of parameters or gradients. */
const readBoth = ([value, p]: [np.Array, unknown]) => [read(value), ...PARAM_NAMES.map((k) => read((p as Params)[k]))];
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One function, called eagerly and under `jit`; each call computes and reads its results back. */
interface Case {
  name: string;
  /** Equations in the staged program: what the interpreter runs, one kernel call each. */
  prims: number;
  eager(): Float32Array[];
  jit(): Float32Array[];
  /** Checks of the first calls' results (same inputs): [what, value, tolerance]. */
  checks(eager: Float32Array[], jitted: Float32Array[]): [string, number, number][];
}

const chain = (x: np.Array) => np.tanh(x.mul(CHAIN_A).add(CHAIN_B)).mul(np.exp(x.mul(x).neg()));

/** One SGD step: the loss at `p`, and the parameters after the update. */
function step(p: Params, x: np.Array, onehot: np.Array): [np.Array, Params] {
  const [value, g] = valueAndGrad(loss)(p, x, onehot);
  return [value, sgd(p, g as Params, SGD_LR)];
}

/** The largest |a − b| over the outputs, each relative to its largest |a|; NaN or Infinity fail every check. */
function relDiff(a: Float32Array[], b: Float32Array[]): number {
  if (a.length !== b.length || a.some((x, i) => x.length !== b[i].length)) return Infinity;
  let worst = 0;
  a.forEach((x, i) => {
    let [scale, diff] = [0, 0];
    for (let j = 0; j < x.length; j++) {
      scale = Math.max(scale, Math.abs(x[j]));
      diff = Math.max(diff, Math.abs(x[j] - b[i][j]));
    }
    worst = Math.max(worst, diff / Math.max(scale, 1e-30));
  });
  return worst;
}

const SAME_TOL = 1e-5; // jit against eager: the same kernels, so (nearly) the same bits
const CHAIN_TOL = 1e-5; // absolute, against float64
const LOSS_TOL = 1e-4; // relative, against the float64 loss

/** The cases on the current backend. The SGD steps start from the same parameters, then each keeps its own. */
function makeCases(): Case[] {
  const xHost = chainInput();
  const x = np.array(xHost);
  const chainJit = jit(chain);
  const { params, x: input, onehot } = makeMlp();
  const loss64 = mlpLoss64(mlpData());
  const lossChecks = (e: Float32Array[], j: Float32Array[]): [string, number, number][] => [
    ["jit against eager", relDiff(e, j), SAME_TOL],
    ["jit loss against float64", Math.abs(j[0][0] - loss64) / loss64, LOSS_TOL],
  ];
  const forwardJit = jit(loss);
  const lossAndGrad = valueAndGrad(loss);
  const lossAndGradJit = jit(valueAndGrad(loss));
  const stepJit = jit(step);
  let eagerParams = params;
  let jitParams = params;
  const count = (f: (...a: any[]) => unknown, ...a: unknown[]) => makeProgram(f)(...a).eqns.length;
  return [
    {
      name: "chain",
      prims: count(chain, x),
      eager: () => [read(chain(x))],
      jit: () => [read(chainJit(x))],
      checks: (e, j) => [
        ["jit against eager", relDiff(e, j), SAME_TOL],
        ["jit against float64", chainError(xHost, j[0]), CHAIN_TOL],
      ],
    },
    {
      name: "forward",
      prims: count(loss, params, input, onehot),
      eager: () => [read(loss(params, input, onehot))],
      jit: () => [read(forwardJit(params, input, onehot))],
      checks: lossChecks,
    },
    {
      name: "valueAndGrad",
      prims: count(valueAndGrad(loss), params, input, onehot),
      eager: () => readBoth(lossAndGrad(params, input, onehot)),
      jit: () => readBoth(lossAndGradJit(params, input, onehot)),
      checks: lossChecks,
    },
    {
      name: "sgdStep",
      prims: count(step, params, input, onehot),
      // each keeps the parameters its step returns
      eager: () => readBoth(([, eagerParams] = step(eagerParams, input, onehot))),
      jit: () => readBoth(([, jitParams] = stepJit(jitParams, input, onehot))),
      checks: lossChecks,
    },
  ];
}

/** Minor page faults per call over `n` calls: how much memory each call touches for the first time. */
function pageFaults(fn: () => unknown, n: number): number {
  const before = process.resourceUsage().minorPageFault;
  for (let i = 0; i < n; i++) fn();
  return (process.resourceUsage().minorPageFault - before) / n;
}

interface Result {
  prims: number;
  /** The first jit call: trace + run. */
  first: number;
  /** Medians per recorded round, and minor page faults per call. */
  eager: number[];
  jit: number[];
  faults: Record<"eager" | "jit", number>;
  checks: [string, number, number][];
}

// ---------------------------------------------------------------------------------------------
// Run: first calls and checks, then the measured rounds.

const loadBefore = os.loadavg();
const suites: { backend: string; cases: Case[] }[] = [];
const results = new Map<string, Result>();
for (const backend of backends) {
  setBackend(backend);
  const cases = makeCases();
  suites.push({ backend, cases });
  for (const c of cases) {
    process.stderr.write(`jit: ${backend} ${c.name}, first calls\n`);
    const eager = c.eager(); // compiles the backend's kernels, so the jit call below is trace + run only
    const t0 = performance.now();
    const jitted = c.jit();
    const first = performance.now() - t0;
    const faults = { eager: 0, jit: 0 };
    results.set(`${backend}|${c.name}`, { prims: c.prims, first, eager: [], jit: [], faults, checks: c.checks(eager, jitted) });
    await tick();
  }
}
// Round 0 is not recorded: it grows the wasm memory to its high-water mark (eager arrays a timed
// loop drops come back only when finalizers run, between tasks), so no recorded round pays for that.
for (let r = 0; r <= rounds; r++) {
  for (const { backend, cases } of suites) {
    setBackend(backend);
    for (const c of cases) {
      process.stderr.write(`jit: ${r ? `round ${r}/${rounds}` : "warm-up round"}, ${backend} ${c.name}\n`);
      const res = results.get(`${backend}|${c.name}`)!;
      for (const mode of r % 2 ? (["eager", "jit"] as const) : (["jit", "eager"] as const)) {
        const { ms } = measure(() => c[mode]());
        if (r > 0) res[mode].push(ms);
        await tick(); // eager temporaries go back through finalizers between tasks
      }
    }
  }
}
for (const { backend, cases } of suites) {
  setBackend(backend);
  for (const c of cases) {
    for (const mode of ["eager", "jit"] as const) {
      results.get(`${backend}|${c.name}`)!.faults[mode] = pageFaults(() => c[mode](), quick ? 2 : 5);
      await tick();
    }
  }
}
const loadAfter = os.loadavg();

// ---------------------------------------------------------------------------------------------
// Report.

const ROWS: [string, string][] = [
  ["chain", "tanh(x·a+b)·exp(−x²), 1e6 f32"],
  ["forward", "MLP forward (loss)"],
  ["valueAndGrad", "MLP valueAndGrad (loss, 6 gradients)"],
  ["sgdStep", "MLP SGD step (valueAndGrad + update)"],
];
const failures: string[] = [];
for (const [key, res] of results) {
  for (const [what, value, tol] of res.checks) if (!(value <= tol)) failures.push(`${key.replace("|", " ")}: ${what} ${value.toExponential(1)} > ${tol.toExponential(0)}`);
}
const wrong = (key: string) => results.get(key)!.checks.some(([, v, tol]) => !(v <= tol));
const fastest = (ms: number[]) => Math.min(...ms);
const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
/** jit against eager as "1.3× faster" / "1.1× slower" (ratio = jit / eager). */
function versus(ratio: number): string {
  const factor = ratio >= 1 ? ratio : 1 / ratio;
  return `${factor.toFixed(factor < 1.1 ? 2 : 1)}× ${ratio > 1 ? "slower" : "faster"}`;
}

const lines: string[] = [];
const header = ["", ...backends.flatMap((b) => [`${b} eager, ms`, `${b} jit, ms`, `${b} jit vs eager`, `${b} jit first call, ms`])];
lines.push(`| ${header.join(" | ")} |`);
lines.push(`|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
for (const [name, label] of ROWS) {
  const cells = [`${label}, ${results.get(`${backends[0]}|${name}`)!.prims} primitives`];
  for (const b of backends) {
    const res = results.get(`${b}|${name}`)!;
    const [e, j] = [fastest(res.eager), fastest(res.jit)];
    cells.push(fmtMs(e), fmtMs(j) + (wrong(`${b}|${name}`) ? " ✗ wrong" : ""), versus(j / e), fmtMs(res.first));
  }
  lines.push(`| ${cells.join(" | ")} |`);
}

/** What the numbers show, from the numbers: faster, level (within ±5%) and slower cases per backend. */
function summary(): string[] {
  const counts = [...results.values()].map((r) => r.prims);
  const out = [
    "What the numbers show: under `jit` the backend compiles the program. Chains of elementwise " +
      "operations (with their broadcasts, and on wasm a reduction at their end) run as one loop, so the " +
      "chain reads its input once and writes its output once instead of one full pass over memory per " +
      "primitive; wasm keeps intermediates in one arena planned from liveness, cpu runs the program as one " +
      "generated function. Around the kernels, `jit` also skips the shape and dtype rules, the trace lookup " +
      "and the array wrappers and finalizers, and, in the gradient cases, linearizing and transposing the " +
      "loss again on every call. The matrix products are the same kernels either way, so the MLP rows gain " +
      "less than the chain. " +
      `These programs hold ${Math.min(...counts)}–${Math.max(...counts)} primitives.`,
    "",
  ];
  const firstRatios: number[] = [];
  for (const b of backends) {
    const groups: Record<"faster" | "level" | "slower", string[]> = { faster: [], level: [], slower: [] };
    for (const [name, label] of ROWS) {
      const res = results.get(`${b}|${name}`)!;
      const ratio = fastest(res.jit) / fastest(res.eager);
      firstRatios.push(res.first / fastest(res.jit));
      const text = `${label.replace(/ \(.*\)$/, "")} (${versus(ratio)})`;
      groups[ratio < 0.95 ? "faster" : ratio > 1.05 ? "slower" : "level"].push(text);
    }
    const list = (xs: string[]) => (xs.length ? xs.join(", ") : "none");
    const slower = groups.slower.length ? `**slower on ${list(groups.slower)}**` : "slower on none";
    out.push(`- ${b}: jit faster on ${list(groups.faster)}; level, within ±5%, on ${list(groups.level)}; ${slower}.`);
  }
  out.push(
    `- The first call traces the function (for the gradient cases: linearizes and transposes it too), ` +
      `then runs it: ${Math.min(...firstRatios).toFixed(1)}–${Math.max(...firstRatios).toFixed(1)}× a steady-state jit call ` +
      "(the backend's kernels were already compiled by the eager calls before it).",
  );
  return out;
}

/** Model name and core count from /proc/cpuinfo, or from `os.cpus()` where there is none. */
function machine(): string {
  const info = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1].trim() ?? os.cpus()[0]?.model ?? "unknown CPU";
  return `${model}, ${info.match(/^processor\s*:/gm)?.length ?? os.cpus().length} cores`;
}

const gitRev = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: benchDir, encoding: "utf8" }).stdout?.trim() || "?";
const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
const out: string[] = [];
out.push(
  `Machine: ${machine()} (${os.type()} ${os.release()}, ${os.arch()}); Node ${process.version}; ` +
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; lintra at ${gitRev}; ` +
    `load average (1/5/15 min) ${load(loadBefore)} before, ${load(loadAfter)} after; ` +
    `${rounds} round${rounds > 1 ? "s" : ""}${quick ? ", QUICK MODE (too few runs to record)" : ""}.`,
);
out.push("");
out.push(
  `One process; every number but the first call is a median over runs after warm-up${rounds > 1 ? " (from the fastest of the rounds)" : ""}, ` +
    "results read back into JS each run. Primitives: equations in the staged program, each one kernel call.",
);
out.push("");
out.push(...lines);
out.push("");
out.push(`Checks on the first calls, jit against eager from the same inputs (${failures.length ? `${failures.length} FAILED` : "all passed"}):`);
for (const b of backends) {
  const parts = ROWS.map(([name]) => `${name} ${results.get(`${b}|${name}`)!.checks.map(([what, v]) => `${what} ${v.toExponential(1)}`).join(", ")}`);
  out.push(`- ${b}: ${parts.join("; ")}`);
}
for (const f of failures) out.push(`- FAILED: ${f}`);
out.push("");
out.push("Minor page faults per call (memory touched for the first time), eager / jit, counted over a few calls after the timed rounds:");
for (const b of backends) {
  out.push(`- ${b}: ${ROWS.map(([name]) => `${name} ${Object.values(results.get(`${b}|${name}`)!.faults).map((f) => f.toFixed(0)).join(" / ")}`).join(", ")}`);
}
out.push("");
out.push(...summary());

const text = out.join("\n");
process.stdout.write(`${text}\n`);

if (flag("write")) {
  const readme = path.join(benchDir, "README.md");
  const start = "<!-- jit:start -->";
  const end = "<!-- jit:end -->";
  const current = fs.readFileSync(readme, "utf8");
  const i = current.indexOf(start);
  const j = current.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} … ${end} section to replace`);
  fs.writeFileSync(readme, `${current.slice(0, i + start.length)}\n${text}\n${current.slice(j)}`);
  process.stderr.write("jit: README.md updated\n");
}
if (failures.length) process.exitCode = 1;
