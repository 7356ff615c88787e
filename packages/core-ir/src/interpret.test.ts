import { describe, expect, it } from "vitest";
import { type AnyTypedArray, type Backend, ConcreteArray, LruCache, type Tracer, bind1, defineBackend, jit, lax, paramsEqual, paramsKey, setBackend, stageProgram } from "./index.js";

/**
 * The interpreter `jit` runs: plain buffers, each released right after its last use, and
 * nothing left behind when a kernel throws. A float64 backend that counts live buffers
 * (and refuses a double release) makes that observable.
 */
const live = new Set<AnyTypedArray>();
let peak = 0;
const track = (b: AnyTypedArray) => {
  live.add(b);
  peak = Math.max(peak, live.size);
  return b;
};
let failOn: string | null = null;
const kernel =
  (name: string, f: (a: number, b: number) => number) =>
  ([a, b]: AnyTypedArray[]) => {
    if (failOn === name) throw new RangeError(`${name} trapped`);
    return [track(a.map((v, i) => f(v, b ? b[i % b.length] : 0)))];
  };
const counting: Backend<AnyTypedArray> = defineBackend<AnyTypedArray>({
  name: "counting",
  dtypes: ["float64"],
  fromTyped: (d) => track(d.slice()),
  read: (b) => {
    if (!live.has(b)) throw new Error("read of a released buffer");
    return b;
  },
  release: (b) => {
    if (!live.delete(b)) throw new Error("released twice, or never allocated");
  },
  kernels: {
    add: kernel("add", (a, b) => a + b),
    mul: kernel("mul", (a, b) => a * b),
    sin: kernel("sin", (a) => Math.sin(a)),
    neg: kernel("neg", (a) => -a),
  },
});

const f64 = (data: number[]) => ConcreteArray.fromTyped(data, [data.length], "float64");

setBackend(counting);

describe("the interpreter under jit", () => {
  it("releases each intermediate at its last use: a chain of 20 needs 3 buffers at once", () => {
    const chain = jit((x: Tracer) => {
      let y = x;
      for (let i = 0; i < 20; i++) y = lax.sin(lax.add(y, x));
      return y;
    });
    const x = f64([0.1, 0.2]);
    let expected = [0.1, 0.2];
    for (let i = 0; i < 20; i++) expected = expected.map((v, j) => Math.sin(v + [0.1, 0.2][j]));
    chain(x); // traces
    const before = live.size;
    peak = live.size;
    const y = chain(x) as ConcreteArray;
    expect(Array.from(y.readSync())).toEqual(expected);
    expect(live.size - before).toBe(1); // only the output survives
    expect(peak - before).toBeLessThanOrEqual(3); // x, an add, a sin: not 40 intermediates
  });

  it("a kernel that throws mid-program leaks nothing, and the backend stays usable", () => {
    const f = jit((x: Tracer) => lax.neg(lax.mul(lax.sin(x), lax.add(x, x))));
    const x = f64([1, 2, 3]);
    f(x);
    const before = live.size;
    failOn = "mul";
    expect(() => f(x)).toThrow(/mul trapped/);
    failOn = null;
    expect(live.size).toBe(before);
    expect(Array.from((f(x) as ConcreteArray).readSync())).toEqual([1, 2, 3].map((v) => -(Math.sin(v) * 2 * v)));
  });

  it("an output that is an input, or twice the same variable, has one owner", () => {
    const f = jit((x: Tracer) => {
      const s = lax.sin(x);
      return [x, s, s];
    });
    const x = f64([0.5]);
    const [a, b, c] = f(x) as ConcreteArray[];
    expect(a).toBe(x);
    expect(b).toBe(c);
    b.dispose();
    c.dispose(); // the same array: a second dispose does nothing
    expect(() => x.readSync()).not.toThrow();
  });
});

describe("literals under jit", () => {
  it("a literal passed through a nested jit to the output stays alive with the result", () => {
    const inner = jit((y: Tracer) => y);
    const outer = jit((x: Tracer) => [inner(ConcreteArray.scalar(2.5, "float64")), lax.neg(x)]);
    const [a] = outer(f64([1])) as ConcreteArray[];
    expect(live.has(a.buffer as AnyTypedArray)).toBe(true);
    expect(Array.from(a.readSync())).toEqual([2.5]);
  });
});

describe("LruCache", () => {
  it("drops the least recently used entry beyond its capacity", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.size).toBe(2);
  });
});

describe("paramsEqual", () => {
  it("compares sub-programs by structure and constants, other params as data", () => {
    const avals = [f64([1]).aval];
    const p1 = stageProgram((x) => [bind1("sin", [x], {})], avals);
    const p2 = stageProgram((y) => [bind1("sin", [y], {})], avals);
    const p3 = stageProgram((y) => [bind1("neg", [y], {})], avals);
    expect(paramsEqual({ name: "f", program: p1 }, { program: p2, name: "f" })).toBe(true);
    expect(paramsEqual({ name: "f", program: p1 }, { name: "f", program: p3 })).toBe(false);
    expect(paramsEqual({ axes: [0, 1] }, { axes: [1, 0] })).toBe(false);
    const c1 = f64([1]);
    const c2 = f64([1]);
    const withConst = (c: ConcreteArray) => stageProgram((x) => [bind1("add", [x, c], {})], avals);
    expect(paramsKey({ program: withConst(c1) })).toBe(paramsKey({ program: withConst(c1) }));
    expect(paramsKey({ program: withConst(c1) })).not.toBe(paramsKey({ program: withConst(c2) }));
  });
});
