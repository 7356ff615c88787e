import { BackendError } from "@lintra/core-ir";
import { describe, expect, it, vi } from "vitest";
import { LinearMemory } from "./memory.js";

const MiB = 2 ** 20;

/** A memory whose growth the test refuses while `refuse` is true. */
function refusing() {
  const mem = new LinearMemory(1);
  const state = { refuse: false, calls: 0 };
  const grow = mem.memory.grow.bind(mem.memory);
  vi.spyOn(mem.memory, "grow").mockImplementation((pages: number) => {
    state.calls++;
    if (state.refuse) throw new RangeError("WebAssembly.Memory.grow(): Maximum memory size exceeded");
    return grow(pages);
  });
  return { mem, state };
}

describe("LinearMemory", () => {
  it("refuses more than 4 GiB before touching the memory", () => {
    const { mem, state } = refusing();
    expect(() => mem.alloc(2 ** 33)).toThrow(BackendError);
    expect(() => mem.alloc(NaN)).toThrow(BackendError);
    expect(state.calls).toBe(0);
    expect(mem.liveBytes).toBe(0);
  });

  it("a refused growth changes nothing: the next allocation gets the same block", () => {
    const { mem, state } = refusing();
    const first = mem.alloc(16);
    state.refuse = true;
    expect(() => mem.alloc(MiB)).toThrow(/out of memory/);
    expect(mem.liveBytes).toBe(16);
    state.refuse = false;
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(now + 5_000); // past the no-retry interval
    const second = mem.alloc(MiB);
    vi.restoreAllMocks();
    expect(second.ptr).toBe(first.ptr + 16);
    expect(mem.liveBytes).toBe(16 + MiB);
  });

  it("does not retry a growth it was refused at the same size", () => {
    const { mem, state } = refusing();
    state.refuse = true;
    expect(() => mem.alloc(MiB)).toThrow(BackendError);
    const calls = state.calls;
    for (let i = 0; i < 10; i++) expect(() => mem.alloc(MiB)).toThrow(BackendError);
    expect(state.calls).toBe(calls);
  });

  it("near the ceiling, serves a request from a larger free block", () => {
    const { mem, state } = refusing();
    const big = mem.alloc(MiB);
    mem.release(big);
    state.refuse = true;
    const small = mem.alloc(200 * 1024);
    expect(small.ptr).toBe(big.ptr);
    expect(small.bytes).toBe(big.bytes);
    mem.release(small);
    expect(mem.liveBytes).toBe(0);
  });

  it("grows by as much as the engine allows when the preferred growth is refused", () => {
    const mem = new LinearMemory(64);
    const grow = mem.memory.grow.bind(mem.memory);
    const asked: number[] = [];
    vi.spyOn(mem.memory, "grow").mockImplementation((pages: number) => {
      asked.push(pages);
      if (pages > 8) throw new RangeError("too much");
      return grow(pages);
    });
    mem.alloc(4 * MiB - 64); // needs one page more than the 64 there are
    expect(asked).toEqual([32, 16, 8]);
    expect(mem.byteLength).toBe(72 * 65536);
  });

  it("a shared memory grows in place: views taken before stay valid at their length", () => {
    const mem = new LinearMemory(1, { shared: true });
    expect(mem.shared).toBe(true);
    expect(new LinearMemory(1).shared).toBe(false);
    const first = mem.alloc(16);
    const before = mem.view(first, "float32", 4);
    before.set([1, 2, 3, 4]);
    mem.alloc(MiB); // grows
    expect(mem.byteLength).toBeGreaterThan(MiB);
    expect(Array.from(before)).toEqual([1, 2, 3, 4]);
    expect(Array.from(mem.view(first, "float32", 4))).toEqual([1, 2, 3, 4]);
  });
});
