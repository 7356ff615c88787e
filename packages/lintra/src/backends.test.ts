import { describe, expect, test } from "vitest";
import { BackendError, backendNames, getBackend, np, setBackend } from "./index.js";

describe("backend selection", () => {
  test("cpu and wasm are registered; wasm (SIMD) is selected on import", () => {
    expect(backendNames()).toContain("cpu");
    expect(backendNames()).toContain("wasm");
    expect(getBackend().name).toBe("wasm");
    expect(np.array([1]).add(1).toArray()).toEqual([2]);
  });

  test("setBackend by name returns the backend", () => {
    expect(setBackend("cpu").name).toBe("cpu");
  });

  test("an unknown name is a BackendError listing the known ones", () => {
    expect(() => setBackend("tpu")).toThrow(BackendError);
    expect(() => setBackend("tpu")).toThrow(/unknown backend 'tpu'; expected one of: .*cpu/);
    expect(getBackend().name).toBe("cpu");
    setBackend("wasm");
  });
});
