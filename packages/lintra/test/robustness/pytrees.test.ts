/**
 * Pytrees a transformation cannot flatten: cyclic, absurdly deep, or holding values that
 * are not arrays, numbers, booleans, JS arrays or plain objects. Typed errors naming the
 * path, never a stack overflow.
 */
import { afterEach, beforeEach, describe, it } from "vitest";
import { ValueError, grad, jit, np, setBackend, vmap } from "../../src/index.js";
import { BACKENDS, expectHealthy, expectTypedError } from "./harness.js";

const loss = (p: { w: np.Array }) => np.sum(p.w.mul(p.w));

describe.each(BACKENDS)("pytrees (%s)", (backend) => {
  beforeEach(() => setBackend(backend));
  afterEach(() => expectHealthy(backend));

  it("a cyclic pytree is a ValueError naming where it cycles", () => {
    const p: any = { w: np.array([1, 2]) };
    p.self = p;
    expectTypedError(() => grad(loss)(p), ValueError, "cyclic", ".self");
    expectTypedError(() => jit(loss)(p), ValueError, "cyclic");
    const list: any[] = [np.array([1])];
    list.push(list);
    expectTypedError(() => vmap((l: any) => l[0])(list), ValueError, "cyclic", "[1]");
  });

  it("a pytree nested 100,000 deep is a ValueError, not a stack overflow", () => {
    let deep: any = np.array([1]);
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expectTypedError(() => grad((t: any) => np.sum(t.flat(Infinity)[0]))(deep), ValueError, "nested deeper than");
  });

  it.each([
    ["a string", "w"],
    ["a function", () => 1],
    ["a Map", new Map()],
    ["a Date", new Date(0)],
    ["a class instance", new (class Params {})()],
  ])("%s as a leaf is a ValueError naming the path and what is allowed", (_, bad) => {
    expectTypedError(() => grad(loss)({ w: np.array([1, 2]), extra: bad } as never), ValueError, ".extra", "plain objects");
  });

  it("a shared (not cyclic) subtree is fine", () => {
    const w = np.array([1, 2]);
    const shared = { w };
    grad((p: { a: { w: np.Array }; b: { w: np.Array } }) => np.sum(p.a.w.mul(p.b.w)))({ a: shared, b: shared });
  });
});
