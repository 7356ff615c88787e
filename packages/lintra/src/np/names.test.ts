import { describe, expect, it } from "vitest";
import { np } from "../index.js";

/** Every Array method that computes an array has an np function of the same name, giving the same result. */
describe("np functions named after the Array methods", () => {
  const x = np.array([[1, -2, 3], [0.5, 4, -1]]);
  const cases: [string, unknown[]][] = [
    ["add", [2]], ["sub", [2]], ["mul", [3]], ["div", [4]], ["neg", []], ["pow", [2]],
    ["matmul", [np.ones([3, 2])]], ["sum", [0]], ["mean", [1]], ["max", [1]], ["min", [0]], ["prod", [1]],
    ["argmax", [1]], ["argmin", [0]], ["reshape", [[3, 2]]], ["transpose", [[1, 0]]], ["astype", ["int32"]],
    ["flatten", []], ["squeeze", [null]], ["expandDims", [0]], ["slice", [0, [1, 3]]],
  ];
  it.each(cases)("np.%s(x, ...) equals x.%s(...)", (name, args) => {
    const fn = (np as unknown as Record<string, (...a: unknown[]) => np.Array>)[name];
    expect(typeof fn).toBe("function");
    const method = (x as unknown as Record<string, (...a: unknown[]) => np.Array>)[name];
    const viaMethod = method.apply(x, args);
    const viaFunction = fn(x, ...args);
    expect(viaFunction.dtype).toBe(viaMethod.dtype);
    expect(viaFunction.toArray()).toEqual(viaMethod.toArray());
  });
});
