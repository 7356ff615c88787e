// The measuring loop every peer process shares: the same inputs, cases, timing rule and checks,
// so the libraries differ only in the few lines that call them.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import {
  CHAIN_BYTES,
  MATMUL_SIZES,
  type MlpData,
  PARAM_NAMES,
  type ParamName,
  SGD_LR,
  chainError,
  chainInput,
  matmulError,
  matmulInputs,
  mlpData,
} from "../data.js";
import type { BenchRecord, CaseName, MetaRecord } from "./protocol.js";

/** A computation whose `run` computes and reads the result back into JS memory. */
export interface Case {
  run(): ArrayLike<number>;
  dispose?(): void;
}

/** An MLP whose parameters live in the library; every method reads its results back. */
export interface MlpCase {
  /** The loss at the current parameters. */
  forward(): number;
  /** The loss and the gradient of every parameter at the current parameters. */
  valueAndGrad(): { loss: number; grads: Record<ParamName, ArrayLike<number>> };
  /** Replace every parameter p by p - lr * grad p, and read the new parameters back. */
  sgdStep(): void;
  dispose?(): void;
}

export interface Peer {
  matmul(n: number, a: Float32Array, b: Float32Array): Case;
  chain(x: Float32Array): Case;
  mlp(data: MlpData, lr: number): MlpCase;
}

export function emit(record: BenchRecord): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/**
 * Median (and minimum) wall time of `fn` in ms, after warm-up; at least 5 runs, up to ~2 s.
 * Warm-up: at least 2 runs and 0.3 s (at most 300 runs), so that the JS engine has optimized
 * each library's own code before it is timed, however short one run is.
 * BENCH_QUICK=1 (read at each call): a few runs, to try a script out.
 */
export function measure(fn: () => unknown): { ms: number; minMs: number; runs: number } {
  const { warmup, warmupMs, minRuns, maxRuns, budgetMs } = process.env.BENCH_QUICK === "1"
    ? { warmup: 1, warmupMs: 0, minRuns: 2, maxRuns: 3, budgetMs: 100 }
    : { warmup: 2, warmupMs: 300, minRuns: 5, maxRuns: 31, budgetMs: 2000 };
  const warmStart = performance.now();
  for (let i = 0; i < 300 && (i < warmup || performance.now() - warmStart < warmupMs); i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxRuns && (times.length < minRuns || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const mid = times.length >> 1;
  const ms = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { ms, minMs: times[0], runs: times.length };
}

/** The installed version of a package, read from its package.json. */
export function packageVersion(name: string, from: string): string {
  try {
    let dir = path.dirname(createRequire(from).resolve(name));
    for (;;) {
      const file = path.join(dir, "package.json");
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? "?";
      }
      const up = path.dirname(dir);
      if (up === dir) return "?";
      dir = up;
    }
  } catch {
    return "?";
  }
}

function l2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

const cases = new Set<CaseName>(
  (process.env.BENCH_CASES?.split(",").filter(Boolean) as CaseName[] | undefined) ?? ["matmul", "chain", "forward", "valueAndGrad", "sgdStep"],
);

/** Run every case on one peer, printing JSON lines; a failing case is reported and skipped. */
export function runPeer(meta: Omit<MetaRecord, "kind">, peer: Peer): void {
  const { label } = meta;
  emit({ kind: "meta", ...meta });
  const attempt = (name: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      emit({ kind: "error", label, case: name, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  };

  if (cases.has("matmul")) {
    for (const n of MATMUL_SIZES) {
      attempt(`matmul ${n}`, () => {
        const { a, b } = matmulInputs(n);
        const c = peer.matmul(n, a, b);
        try {
          emit({ kind: "check", label, name: `matmul ${n} error`, value: matmulError(n, a, b, c.run()) });
          const t = measure(() => c.run());
          emit({ kind: "timing", label, case: "matmul", n, ...t, gflops: (2 * n ** 3) / (t.ms * 1e6) });
        } finally {
          c.dispose?.();
        }
      });
    }
  }

  if (cases.has("chain")) {
    attempt("chain", () => {
      const x = chainInput();
      const c = peer.chain(x);
      try {
        emit({ kind: "check", label, name: "chain error", value: chainError(x, c.run()) });
        const t = measure(() => c.run());
        emit({ kind: "timing", label, case: "chain", ...t, gbs: CHAIN_BYTES / (t.ms * 1e6) });
      } finally {
        c.dispose?.();
      }
    });
  }

  if (cases.has("forward") || cases.has("valueAndGrad") || cases.has("sgdStep")) {
    attempt("mlp", () => {
      const m = peer.mlp(mlpData(), SGD_LR);
      try {
        emit({ kind: "check", label, name: "mlp loss", value: m.forward() });
        const { loss, grads } = m.valueAndGrad();
        emit({ kind: "check", label, name: "mlp loss (valueAndGrad)", value: loss });
        for (const k of PARAM_NAMES) emit({ kind: "check", label, name: `mlp |grad ${k}|`, value: l2(grads[k]) });
        if (cases.has("forward")) emit({ kind: "timing", label, case: "forward", ...measure(() => m.forward()) });
        if (cases.has("valueAndGrad")) emit({ kind: "timing", label, case: "valueAndGrad", ...measure(() => m.valueAndGrad()) });
        if (cases.has("sgdStep")) {
          m.sgdStep();
          emit({ kind: "check", label, name: "mlp loss after one SGD step", value: m.forward() });
          emit({ kind: "timing", label, case: "sgdStep", ...measure(() => m.sgdStep()) });
        }
      } finally {
        m.dispose?.();
      }
    });
  }
}
