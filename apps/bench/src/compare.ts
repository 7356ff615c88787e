// Runs each library's benchmark in its own Node process, checks that their results agree (and
// match float64 references), and prints one markdown table.
//
//   pnpm --filter @lintra/bench compare [-- --rounds=3] [--with-cpu] [--quick] [--write]
//
// --rounds=N  run every process N times, interleaved, and keep the fastest round's median
// --with-cpu  add a lintra backend-cpu column (added anyway when lintra's wasm run has gaps)
// --quick     a few runs per case, to try the script out; not for recording numbers
// --write     also replace the table between the compare markers in README.md
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MATMUL_SIZES, SGD_LR, mlpData, mlpLoss64 } from "./data.js";
import type { BenchRecord, CaseName, CheckRecord, ErrorRecord, MetaRecord, TimingRecord } from "./peers/protocol.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.dirname(here);

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const rounds = Math.max(1, Number(args.find((a) => a.startsWith("--rounds="))?.split("=")[1] ?? 1));
const quick = flag("quick");

interface Process {
  script: string;
  args: string[];
}
const LINTRA: Process = { script: "lintra.ts", args: [] };
const LINTRA_JIT: Process = { script: "lintra.ts", args: ["jit"] };
const LINTRA_JIT_2: Process = { script: "lintra.ts", args: ["jit", "threads=2"] };
const LINTRA_CPU: Process = { script: "lintra.ts", args: ["cpu"] };
const peers: Process[] = [
  LINTRA,
  LINTRA_JIT,
  LINTRA_JIT_2,
  { script: "tfjs.ts", args: [] },
  { script: "jaxjs.ts", args: [] },
  { script: "jaxjs.ts", args: ["jit"] },
];

/** The 1-minute load average as each process starts. */
const loads: number[] = [];

