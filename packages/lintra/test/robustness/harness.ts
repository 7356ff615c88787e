/**
 * The robustness suite's two checks: a bad input gets a typed lintra error whose message
 * names the call and what was expected, and afterwards lintra still computes right.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { LintraError, grad, np, setBackend } from "../../src/index.js";

export const BACKENDS = ["cpu", "wasm"] as const;
export type BackendName = (typeof BACKENDS)[number];

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * `fn()` throws an instance of `type` (a LintraError subclass), synchronously, whose message
 * contains every fragment in `mentions` (strings, case-sensitive, or regexps).
 */
export function expectTypedError(fn: () => unknown, type: ErrorClass, ...mentions: (string | RegExp)[]): Error {
  let thrown: unknown = undefined;
  let threw = false;
  try {
    fn();
  } catch (e) {
    threw = true;
    thrown = e;
  }
  expect(threw, `expected ${type.name}, but nothing was thrown`).toBe(true);
  expect(thrown, `expected ${type.name}, got ${String(thrown)}`).toBeInstanceOf(type);
  expect(thrown).toBeInstanceOf(LintraError);
  const message = (thrown as Error).message;
  for (const m of mentions) {
    if (typeof m === "string") expect(message).toContain(m);
    else expect(message).toMatch(m);
  }
  return thrown as Error;
}

/**
 * lintra still works on `backend`: an allocation, an eager computation and a gradient,
 * checked against values computed here with Math (no lintra involved).
 */
export function expectHealthy(backend: BackendName): void {
  setBackend(backend);
  const xs = [0.5, -1.25, 2];
  const x = np.array(xs);
  expect(np.zeros([1000]).sum().item()).toBe(0);
  const value = np.sum(np.sin(x).mul(x)).item();
  expect(value).toBeCloseTo(xs.reduce((s, v) => s + Math.sin(v) * v, 0), 5);
  const g = grad((x: np.Array) => np.sum(np.sin(x).mul(x)))(x).toArray() as number[];
  xs.forEach((v, i) => expect(g[i]).toBeCloseTo(Math.cos(v) * v + Math.sin(v), 5));
}

/** One bad input: a name, the call, the error class it must throw, fragments its message must name. */
export type BadInput = [name: string, fn: () => unknown, type: ErrorClass, mentions: (string | RegExp)[]];

/**
 * On each backend: every group of bad inputs (a test per input, titled `group: name`) gets
 * its typed error, lintra computes right after each, and `alsoValid` adds the tests of what
 * must still work.
 */
export function describeBadInputs(title: string, groups: Record<string, readonly BadInput[]>, alsoValid: () => void): void {
  describe.each(BACKENDS)(`${title} on %s`, (backend) => {
    beforeEach(() => setBackend(backend));
    afterEach(() => expectHealthy(backend));
    for (const [group, cases] of Object.entries(groups)) {
      test.each(cases)(`${group}: %s`, (_, fn, type, mentions) => {
        expectTypedError(fn, type, ...mentions);
      });
    }
    alsoValid();
  });
}
