/**
 * JavaScript has no operator overloading: `x * 2`, `x > 0`, `+x` or `"a" + x` on an array
 * would compute with NaN or a string. They are typed errors: a ConversionError for a
 * concrete array (naming .item() and the methods to use), a ConcretizationError for a
 * tracer (naming lax.cond and staticArgnums). String conversion prints the array.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConcretizationError, ConversionError, grad, jit, np, setBackend, vmap } from "../../src/index.js";
import { BACKENDS, expectHealthy, expectTypedError } from "./harness.js";

const conversions: [string, (x: any) => unknown][] = [
  ["x * 2", (x) => x * 2],
  ["x + 1", (x) => x + 1],
  ["x > 0", (x) => x > 0],
  ["+x", (x) => +x],
  ["-x", (x) => -x],
  ["Number(x)", (x) => Number(x)],
  ["Math.max(x)", (x) => Math.max(x, 0)],
  ['"loss " + x', (x) => "loss " + x],
  ["x == 1", (x) => x == 1],
  ["x < y", (x) => x < np.array(1)],
];

describe.each(BACKENDS)("implicit conversions (%s)", (backend) => {
  beforeEach(() => setBackend(backend));
  afterEach(() => expectHealthy(backend));

  it.each(conversions)("%s on a concrete array is a ConversionError naming what to use", (_, convert) => {
    expectTypedError(() => convert(np.array([1.5])), ConversionError, "f32[1]", "x.item()", "x.mul(2)");
  });

  it.each(conversions)("%s on a tracer (grad, jit, vmap) is a ConcretizationError naming lax.cond and staticArgnums", (_, convert) => {
    const f = (v: np.Array) => {
      convert(np.sum(v));
      return np.sum(v);
    };
    for (const transformed of [() => grad(f)(np.array([1, 2])), () => jit(f)(np.array([1, 2])), () => vmap(f)(np.ones([2, 2]))]) {
      expectTypedError(transformed, ConcretizationError, "tracer", "lax.cond", "staticArgnums");
    }
  });

  it("the wrong-branch and zero-gradient cases of plain JS now fail loudly instead", () => {
    // @ts-expect-error a function returning a JS number: the types reject it, plain JS reaches the typed error
    expectTypedError(() => grad((x: np.Array) => (np.sum(x) as any) * 2)(np.array([1, 2])), ConcretizationError, "f32[]");
    expectTypedError(() => grad((x: np.Array) => ((x as any) > 0 ? np.sum(x) : np.sum(np.negative(x))))(np.array([1, 2])), ConcretizationError, "f32[2]");
  });

  it("string conversion prints the array (template literals, String, join)", () => {
    const x = np.array([1, 2.5]);
    expect(`${x}`).toBe("Array([1, 2.5], dtype=float32)");
    expect(String(x)).toBe("Array([1, 2.5], dtype=float32)");
    expect([x, x].join(" ")).toBe("Array([1, 2.5], dtype=float32) Array([1, 2.5], dtype=float32)");
    let printed = "";
    grad((v: np.Array) => {
      printed = `${v}`;
      return np.sum(v);
    })(x);
    expect(printed).toMatch(/^Traced<f32\[2\]>/);
  });

  it("the supported ways to get numbers still work", () => {
    const x = np.array([1.5]);
    expect(x.item() * 2).toBe(3);
    expect(x.mul(2).item()).toBe(3);
    expect(np.greater(x, 0).item()).toBe(true);
  });
});
