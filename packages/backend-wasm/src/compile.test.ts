import { describe, expect, it } from "vitest";
import { KernelCache } from "./compile.js";
import type { ModuleBuilder } from "./wasm/encoder.js";

describe("KernelCache", () => {
  it("keeps at most its capacity, dropping the least recently used kernel", () => {
    const cache = new KernelCache(new WebAssembly.Memory({ initial: 1 }), {}, 2);
    let builds = 0;
    const build = (m: ModuleBuilder) => {
      builds++;
      m.func([], [], "run");
    };
    const run = cache.get("a", build);
    cache.get("b", build);
    expect(cache.get("a", build)).toBe(run); // a is now the most recent
    cache.get("c", build); // evicts b
    expect(cache.size).toBe(2);
    expect(builds).toBe(3);
    cache.get("a", build);
    expect(builds).toBe(3);
    cache.get("b", build);
    expect(builds).toBe(4);
  });
});
