import { ConcreteArray, bind1, setBackend } from "@lintra/core-ir";
import { describe, expect, it } from "vitest";
import { wasmBackend, wasmSimdSupported } from "./index.js";

describe("wasm backend skeleton", () => {
  it("detects SIMD and adds float32 with a generated SIMD kernel", () => {
    expect(wasmSimdSupported()).toBe(true);
    setBackend(wasmBackend);
    const n = 11;
    const a = ConcreteArray.fromTyped(Array.from({ length: n }, (_, i) => i), [n], "float32");
    const b = ConcreteArray.fromTyped(Array.from({ length: n }, (_, i) => 0.5 * i), [n], "float32");
    const y = bind1("add", [a, b], {}) as ConcreteArray;
    expect(Array.from(y.readSync())).toEqual(Array.from({ length: n }, (_, i) => 1.5 * i));
    const ia = ConcreteArray.fromTyped([2147483647, 1], [2], "int32");
    expect(Array.from((bind1("add", [ia, ia], {}) as ConcreteArray).readSync())).toEqual([-2, 2]);
  });
});
