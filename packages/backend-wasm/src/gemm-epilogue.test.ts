import { type Backend, ConcreteArray, type DType, ShapedArray, type Tracer, jit, lax, setBackend, stageProgram } from "@lintra/core-ir";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { gemmEpilogueTesting } from "./dot-general.js";
import { planSteps } from "./executable.js";
import { setWasmThreads, wasmBackend } from "./index.js";
import { threadPoolTesting } from "./thread-pool.js";

/**
 * A fused group finishing a 2-D product runs inside the GEMM, on each block of C once its
 * last k block is added: the same instructions per element as the product and the group
 * run one after the other, so the bits must be those of the eager kernels.
 */
let previous: Backend<any> | null = null;
beforeAll(() => {
  previous = setBackend(wasmBackend);
});
afterAll(() => {
  if (previous) setBackend(previous);
});
afterEach(() => setWasmThreads(1));

const ramp = (n: number, scale: number, shift: number) => Array.from({ length: n }, (_, i) => Math.sin(i * scale + shift) * 1.5);
const arr = (shape: number[], dtype: DType, scale = 0.37, shift = 0) => ConcreteArray.fromTyped(ramp(shape.reduce((a, b) => a * b, 1), scale, shift), shape, dtype);
const x32 = (...shape: number[]) => new ShapedArray(shape, "float32");
const bits = (x: Tracer) => Buffer.from(Float64Array.from((x as ConcreteArray).readSync()).buffer).toString("base64");

const dot = (a: Tracer, b: Tracer) => lax.dotGeneral(a, b, { lhsContracting: [1], rhsContracting: [0] });
const bias = (b: Tracer, like: Tracer) => lax.broadcastInDim(b, like.aval.shape, [1]);
const zeros = (like: Tracer) => lax.broadcastInDim(ConcreteArray.scalar(0, like.aval.dtype), like.aval.shape, []);

type Layer = (x: Tracer, w: Tracer, b: Tracer, r: Tracer) => Tracer;
const LAYERS: [string, Layer][] = [
  ["tanh(x·W + b)", (x, w, b) => { const y = dot(x, w); return lax.tanh(lax.add(y, bias(b, y))); }],
  ["relu(x·W + b)", (x, w, b) => { const y = dot(x, w); return lax.max(lax.add(y, bias(b, y)), zeros(y)); }],
  ["x·W + b + r", (x, w, b, r) => { const y = dot(x, w); return lax.add(lax.add(y, bias(b, y)), r); }],
];

/** Run `layer` eagerly and under jit; the epilogue runs counted, and both results' bits. */
function both(layer: Layer, M: number, K: number, N: number, dtype: DType) {
  const args = [arr([M, K], dtype), arr([K, N], dtype, 0.21, 1), arr([N], dtype, 0.9, 2), arr([M, N], dtype, 0.05, 3)] as const;
  const eager = bits(layer(...args));
  const before = gemmEpilogueTesting.runs;
  const compiled = bits(jit(layer)(...args) as Tracer);
  return { eager, compiled, runs: gemmEpilogueTesting.runs - before };
}

describe("dot_general epilogues under jit", () => {
  it("plans the dense layer as one step: the product with its group", () => {
    const p = stageProgram((x: Tracer, w: Tracer, b: Tracer) => [LAYERS[0][1](x, w, b, x)], [x32(7, 5), x32(5, 3), x32(3)]);
    const steps = planSteps(p);
    expect(steps).toHaveLength(1);
    expect(steps[0].kind === "eqn" && steps[0].epilogue?.eqns.map((e) => e.prim)).toEqual(["broadcast_in_dim", "add", "tanh"]);
  });

  // float32 tanh: its SIMD and scalar code may differ in the last bit, and a row's tail runs
  // scalar here but in vectors in the eager kernel (whose only tail ends the array): for it,
  // N keeps every row in whole vectors.
  it.each(LAYERS)("%s, float32, bit-identical to the eager kernels", (name, layer) => {
    const ragged = name !== "tanh(x·W + b)";
    for (const [M, K, N] of [[7, 300, ragged ? 17 : 16], [121, 2, ragged ? 130 : 132], [250, 64, ragged ? 3 : 4], [9, 257, ragged ? 513 : 512]]) {
      const { eager, compiled, runs } = both(layer, M, K, N, "float32");
      expect(compiled, `${M}×${K}×${N}`).toBe(eager);
      expect(runs).toBe(1);
    }
  });

  it.each(LAYERS)("%s, float64, ragged sizes, bit-identical", (_, layer) => {
    for (const [M, K, N] of [[7, 300, 17], [121, 3, 130], [250, 40, 3], [9, 520, 513]]) {
      const { eager, compiled, runs } = both(layer, M, K, N, "float64");
      expect(compiled, `${M}×${K}×${N}`).toBe(eager);
      expect(runs).toBe(1);
    }
  });

  it("operands read transposed (A packed tile by tile) and several k blocks", () => {
    const f = (xt: Tracer, w: Tracer, b: Tracer) => {
      const y = lax.dotGeneral(xt, w, { lhsContracting: [0], rhsContracting: [0] });
      return lax.max(lax.add(y, bias(b, y)), zeros(y));
    };
    for (const dtype of ["float32", "float64"] as const) {
      const args = [arr([300, 121], dtype), arr([300, 130], dtype, 0.21, 1), arr([130], dtype, 0.9, 2)] as const;
      const before = gemmEpilogueTesting.runs;
      expect(bits(jit(f)(...args) as Tracer)).toBe(bits(f(...args)));
      expect(gemmEpilogueTesting.runs - before).toBe(1);
    }
  });

  it("a contraction of size 1 runs as an outer product, with the group apart", () => {
    const { eager, compiled, runs } = both(LAYERS[2][1], 7, 1, 17, "float32");
    expect(compiled).toBe(eager);
    expect(runs).toBe(0);
  });

  it("the same bits on 1, 2 and 4 threads for a product split over rows", () => {
    const results = [1, 2, 4].map((threads) => {
      setWasmThreads(threads);
      const dispatches = threadPoolTesting.dispatches;
      const r = both(LAYERS[2][1], 303, 300, 150, "float32");
      expect(threadPoolTesting.dispatches > dispatches).toBe(threads > 1); // the product (the eager add is too small to split)
      return r;
    });
    expect(results[0].compiled).toBe(results[0].eager);
    for (const r of results) expect(r.compiled).toBe(results[0].compiled);
    for (const r of results) expect(r.runs).toBe(1);
  });
});
