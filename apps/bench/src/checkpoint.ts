// Residuals as a choice: the bytes `vjp` holds between the forward and the backward pass,
// and the time of value + gradient, for exact reverse mode, `checkpoint` under each
// policy, and randomized AD (`rad`) at keep 0.5 and 0.1. Two workloads: the MLP
// 784-512-512-10 (batch 128, each layer checkpointed; the whole loss for RAD) and a
// 1,000-step `lax.scan` whose body is checkpointed. Bytes are counted from the linear program `vjp` keeps (its constants and those of its sub-programs: every
// array the backward pass reads), so they are exact, not sampled. Two counts: everything
// held, and the residuals beyond the arrays the caller passed in or closed over (parameters,
// data): those the caller keeps alive anyway, so only the rest is memory that checkpointing
// can save.
//
//   pnpm --filter @lintra/bench checkpoint [-- --rounds=5] [--write]
import fs from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { heldConstants } from "@lintra/core-ir";
import { type Program, checkpoint, lax, linearize, nn, np, rad, random, setBackend, vjp } from "lintra";
import { type Params, loss as mlpLoss, makeMlp } from "./mlp.js";

const flag = (name: string) => process.argv.includes(`--${name}`);
const option = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const rounds = option("rounds", 5);
setBackend("wasm");

type Policy = "exact" | "nothing_saveable" | "dots_saveable" | "everything_saveable" | "rad 0.5" | "rad 0.1";
const POLICIES: Policy[] = ["exact", "everything_saveable", "dots_saveable", "nothing_saveable", "rad 0.5", "rad 0.1"];

/** Every array a program holds (its constants and those of its sub-programs), once each. */
const held = (program: Program) => heldConstants(program) as Set<np.Array>;
const bytesOf = (arrays: Iterable<np.Array>) => [...arrays].reduce((s, a) => s + a.size * (a.dtype === "float64" ? 8 : a.dtype === "bool" ? 1 : 4), 0);

/** Wrap `f` by policy: the function itself for exact reverse mode. */
const under = <F extends (...args: any[]) => any>(f: F, policy: Policy): F => {
  if (policy === "exact") return f;
  if (policy.startsWith("rad")) return checkpoint(f, { policy: rad({ keep: Number(policy.split(" ")[1]), key: random.key(0) }) }) as F;
  return checkpoint(f, { policy: policy as Exclude<Policy, "exact" | "rad 0.5" | "rad 0.1"> }) as F;
};

// The MLP: each layer a checkpoint (as JAX users write remat per block); for RAD the whole
// loss, since RAD samples the activations that weight gradients read, which a per-layer
// checkpoint receives as inputs.
const mlp = makeMlp();
function mlpWith(policy: Policy) {
  if (policy.startsWith("rad")) {
    const whole = under((p: Params) => mlpLoss(p, mlp.x, mlp.onehot), policy);
    return (p: Params) => whole(p);
  }
  const layer = under((h: np.Array, w: np.Array, b: np.Array) => nn.relu(np.matmul(h, w).add(b)), policy);
  const head = under((h: np.Array, w: np.Array, b: np.Array, onehot: np.Array) => np.mean(np.sum(onehot.mul(nn.logSoftmax(np.matmul(h, w).add(b), -1)), -1)).neg(), policy);
  return (p: Params) => head(layer(layer(mlp.x, p.w1, p.b1), p.w2, p.b2), p.w3, p.b3, mlp.onehot);
}

// The scan: 1,000 steps of a two-layer tanh cell (carry 256, hidden 512), loss = sum of ys.
const LENGTH = 1000;
const carry = 256;
const hidden = 512;
const scanW1 = np.linspace(-0.05, 0.05, carry * hidden).reshape([carry, hidden]);
const scanW2 = np.linspace(0.05, -0.05, hidden * carry).reshape([hidden, carry]);
const xs = np.linspace(-1, 1, LENGTH * carry).reshape([LENGTH, carry]);
function scanWith(policy: Policy) {
  const cell = under((h: np.Array, x: np.Array, w1: np.Array, w2: np.Array): [np.Array, np.Array] => {
    const a = np.tanh(np.matmul(h.add(x), w1));
    const next = np.tanh(np.matmul(a, w2));
    return [next, np.sum(next)];
  }, policy);
  return (w: { w1: np.Array; w2: np.Array }) => {
    const [, ys] = lax.scan((h: np.Array, x: np.Array) => cell(h, x, w.w1, w.w2), np.zeros([carry]), xs);
    return np.sum(ys);
  };
}

interface Row {
  workload: string;
  policy: Policy;
  bytes: number;
  beyondInputs: number;
  ms: number;
}

function measure<P>(workload: string, make: (policy: Policy) => (p: P) => np.Array, params: P, inputs: readonly np.Array[]): Row[] {
  const given = new Set(inputs);
  return POLICIES.map((policy) => {
    const f = make(policy);
    const [, fLin] = linearize(f, params);
    const all = held(fLin.program);
    const bytes = bytesOf(all);
    const beyondInputs = bytesOf([...all].filter((a) => !given.has(a)));
    const step = () => {
      const [y, fVjp] = vjp(f, params);
      const [g] = fVjp(np.onesLike(y));
      for (const leaf of Object.values(g as Record<string, np.Array>)) leaf.dataSync();
    };
    step(); // trace and compile
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      step();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    process.stderr.write(`checkpoint: ${workload} ${policy} done\n`);
    return { workload, policy, bytes, beyondInputs, ms: times[Math.floor(times.length / 2)] };
  });
}

const rows = [
  ...measure("MLP 784-512-512-10, batch 128", mlpWith, mlp.params, [...Object.values(mlp.params), mlp.x, mlp.onehot]),
  ...measure(`scan, ${LENGTH} steps, carry ${carry}, hidden ${hidden}`, scanWith, { w1: scanW1, w2: scanW2 }, [scanW1, scanW2, xs]),
];

const MiB = 2 ** 20;
const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? "?"} (${cpus().length} cores, load ${loadavg()[0].toFixed(2)}), Node ${process.version}, wasm backend, float32, median of ${rounds} runs of \`vjp\` + pullback.`,
  "",
  "| workload | residuals | held by `fVjp` | of which beyond params and data | vs exact | value + gradient, ms | vs exact |",
  "|---|---|---|---|---|---|---|",
];
for (const r of rows) {
  const exact = rows.find((e) => e.workload === r.workload && e.policy === "exact")!;
  const name = r.policy === "exact" ? "exact (no checkpoint)" : r.policy.startsWith("rad") ? `RAD, keep ${r.policy.split(" ")[1]}` : `checkpoint, \`${r.policy}\``;
  lines.push(
    `| ${r.workload} | ${name} | ${(r.bytes / MiB).toFixed(2)} MiB | ${(r.beyondInputs / MiB).toFixed(2)} MiB | ${(r.beyondInputs / exact.beyondInputs).toFixed(2)}× | ${r.ms.toFixed(1)} | ${(r.ms / exact.ms).toFixed(2)}× |`,
  );
}
const text = lines.join("\n");
process.stdout.write(`${text}\n`);

if (flag("write")) {
  const readme = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "README.md");
  const start = "<!-- checkpoint:start -->";
  const end = "<!-- checkpoint:end -->";
  const current = fs.readFileSync(readme, "utf8");
  const i = current.indexOf(start);
  const j = current.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} … ${end} section to replace`);
  fs.writeFileSync(readme, `${current.slice(0, i + start.length)}\n${text}\n${current.slice(j)}`);
  process.stderr.write("checkpoint: README.md updated\n");
}
