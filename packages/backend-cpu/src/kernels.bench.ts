import { ConcreteArray, bind1, setBackend } from "@lintra/core-ir";
import { bench, describe } from "vitest";
import { randoms } from "../test/oracle.js";
import { cpuBackend } from "./index.js";

setBackend(cpuBackend);

const matrix = (n: number, seed: number) => ConcreteArray.fromTyped(randoms(n * n, seed), [n, n], "float32");
const noBatch = { lhsBatch: [], rhsBatch: [] };

describe("dot_general 256×256 float32", () => {
  const a = matrix(256, 1);
  const b = matrix(256, 2);
  bench("a · b", () => void bind1("dot_general", [a, b], { lhsContracting: [1], rhsContracting: [0], ...noBatch }));
  bench("aᵀ · bᵀ (both operands transposed first)", () => void bind1("dot_general", [a, b], { lhsContracting: [0], rhsContracting: [1], ...noBatch }));
});

describe("1000×1000 float32", () => {
  const x = matrix(1000, 3);
  bench("sin", () => void bind1("sin", [x], {}));
  bench("reduce_sum over axis 0", () => void bind1("reduce_sum", [x], { axes: [0] }));
  bench("transpose", () => void bind1("transpose", [x], { permutation: [1, 0] }));
});