function run(p: Process): BenchRecord[] {
  const name = [p.script, ...p.args].join(" ");
  loads.push(os.loadavg()[0]);
  process.stderr.write(`compare: running ${name}\n`);
  const t0 = performance.now();
  const res = spawnSync(process.execPath, ["--conditions=@lintra/source", "--import", "tsx", path.join(here, "peers", p.script), ...p.args], {
    cwd: benchDir,
    env: { ...process.env, BENCH_QUICK: quick ? "1" : "0" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60 * 1000,
  });
  const records = res.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as BenchRecord);
  if (res.status !== 0) {
    const label = records.find((r): r is MetaRecord => r.kind === "meta")?.label ?? name;
    records.push({ kind: "error", label, case: "process", message: res.error ? res.error.message : `exited with status ${res.status ?? res.signal}` });
  }
  process.stderr.write(`compare: ${name} took ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return records;
}

const loadBefore = os.loadavg();
const all: BenchRecord[] = [];
for (let r = 0; r < rounds; r++) {
  for (const p of peers) all.push(...run(p));
  if (r === 0) {
    const lintraMeta = all.find((x): x is MetaRecord => x.kind === "meta" && x.lib === "lintra");
    const lintraGaps = all.some((x) => x.kind === "error" && x.label === lintraMeta?.label);
    if (flag("with-cpu") || (lintraMeta && lintraMeta.backend !== "cpu" && lintraGaps)) {
      peers.push(LINTRA_CPU);
      all.push(...run(LINTRA_CPU));
    }
  }
}
const loadAfter = os.loadavg();

// ---------------------------------------------------------------------------------------------
// Collect.

const metas = new Map<string, MetaRecord>();
for (const r of all) if (r.kind === "meta") metas.set(r.label, r);
const labels = [...metas.keys()];
const errors = all.filter((r): r is ErrorRecord => r.kind === "error");
const errorsByLabel = new Map<string, string[]>();
for (const e of errors) {
  const list = errorsByLabel.get(e.label) ?? [];
  if (!list.includes(e.message)) list.push(e.message);
  errorsByLabel.set(e.label, list);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The per-process median time in ms, from the fastest round: neighbours on a shared machine
 * only ever slow a round down, and each library gets the same number of chances.
 */
function time(label: string, c: CaseName, n?: number): number | undefined {
  const ms = all.filter((r): r is TimingRecord => r.kind === "timing" && r.label === label && r.case === c && r.n === n).map((r) => r.ms);
  return ms.length ? Math.min(...ms) : undefined;
}

/** First-round check values (they are identical across rounds). */
function check(label: string, name: string): number | undefined {
  return all.find((r): r is CheckRecord => r.kind === "check" && r.label === label && r.name === name)?.value;
}

// ---------------------------------------------------------------------------------------------
// Checks: against float64 references, and across libraries.

const failures: string[] = [];
/** Labels whose results in a case are wrong: their timings are marked, not trusted. */
const wrong = new Set<string>();
const fmtE = (v: number | undefined) => (v === undefined ? "–" : v.toExponential(1));

const fmtTol = (v: number) => v.toExponential(0);
const MATMUL_TOL = 1e-5; // in units of sum |a_ik b_kj|
const CHAIN_TOL = 1e-5; // absolute; results lie in [-1, 1]
const LOSS_TOL = 1e-4; // relative, against the float64 loss
const AGREE_TOL = 1e-3; // relative, across libraries

const checkLines: string[] = [];
for (const n of MATMUL_SIZES) {
  for (const label of labels) {
    const e = check(label, `matmul ${n} error`);
    if (e !== undefined && !(e <= MATMUL_TOL)) {
      failures.push(`${label}: matmul ${n} is wrong (error ${fmtE(e)} > ${fmtTol(MATMUL_TOL)})`);
      wrong.add(`${label}|matmul ${n}`);
    }
  }
}
checkLines.push(
  `- matmul, 64 sampled entries and the sum of all entries against float64, error in units of Σ|a·b| (tolerance ${fmtTol(MATMUL_TOL)}): ` +
    labels
      .map((l) => {
        const errs = MATMUL_SIZES.map((n) => check(l, `matmul ${n} error`)).filter((e): e is number => e !== undefined);
        return `${l} ${fmtE(errs.length ? Math.max(...errs) : undefined)}`;
      })
      .join(", "),
);
for (const label of labels) {
  const e = check(label, "chain error");
  if (e !== undefined && !(e <= CHAIN_TOL)) {
    failures.push(`${label}: elementwise chain is wrong (max error ${fmtE(e)} > ${fmtTol(CHAIN_TOL)})`);
    wrong.add(`${label}|chain`);
  }
}
checkLines.push(`- elementwise chain, all 1e6 outputs against float64, max absolute error (tolerance ${fmtTol(CHAIN_TOL)}): ${labels.map((l) => `${l} ${fmtE(check(l, "chain error"))}`).join(", ")}`);

const loss64 = mlpLoss64(mlpData());
for (const label of labels) {
  for (const name of ["mlp loss", "mlp loss (valueAndGrad)"]) {
    const v = check(label, name);
    if (v !== undefined && !(Math.abs(v - loss64) <= LOSS_TOL * Math.abs(loss64))) {
      failures.push(`${label}: ${name} ${v} differs from the float64 loss ${loss64}`);
      wrong.add(`${label}|mlp`);
    }
  }
}
checkLines.push(
  `- MLP loss against the float64 forward pass (${loss64.toFixed(6)}, relative tolerance ${fmtTol(LOSS_TOL)}): ` +
    labels.map((l) => `${l} ${check(l, "mlp loss")?.toFixed(6) ?? "–"}`).join(", "),
);

/** How much one SGD step lowered the loss: sensitive to a wrong update (rate, sign, a missed parameter). */
function lossDecrease(label: string): number | undefined {
  const before = check(label, "mlp loss");
  const after = check(label, "mlp loss after one SGD step");
  return before === undefined || after === undefined ? undefined : before - after;
}
const agreeNames = ["mlp |grad w1|", "mlp |grad b1|", "mlp |grad w2|", "mlp |grad b2|", "mlp |grad w3|", "mlp |grad b3|", "mlp loss decrease in one SGD step"];
let worstSpread = 0;
for (const name of agreeNames) {
  const value = (l: string) => (name === "mlp loss decrease in one SGD step" ? lossDecrease(l) : check(l, name));
  const values = labels.map((l) => [l, value(l)] as const).filter((e): e is readonly [string, number] => e[1] !== undefined);
  if (values.length < 2) continue;
  const mid = median(values.map(([, v]) => v));
  for (const [label, v] of values) {
    const rel = Math.abs(v - mid) / Math.max(Math.abs(mid), 1e-12);
    worstSpread = Math.max(worstSpread, rel);
    if (!(rel <= AGREE_TOL)) {
      failures.push(`${label}: ${name} = ${v}, the libraries' median is ${mid}`);
      wrong.add(`${label}|mlp`);
    }
  }
}
checkLines.push(
  `- MLP gradient norms (each of the six parameters) and how much one SGD step (lr ${SGD_LR}) lowers the loss, across libraries: ` +
    `largest relative difference from the median ${fmtE(worstSpread)} (tolerance ${fmtTol(AGREE_TOL)})`,
);

// ---------------------------------------------------------------------------------------------
// Table.

/** The lintra columns compared with the peers: single-threaded, as the peers run (per row, the faster of eager and jit). */
const lintraSingle = labels.filter((l) => metas.get(l)?.lib === "lintra" && !/threads/.test(l));
const lintraLabel = lintraSingle.length ? "best single-threaded lintra" : undefined;
const peerLabels = labels.filter((l) => metas.get(l)?.lib !== "lintra");

