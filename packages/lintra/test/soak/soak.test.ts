/**
 * Memory soaks: a training loop (MLP 64-128-128-10, batch 32, SGD) that never yields to the
 * event loop must keep its memory flat with `tidy` or with a jitted step that donates its
 * parameters; an out-of-memory error in the middle of the loop leaves the backend usable.
 * Each loop runs in its own process (sgd-loop.ts), so that its memory is its own.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = fileURLToPath(new URL(".", import.meta.url));
const tsx = fileURLToPath(new URL("../../../../node_modules/.bin/tsx", import.meta.url));
const MiB = 2 ** 20;

interface Memory {
  wasmBytes: number;
  liveBytes: number;
  rss: number;
}
interface Report {
  backend: string;
  mode: string;
  steps: number;
  msPerStep: number;
  start: Memory;
  end: Memory;
  finalLoss: number;
}

function soak(backend: string, mode: string, steps: number): Report {
  const child = spawnSync(tsx, ["--conditions=@lintra/source", "sgd-loop.ts", backend, mode, String(steps)], { cwd: here, encoding: "utf8", timeout: 240_000 });
  expect(child.status, child.stderr).toBe(0);
  const report = JSON.parse(child.stdout.trim().split("\n").pop()!) as Report;
  const mb = (m: Memory) => `wasm memory ${(m.wasmBytes / MiB).toFixed(1)} MiB, live ${(m.liveBytes / MiB).toFixed(2)} MiB, RSS ${(m.rss / MiB).toFixed(0)} MiB`;
  console.log(`${backend} ${mode} ×${steps} (${report.msPerStep.toFixed(2)} ms/step): start ${mb(report.start)}; end ${mb(report.end)}`);
  return report;
}

/** What a loop without tidy holds per step on wasm (~400 KiB): the soaks must stay far below it. */
const RSS_SLACK = 96 * MiB;

describe("a synchronous training loop", () => {
  it("without tidy grows (the measurement sees a leak)", () => {
    const r = soak("wasm", "leak", 600);
    expect(r.end.liveBytes - r.start.liveBytes).toBeGreaterThan(100 * MiB);
  });

  it.each([
    ["wasm", "tidy", 10_000],
    ["wasm", "donate", 10_000],
    ["cpu", "tidy", 2_000],
    ["cpu", "donate", 2_000],
  ])("on %s with %s stays flat over %i steps", (backend, mode, steps) => {
    const r = soak(backend, mode, steps);
    expect(r.end.wasmBytes).toBe(r.start.wasmBytes);
    expect(r.end.liveBytes).toBe(r.start.liveBytes);
    expect(r.end.rss - r.start.rss).toBeLessThan(RSS_SLACK);
    expect(Number.isFinite(r.finalLoss)).toBe(true);
  });

  it("that awaits once per step stays bounded without tidy", () => {
    const r = soak("wasm", "yield", 3_000);
    expect(r.end.wasmBytes).toBeLessThan(128 * MiB);
  });

  it.each(["wasm", "cpu"])("on %s survives out-of-memory errors and trains as if they had not happened", (backend) => {
    const steps = 1_000;
    const withOom = soak(backend, "oom", steps);
    const plain = soak(backend, "tidy", steps);
    expect(withOom.end.liveBytes).toBe(withOom.start.liveBytes);
    expect(withOom.finalLoss).toBe(plain.finalLoss);
  });

  it("donating gives the same parameters as not donating", () => {
    expect(soak("wasm", "donate", 500).finalLoss).toBe(soak("wasm", "tidy", 500).finalLoss);
  });
});
