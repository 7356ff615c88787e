import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grad, jit, np, setBackend } from "../src/index.js";
import { gemmEpilogueTesting } from "@lintra/backend-wasm";

/**
 * On wasm, jit runs a dense layer's bias and activation inside the product's kernel (an
 * epilogue); the gradient of an MLP under jit must keep the eager gradient's bits.
 */
let seed = 3;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const randn = (shape: number[], dtype: "float32" | "float64") => np.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rand), { dtype }).reshape(shape);
const bits = (x: np.Array) => Buffer.from(Float64Array.from(x.dataSync()).buffer).toString("base64");

describe.each(["float32", "float64"] as const)("jit(grad) of a 2-layer MLP on wasm, %s", (dtype) => {
  beforeAll(() => setBackend("wasm"));
  afterAll(() => setBackend("cpu"));

  it("has the eager gradient's bits, with the first layer's bias and tanh in the product", () => {
    const x = randn([37, 300], dtype);
    const y = randn([37, 5], dtype);
    const loss = (p: np.Array[]) => {
      const [w1, b1, w2, b2] = p;
      const h = np.tanh(np.matmul(x, w1).add(b1));
      return np.mean(np.square(np.matmul(h, w2).add(b2).sub(y)));
    };
    const params = [randn([300, 24], dtype).mul(0.1), randn([24], dtype), randn([24, 5], dtype), randn([5], dtype)];
    const eager = (grad(loss)(params) as np.Array[]).map(bits);
    const before = gemmEpilogueTesting.runs;
    const compiled = (jit(grad(loss))(params) as np.Array[]).map(bits);
    expect(gemmEpilogueTesting.runs - before).toBeGreaterThan(0);
    expect(compiled).toEqual(eager);
  });
});
