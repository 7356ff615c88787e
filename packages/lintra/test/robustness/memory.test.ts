/**
 * Memory a user controls: tidy, dispose (and `using`), donated jit arguments, and
 * allocations beyond what a backend can hold. Released arrays are typed errors when read;
 * a failed allocation leaves the backend usable.
 */
import { wasmMemoryStats } from "@lintra/backend-wasm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackendError, ReleasedArrayError, TransformError, grad, jit, np, setBackend, tidy, vmap } from "../../src/index.js";
import { BACKENDS, expectHealthy, expectTypedError } from "./harness.js";

describe.each(BACKENDS)("tidy and dispose (%s)", (backend) => {
  beforeEach(() => setBackend(backend));
  afterEach(() => expectHealthy(backend));

  it("releases what it created except what it returns (pytrees included)", () => {
    let inner: np.Array[] = [];
    const out = tidy(() => {
      const a = np.array([1, 2]);
      const b = a.mul(3);
      inner = [a, b];
      return { kept: [b.add(1)], also: new Map([["m", b]]) };
    });
    expect(out.kept[0].toArray()).toEqual([4, 7]);
    expect(out.also.get("m")!.toArray()).toEqual([3, 6]);
    expectTypedError(() => inner[0].toArray(), ReleasedArrayError, "f32[2]", "disposed", "tidy");
    expectTypedError(() => inner[0].add(1), ReleasedArrayError, "disposed");
  });

  it("leaves arrays created outside alone", () => {
    const outside = np.array([1, 2]);
    tidy(() => outside.mul(2));
    expect(outside.toArray()).toEqual([1, 2]);
  });

  it("nested: an inner tidy's results belong to the outer one", () => {
    let fromInner: np.Array | null = null;
    const kept = tidy(() => {
      fromInner = tidy(() => np.array([5]).add(1));
      expect(fromInner.toArray()).toEqual([6]);
      return fromInner.mul(2);
    });
    expect(kept.toArray()).toEqual([12]);
    expectTypedError(() => fromInner!.toArray(), ReleasedArrayError, "disposed");
  });

  it("releases the gradient's intermediates and keeps its result", () => {
    const x = np.array([1, 2, 3]);
    const g = tidy(() => grad((v: np.Array) => np.sum(np.sin(v).mul(v)))(x));
    const expected = [1, 2, 3].map((v) => Math.cos(v) * v + Math.sin(v));
    (g.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it("an exception inside releases everything made so far and passes through unchanged", () => {
    let made: np.Array | null = null;
    const err = new RangeError("mine");
    expect(() =>
      tidy(() => {
        made = np.array([1]);
        throw err;
      }),
    ).toThrow(err);
    expectTypedError(() => made!.item(), ReleasedArrayError);
  });

  it("a jitted function's cached constants survive the tidy that first traced it", () => {
    const f = jit((v: np.Array) => v.add(np.array([10, 20])));
    expect(tidy(() => f(np.array([1, 2])).toArray())).toEqual([11, 22]);
    expect(f(np.array([1, 2])).toArray()).toEqual([11, 22]);
  });

  it("dispose twice is harmless; `using` disposes at the end of the block", () => {
    const a = np.array([1]);
    a.dispose();
    a.dispose();
    expectTypedError(() => a.item(), ReleasedArrayError);
    let b: np.Array;
    {
      using held = np.array([2]);
      b = held;
      expect(held.item()).toBe(2);
    }
    expectTypedError(() => b.item(), ReleasedArrayError, "using");
  });

  it("tidy of something that is not a synchronous function is refused", () => {
    expectTypedError(() => tidy(42 as never), TransformError, "tidy: expected fn to be a function");
    expectTypedError(() => tidy(async () => 1), TransformError, "tidy", "async function");
  });
});

describe.each(BACKENDS)("donateArgnums (%s)", (backend) => {
  beforeEach(() => setBackend(backend));
  afterEach(() => expectHealthy(backend));

  const step = (p: { w: np.Array }, x: np.Array) => ({ w: p.w.sub(grad((w: np.Array) => np.sum(w.mul(x).mul(w)))(p.w).mul(0.1)) });

  it("a donated argument is invalid afterwards; the result equals the undonated one", () => {
    const plain = jit(step);
    const donating = jit(step, { donateArgnums: 0 });
    const x = np.array([1, 2]);
    const p = { w: np.array([3, 4]) };
    const expected = plain(p, x).w.toArray();
    const q = { w: np.array([3, 4]) };
    const out = donating(q, x);
    expect(out.w.toArray()).toEqual(expected);
    expectTypedError(() => q.w.toArray(), ReleasedArrayError, "donated");
    expect(x.toArray()).toEqual([1, 2]); // not donated
  });

  it("an array passed to a donated and an undonated position computes right", () => {
    const f = jit((a: np.Array, b: np.Array) => a.add(b), { donateArgnums: 0 });
    const a = np.array([1, 2]);
    expect(f(a, a).toArray()).toEqual([2, 4]);
  });

  it("under a transformation nothing is donated (as in JAX)", () => {
    const f = jit((a: np.Array) => np.sum(a.mul(a)), { donateArgnums: 0 });
    const a = np.array([1, 2]);
    expect(grad(f)(a).toArray()).toEqual([2, 4]);
    expect(vmap(f)(np.ones([2, 2])).toArray()).toEqual([2, 2]);
    expect(a.toArray()).toEqual([1, 2]);
  });
});

describe("allocations beyond a backend's ceiling", () => {
  afterEach(() => {
    expectHealthy("wasm");
    expectHealthy("cpu");
  });

  it("wasm: beyond 4 GiB, or beyond what the memory can grow to, is a BackendError and the allocator rolls back", () => {
    setBackend("wasm");
    const before = wasmMemoryStats().liveBytes;
    expectTypedError(() => tidy(() => np.zeros(1e10)), BackendError, "wasm", "4 GiB");
    expectTypedError(() => tidy(() => np.zeros([900_000_000])), BackendError, "wasm", "out of memory");
    expectTypedError(() => tidy(() => np.arange(1e9)), BackendError, "wasm");
    expect(wasmMemoryStats().liveBytes).toBe(before);
    expect(np.zeros([1000]).sum().item()).toBe(0);
  });

  it("cpu: an array beyond 4 GiB is a BackendError before any memory is touched", () => {
    setBackend("cpu");
    expectTypedError(() => np.zeros([65536, 65536]), BackendError, "cannot allocate", "16 GiB");
    expectTypedError(() => np.ones(2e9, { dtype: "float64" }), BackendError, "cannot allocate");
  });
});
