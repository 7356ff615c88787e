import { ConcreteArray, bind1, setBackend } from "@lintra/core-ir";
import { bench, describe } from "vitest";
import { setWasmThreads, wasmBackend } from "./index.js";

// float32 matmul through bind, result read back. GFLOP/s = 2n³ / (mean time).
// One thread unless a row says otherwise (on a machine with other work, the two-thread
// rows measure the scheduler as much as the kernels).

setBackend(wasmBackend);
setWasmThreads(1);

const matrix = (rows: number, cols: number, seed: number) =>
  ConcreteArray.fromTyped(Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5), [rows, cols], "float32");
const MATMUL = { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] };
const TRANSPOSED_LHS = { ...MATMUL, lhsContracting: [0] };
const TRANSPOSED_RHS = { ...MATMUL, rhsContracting: [1] };

for (const n of [128, 256, 512, 1024]) {
  describe(`f32 matmul n = ${n} (${((2 * n ** 3) / 1e9).toFixed(3)} GFLOP per call)`, () => {
    const a = matrix(n, n, 1);
    const b = matrix(n, n, 2);
    const opts = { time: n >= 512 ? 2000 : 500, warmupIterations: 3 };
    bench("a · b", () => void (bind1("dot_general", [a, b], MATMUL) as ConcreteArray).readSync(), opts);
    bench("aᵀ · b", () => void (bind1("dot_general", [a, b], TRANSPOSED_LHS) as ConcreteArray).readSync(), opts);
    bench("a · bᵀ", () => void (bind1("dot_general", [a, b], TRANSPOSED_RHS) as ConcreteArray).readSync(), opts);
    const twoThreads = { ...opts, setup: () => setWasmThreads(2), teardown: () => setWasmThreads(1) };
    bench("a · b, 2 threads", () => void (bind1("dot_general", [a, b], MATMUL) as ConcreteArray).readSync(), twoThreads);
  });
}

describe("MLP-shaped f32 products (batch 128)", () => {
  const x = matrix(128, 784, 3);
  const w = matrix(784, 512, 4);
  const dy = matrix(128, 512, 5);
  bench("forward x · W [128,784]·[784,512]", () => void (bind1("dot_general", [x, w], MATMUL) as ConcreteArray).readSync());
  bench("weight grad xᵀ · dy [784,128]·[128,512]", () => void (bind1("dot_general", [x, dy], { ...MATMUL, lhsContracting: [0], rhsContracting: [0] }) as ConcreteArray).readSync());
  bench("input grad dy · Wᵀ [128,512]·[512,784]", () => void (bind1("dot_general", [dy, w], TRANSPOSED_RHS) as ConcreteArray).readSync());
});