interface Row {
  name: string;
  /** ms per label; smaller is better. */
  ms: (label: string) => number | undefined;
  cell: (ms: number) => string;
  wrongKey: string;
}

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const rows: Row[] = [
  ...MATMUL_SIZES.map(
    (n): Row => ({
      name: `matmul ${n}×${n}, GFLOP/s (ms)`,
      ms: (l) => time(l, "matmul", n),
      cell: (ms) => `${((2 * n ** 3) / (ms * 1e6)).toFixed(1)} (${fmtMs(ms)})`,
      wrongKey: `matmul ${n}`,
    }),
  ),
  {
    name: "tanh(x·a+b)·exp(−x²), 1e6 f32: ms (GB/s)",
    ms: (l) => time(l, "chain"),
    cell: (ms) => `${fmtMs(ms)} (${(8e6 / (ms * 1e6)).toFixed(2)})`,
    wrongKey: "chain",
  },
  { name: "MLP forward, ms", ms: (l) => time(l, "forward"), cell: fmtMs, wrongKey: "mlp" },
  { name: "MLP valueAndGrad, ms", ms: (l) => time(l, "valueAndGrad"), cell: fmtMs, wrongKey: "mlp" },
  { name: "MLP SGD step, ms", ms: (l) => time(l, "sgdStep"), cell: fmtMs, wrongKey: "mlp" },
];

const lines: string[] = [];
const header = ["", ...labels, ...(lintraLabel && peerLabels.length ? [`${lintraLabel} vs best peer`] : [])];
lines.push(`| ${header.join(" | ")} |`);
lines.push(`|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
for (const row of rows) {
  const cells = [row.name];
  const times = labels.map((l) => row.ms(l));
  const best = Math.min(...times.filter((t): t is number => t !== undefined));
  labels.forEach((l, i) => {
    const t = times[i];
    if (t === undefined) cells.push("n/a");
    else {
      const text = row.cell(t) + (wrong.has(`${l}|${row.wrongKey}`) ? " ✗ wrong" : "");
      cells.push(t === best ? `**${text}**` : text);
    }
  });
  if (lintraLabel && peerLabels.length) {
    const mine = Math.min(...lintraSingle.map((l) => row.ms(l) ?? Infinity));
    const peerTimes = peerLabels.map((l) => row.ms(l)).filter((t): t is number => t !== undefined);
    if (mine === Infinity || !peerTimes.length) cells.push("–");
    else {
      const ratio = mine / Math.min(...peerTimes);
      const factor = ratio >= 1 ? ratio : 1 / ratio;
      cells.push(`${factor.toFixed(factor < 1.1 ? 2 : 1)}× ${ratio >= 1 ? "slower" : "faster"}`);
    }
  }
  lines.push(`| ${cells.join(" | ")} |`);
}
{
  const cells = ["MLP valueAndGrad / forward"];
  for (const l of labels) {
    const f = time(l, "forward");
    const g = time(l, "valueAndGrad");
    cells.push(f !== undefined && g !== undefined ? `${(g / f).toFixed(1)}×` : "n/a");
  }
  if (lintraLabel && peerLabels.length) cells.push("");
  lines.push(`| ${cells.join(" | ")} |`);
}

const cpu = os.cpus();
const gitRev = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: benchDir, encoding: "utf8" }).stdout?.trim() || "?";
const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
const out: string[] = [];
out.push(
  `Machine: ${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores (${os.type()} ${os.release()}, ${os.arch()}); Node ${process.version}; ` +
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; lintra at ${gitRev}; ` +
    `load average (1/5/15 min) ${load(loadBefore)} before, ${load(loadAfter)} after, ` +
    `1-min load ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} as each process started; ` +
    `${rounds} round${rounds > 1 ? "s" : ""}${quick ? ", QUICK MODE (too few runs to record)" : ""}.`,
);
out.push("");
out.push(
  `Each column is its own process; every number is a median over runs after warm-up${rounds > 1 ? " (from the fastest of the rounds)" : ""}, ` +
    "results read back into JS each run. Bold: fastest in the row. Every column single-threaded except \"lintra wasm jit 2 threads\".",
);
out.push("");
out.push(...lines);
out.push("");
out.push("Libraries:");
for (const m of metas.values()) {
  out.push(`- ${m.label}: ${m.lib} ${m.version}, backend \`${m.backend}\`, threads: ${m.threads}${m.note ? `; ${m.note}` : ""}`);
}
for (const [label, messages] of errorsByLabel) for (const msg of messages) out.push(`- ${label} could not run a case: ${msg}`);
out.push("");
out.push(`Checks (${failures.length ? `${failures.length} FAILED` : "all passed"}):`);
out.push(...checkLines);
for (const f of failures) out.push(`- FAILED: ${f}`);

const text = out.join("\n");
process.stdout.write(`${text}\n`);

if (flag("write")) {
  const readme = path.join(benchDir, "README.md");
  const start = "<!-- compare:start -->";
  const end = "<!-- compare:end -->";
  const current = fs.readFileSync(readme, "utf8");
  const i = current.indexOf(start);
  const j = current.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} … ${end} section to replace`);
  fs.writeFileSync(readme, `${current.slice(0, i + start.length)}\n${text}\n${current.slice(j)}`);
  process.stderr.write("compare: README.md updated\n");
}
if (failures.length) process.exitCode = 1;
